// An SQS connector that can be cut off as a SIGKILL cuts a process.
import { SqsQueueConnector } from "@romeways/connector-sqs";
import type { ConnectorContext } from "@romeways/core";
import { connectorConfig, queueConfig } from "./sqs-test-kit.js";

/** Once crashed, it neither extends nor releases what it holds: its messages expire on the server. */
export class CrashableSqsConnector extends SqsQueueConnector {
  constructor(endpoint: string, queueName: string, context?: ConnectorContext) {
    super(connectorConfig(endpoint), queueConfig(), queueName, context);
  }

  crash(): void {
    this.abandon();
  }
}
