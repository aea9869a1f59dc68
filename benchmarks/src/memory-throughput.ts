// Messages per second through romeways's poll loop on the memory connector, no-op handler,
// against a bare loop that takes the same messages from an array and awaits the same handler.
// Core decodes a body only when the handler reads `payload`: one case reads it, and its bare
// loop decodes the bytes the same way.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, type Message, type RawMessage } from "@romeways/core";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  countdown,
  overheadUs,
  paired,
  type ResultRow,
} from "./stats.js";

interface Case {
  sequential: boolean;
  maxChunkSize: number;
  readsPayload: boolean;
}

const cases: Case[] = [
  { sequential: true, maxChunkSize: 100, readsPayload: false },
  { sequential: false, maxChunkSize: 100, readsPayload: false },
  { sequential: false, maxChunkSize: 10, readsPayload: false },
  { sequential: false, maxChunkSize: 100, readsPayload: true },
];

const textDecoder = new TextDecoder();
/** Where the text read goes, so that the reads are not optimised away. */
let payloadChars = 0;

/** A handler that notices the last message and, if asked, reads each one's text. */
function countingHandler<M>(
  total: number,
  text: ((message: M) => string) | undefined,
): { handler: (message: M) => Promise<void>; done: Promise<void> } {
  const { tick, done } = countdown(total);
  if (text === undefined) return { handler: async () => tick(), done };
  return {
    handler: async (message) => {
      payloadChars += text(message).length;
      tick();
    },
    done,
  };
}

/**
 * The bare loop: from an array, in chunks, awaiting the same handler. Returns msg/s. It is
 * fast, so it makes `passes` passes over the messages to be timed over a similar window.
 */
async function bareLoop(messages: readonly RawMessage[], c: Case, passes: number): Promise<number> {
  const { handler, done } = countingHandler(
    messages.length * passes,
    c.readsPayload ? (m: RawMessage) => textDecoder.decode(m.body ?? undefined) : undefined,
  );
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (let start = 0; start < messages.length; start += c.maxChunkSize) {
      const chunk = messages.slice(start, start + c.maxChunkSize);
      if (c.sequential) {
        for (const message of chunk) await handler(message);
      } else {
        await Promise.all(chunk.map(handler));
      }
    }
  }
  await done;
  return (messages.length * passes) / ((performance.now() - started) / 1000);
}

/** romeways: the same bodies put on a MemoryQueue, one consumer. Returns msg/s. */
async function throughRomeways(bodies: readonly Uint8Array[], c: Case): Promise<number> {
  const queue = new MemoryQueue();
  for (const body of bodies) queue.put(body);
  const { handler, done } = countingHandler(
    bodies.length,
    c.readsPayload ? (m: Message) => m.payload : undefined,
  );
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  const { sequential, maxChunkSize } = c;
  romeways.queueConsumer(
    "bench",
    { connectorName: "memory", frequency: 0, queue, sequential, maxChunkSize },
    handler,
  );
  romeways.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "memory" },
  });
  const started = performance.now();
  await romeways.start();
  await done;
  const elapsed = performance.now() - started;
  await romeways.stop();
  return bodies.length / (elapsed / 1000);
}

export const memoryThroughput: Benchmark = {
  name: "memory-throughput",
  description: "memory connector, no-op handler: msg/s against a bare loop over an array",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const count = context.quick ? 20_000 : 200_000;
    // This machine's speed drifts for seconds at a time: many short paired runs.
    const runs = context.quick ? 2 : 15;
    const warmups = context.quick ? 1 : 3;
    const bodies = Array.from({ length: count }, (_, i) =>
      new TextEncoder().encode(`message ${i}`),
    );
    const messages: RawMessage[] = bodies.map((body) => ({ body }));
    const rows: ResultRow[] = [];
    for (const c of cases) {
      const label = `${c.sequential ? "sequential" : "concurrent"}, chunk ${c.maxChunkSize}${c.readsPayload ? ", handler reads payload" : ""}`;
      context.log(`${label}: ${runs} runs of ${count} messages`);
      const result = await paired(
        runs,
        warmups,
        () => bareLoop(messages, c, 4),
        () => throughRomeways(bodies, c),
      );
      rows.push({
        ...comparedRow(
          {
            benchmark: "memory-throughput",
            case: label,
            metric: "msg/s",
            better: "higher",
            baselineName: "bare loop",
            target: ">= 1,000,000 msg/s, overhead <= 1 µs/msg",
          },
          result.romeways,
          result.baseline,
        ),
        derived: { "overhead µs/msg": overheadUs(result.romeways, result.baseline) },
      });
    }
    context.log(`(${payloadChars} payload characters read)`);
    return rows;
  },
};
