import { Construct, DynamodbTable } from "../cdktf.js";
import { physicalName, type StackConfig } from "../config.js";

/** The movies table and the table Powertools idempotency keeps for email-notification. */
export class DataTables extends Construct {
  readonly movies: DynamodbTable;
  readonly idempotency: DynamodbTable;

  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    this.movies = new DynamodbTable(this, "movies", {
      name: physicalName(config, "Movies"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: "ID",
      attribute: [{ name: "ID", type: "S" }],
      // Only on AWS: emulators have nothing to restore and some reject the call.
      ...(config.target === "aws" ? { pointInTimeRecovery: { enabled: true } } : {}),
    });
    this.movies.overrideLogicalId("movies_table");

    this.idempotency = new DynamodbTable(this, "idempotency", {
      name: physicalName(config, "movies-idempotency"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attribute: [{ name: "id", type: "S" }],
      ttl: { attributeName: "expiration", enabled: true },
    });
    this.idempotency.overrideLogicalId("idempotency_table");
  }
}
