/** The shapes the console's server sends and its page reads: plain types, so both sides (Node and the browser) import them. */

export interface Denial {
  time: number;
  function: string;
  requestId?: string;
  role?: string;
  action?: string;
  resource?: string;
  message: string;
}

export interface QueueSummary {
  name: string;
  arn: string;
  visible: number;
  inFlight: number;
  delayed: number;
  /** queues whose redrive policy sends their failures here: set when this queue is a dead-letter queue */
  deadLetterSources: string[];
  /** where this queue's failures go */
  deadLetterTarget?: string;
  maxReceiveCount?: number;
}

export interface PeekedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  state: "visible" | "in flight" | "delayed";
  attributes: Record<string, string>;
  deadLetterSourceArn?: string;
}
