import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { MovieEvent } from "./movie-events.js";

export interface PublishOutcome {
  published: boolean;
  messageId?: string;
}

/**
 * Publishes movie events to the topic with `Type` and `traceparent` message
 * attributes. The write it reports is already committed, so a publish that
 * fails after the SDK's retries is logged with the whole event (enough to
 * replay it) and reported as an outcome, not thrown.
 */
export class EventPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    private readonly logger: Pick<Logger, "error" | "info">,
  ) {}

  async publish(event: MovieEvent, traceparent: string): Promise<PublishOutcome> {
    try {
      const out = await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Message: JSON.stringify(event.detail),
          MessageAttributes: {
            Type: { DataType: "String", StringValue: event.type },
            traceparent: { DataType: "String", StringValue: traceparent },
          },
        }),
      );
      this.logger.info("Published movie event", { eventType: event.type, snsMessageId: out.MessageId });
      return { published: true, messageId: out.MessageId };
    } catch (error) {
      this.logger.error("Failed to publish movie event; replay it from this log entry", {
        event: {
          topicArn: this.topicArn,
          type: event.type,
          message: event.detail,
          traceparent,
        },
        error: error as Error,
      });
      return { published: false };
    }
  }
}
