// Helpers for tests against the real server: every test gets queues of its own.
import { DeleteQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SqsConnectorConfig, SqsQueueConfig } from "@romeways/connector-sqs";
import { uniqueQueueName } from "@romeways/testing";
import { afterAll, inject } from "vitest";

export const sqsEndpoint = (): string => inject("sqsEndpoint");

// ElasticMQ takes any credentials; real SQS would not be reached with these.
export const testCredentials = { accessKeyId: "romeways", secretAccessKey: "romeways" };

export function connectorConfig(
  endpoint = sqsEndpoint(),
  overrides: Partial<SqsConnectorConfig> = {},
): SqsConnectorConfig {
  return {
    connectorName: "sqs-test",
    endpoint,
    region: "us-east-1",
    client: { credentials: testCredentials },
    ...overrides,
  };
}

/** Short visibility and wait: a crashed instance's messages come back within 3 s. */
export function queueConfig(overrides: Partial<SqsQueueConfig> = {}): SqsQueueConfig {
  return { connectorName: "sqs-test", visibilityTimeout: 3, ...overrides };
}

let admin: SQSClient | undefined;

/** A plain SDK client of this test file, to look at queues directly. */
export function sqs(endpoint = sqsEndpoint()): SQSClient {
  admin ??= new SQSClient({ endpoint, region: "us-east-1", credentials: testCredentials });
  return admin;
}

afterAll(() => {
  admin?.destroy();
  admin = undefined;
});

/** A queue name no other test uses; `.fifo` for a FIFO queue. */
export function testQueueName(fifo = false): string {
  return `${uniqueQueueName("romeways-sqs")}${fifo ? ".fifo" : ""}`;
}

/** Deletes a queue by name; a queue that was never created is fine. */
export async function deleteQueue(queueName: string, endpoint = sqsEndpoint()): Promise<void> {
  const url = `${endpoint}/000000000000/${queueName}`;
  await sqs(endpoint)
    .send(new DeleteQueueCommand({ QueueUrl: url }))
    .catch(() => {});
}
