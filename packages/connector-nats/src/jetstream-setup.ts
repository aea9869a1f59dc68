import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
  StorageType,
} from "@nats-io/jetstream";
import type { ConsumerSettings, Destination, NatsStreamOptions } from "./config.js";

// JetStream's API error codes the setup tells apart.
const streamNotFound = 10059;
const streamNameInUse = 10058;
const subjectsOverlap = 10065;
const consumerNotFound = 10014;
const consumerExists = 10148;
const consumerNameExists = 10013;

const nanos = (ms: number): number => ms * 1_000_000;

export const apiCode = (error: unknown): number | undefined =>
  error instanceof JetStreamApiError ? error.code : undefined;

/**
 * Creates the queue's stream unless it exists, and returns the name of the stream that holds
 * the subject: another stream that already captures it (one stream for `orders.>`, say) is
 * used instead, since JetStream routes by subject.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  { stream, subject }: Destination,
  options: NatsStreamOptions = {},
): Promise<string> {
  try {
    await jsm.streams.info(stream);
    return stream;
  } catch (error) {
    if (apiCode(error) !== streamNotFound) throw error;
  }
  try {
    await jsm.streams.add({
      name: stream,
      subjects: [subject],
      storage: options.storage === "memory" ? StorageType.Memory : StorageType.File,
      num_replicas: options.replicas ?? 1,
      ...(options.maxAgeMs === undefined ? {} : { max_age: nanos(options.maxAgeMs) }),
      ...(options.duplicateWindowMs === undefined
        ? {}
        : { duplicate_window: nanos(options.duplicateWindowMs) }),
    });
  } catch (error) {
    // Made by another instance meanwhile, or the subject is another stream's.
    const code = apiCode(error);
    if (code === subjectsOverlap) return await jsm.streams.find(subject);
    if (code !== streamNameInUse) throw error;
  }
  return stream;
}

/**
 * Creates the group's durable pull consumer at the stream's first message (a dead letter sent
 * before any consumer ran is not skipped), or brings an existing one's timings up to date.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  settings: ConsumerSettings,
): Promise<void> {
  const timings = {
    ack_wait: nanos(settings.ackWaitMs),
    max_ack_pending: settings.maxAckPending,
  };
  try {
    await jsm.consumers.add(settings.stream, {
      durable_name: settings.group,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: settings.subject,
      // Core resends and dead-letters: JetStream must never give up on a message by itself.
      max_deliver: -1,
      ...timings,
    });
  } catch (error) {
    const code = apiCode(error);
    if (code !== consumerExists && code !== consumerNameExists) throw error;
    await jsm.consumers.update(settings.stream, settings.group, timings);
  }
}

/** Fails with what is missing when the stream or the consumer does not exist (`declare: false`). */
export async function expectConsumer(
  jsm: JetStreamManager,
  settings: ConsumerSettings,
): Promise<void> {
  try {
    await jsm.consumers.info(settings.stream, settings.group);
  } catch (error) {
    const code = apiCode(error);
    if (code !== streamNotFound && code !== consumerNotFound) throw error;
    throw new Error(
      `${code === streamNotFound ? `stream "${settings.stream}"` : `durable consumer "${settings.group}" of stream "${settings.stream}"`} does not exist, and declare is false`,
      { cause: error },
    );
  }
}
