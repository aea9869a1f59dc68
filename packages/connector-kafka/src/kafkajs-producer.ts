// The shared producer of resends, dead letters and publishes, on kafkajs (see kafkajs-client.ts).
import type { RawMessage } from "@romeways/core";
import { type Message, Partitioners, type Producer } from "kafkajs";
import { type ClientSettings, createKafka } from "./kafkajs-client.js";
import { type SocketMaker, SocketPool } from "./socket-pool.js";

/** A producer shared by every connector instance built from one connector config. */
export interface SharedProducer {
  send(topic: string, message: RawMessage): Promise<void>;
  /**
   * Gives the share back; the last one disconnects the producer, waiting at most `timeoutMs`
   * for the broker before it ends the connections.
   */
  release(timeoutMs: number): Promise<void>;
}

interface ProducerShare {
  users: number;
  sockets: SocketPool;
  connected: Promise<Producer> | undefined;
  settings: ClientSettings;
}

// One producer per connector config object: every queue of a connector shares it.
const producerShares = new Map<object, ProducerShare>();

/** Takes a share of the producer of `owner` (the connector config); it connects on the first send. */
export function acquireProducer(owner: object, settings: ClientSettings): SharedProducer {
  let share = producerShares.get(owner);
  if (share === undefined) {
    share = {
      users: 0,
      sockets: new SocketPool(settings.options.socketFactory as SocketMaker | undefined),
      connected: undefined,
      settings,
    };
    producerShares.set(owner, share);
  }
  share.users++;
  const current = share;
  let released = false;
  return {
    send: async (topic, message) => {
      const producer = await connectShare(current);
      const { acks, ackTimeoutMs: timeout } = current.settings.producer;
      // Resolves once the broker acknowledged it with these acks: publish resolves after.
      await producer.send({ topic, acks, timeout, messages: [toKafkaMessage(message)] });
    },
    release: async (timeoutMs) => {
      if (released) return;
      released = true;
      if (--current.users > 0) return;
      producerShares.delete(owner);
      const connected = current.connected;
      current.connected = undefined;
      if (connected === undefined) return;
      const disconnected = (async () => (await connected.catch(() => undefined))?.disconnect())();
      if (!(await settlesWithin(disconnected, timeoutMs))) current.sockets.closeAll();
    },
  };
}

function connectShare(share: ProducerShare): Promise<Producer> {
  if (share.connected === undefined) {
    const producer = createKafka(share.settings, undefined, share.sockets).producer({
      // Java's partitioner: a resend with the same key lands where a Java producer puts it.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: share.settings.allowAutoTopicCreation,
      // One request at a time keeps the idempotent producer's order guarantee in kafkajs.
      ...(share.settings.producer.idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {}),
    });
    const connected = producer.connect().then(() => producer);
    share.connected = connected;
    // A failed connect is retried by the next send.
    connected.catch(() => {
      if (share.connected === connected) share.connected = undefined;
    });
  }
  return share.connected;
}

function toKafkaMessage(message: RawMessage): Message {
  const kafkaMessage: Message = { value: message.body === null ? null : asBuffer(message.body) };
  if (message.key !== undefined) {
    kafkaMessage.key = typeof message.key === "string" ? message.key : asBuffer(message.key);
  }
  if (message.headers !== undefined) kafkaMessage.headers = { ...message.headers };
  return kafkaMessage;
}

// kafkajs writes Buffers; a plain Uint8Array is wrapped without copying.
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Whether `promise` settled within `ms`; rejections count as settled and are dropped. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
