import { FUNCTION_NAMES } from "../handlers/functions.js";
import { TerraformOutput, TerraformStack, type Construct } from "./cdktf.js";
import type { StackConfig } from "./config.js";
import { AccountContext } from "./constructs/account.js";
import { Api } from "./constructs/api.js";
import { DataTables } from "./constructs/data.js";
import { Email } from "./constructs/email.js";
import { Functions } from "./constructs/functions.js";
import { Messaging } from "./constructs/messaging.js";
import { configureProviderAndBackend } from "./provider.js";

export const STACK_NAME = "movies";

/**
 * The whole movies system. Resources are the same on every target; only the
 * provider and the backend differ (provider.ts).
 */
export class MoviesStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    configureProviderAndBackend(this, config);

    const account = new AccountContext(this, "account");
    const tables = new DataTables(this, "data", config);
    const messaging = new Messaging(this, "messaging", config);
    const email = new Email(this, "email", config);
    const functions = new Functions(this, "functions", config, { tables, messaging, email, account });
    const api = new Api(this, "api", config, account, functions.byName);

    const output = (id: string, value: unknown, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive }).overrideLogicalId(id);
    output("api_url", api.stage.invokeUrl, "Invoke URL of the live stage");
    output("api_id", api.restApi.id, "REST API id (LocalStack and the embedded cloud build URLs from it)");
    output("api_key", api.apiKey.value, "API key for POST, PUT and DELETE (x-api-key header)", true);
    output("table_name", tables.movies.name, "DynamoDB table holding the movies");
    output("idempotency_table_name", tables.idempotency.name, "DynamoDB table of email-notification idempotency records");
    output("topic_arn", messaging.topic.arn, "SNS topic of movie events");
    output("queue_url", messaging.queue.url, "SQS queue feeding email-notification");
    output("dlq_url", messaging.deadLetterQueue.url, "Dead-letter queue after 5 failed receives");
    output(
      "function_names",
      Object.fromEntries(FUNCTION_NAMES.map((name) => [name, functions.byName[name].functionName])),
      "Lambda function name of each handler",
    );
  }
}
