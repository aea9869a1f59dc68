// An I/O-bound handler (it awaits 5 ms, as a database call would) on the memory connector:
// messages per second against the ideal of the mode, concurrency / 5 ms. The scheduler
// (`concurrency`, `ordering: "key"`) should come close to it; the chunk modes show what waiting
// for a chunk's slowest message (or for each message in turn) costs.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, type QueueConfig } from "@romeways/core";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  countdown,
  type ResultRow,
} from "./stats.js";

const handlerMs = 5;
const keys = 1_000;

interface Case {
  label: string;
  config: Omit<QueueConfig, "connectorName">;
  /** Handlers that can wait at once in this mode: the ideal is slots / 5 ms. */
  slots: number;
  messages: number;
}

function cases(quick: boolean): Case[] {
  const many = quick ? 2_000 : 20_000;
  return [
    {
      label: 'ordering "key", concurrency 100',
      config: { ordering: "key", concurrency: 100, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: 'ordering "key", concurrency 1,000',
      config: { ordering: "key", concurrency: 1_000, maxChunkSize: 100 },
      slots: 1_000,
      messages: many,
    },
    {
      label: "concurrency 100, unordered",
      config: { concurrency: 100, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: "chunk mode, concurrent, chunk 100",
      config: { sequential: false, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: "chunk mode, sequential",
      config: { sequential: true, maxChunkSize: 100 },
      slots: 1,
      messages: quick ? 40 : 400,
    },
  ];
}

const wait = () => new Promise<void>((resolve) => setTimeout(resolve, handlerMs));

async function run(c: Case): Promise<number> {
  const queue = new MemoryQueue();
  for (let i = 0; i < c.messages; i++) queue.put(`message ${i}`, { key: `key-${i % keys}` });
  const { tick, done } = countdown(c.messages);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer("io", { connectorName: "memory", queue, ...c.config }, async () => {
    await wait();
    tick();
  });
  romeways.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "memory" },
  });
  const started = performance.now();
  await romeways.start();
  await done;
  const elapsed = performance.now() - started;
  await romeways.stop();
  return c.messages / (elapsed / 1000);
}

export const ioBound: Benchmark = {
  name: "io-bound",
  description:
    "memory connector, handler awaits 5 ms, 1,000 keys: msg/s against concurrency / 5 ms",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const runs = context.quick ? 1 : 5;
    const rows: ResultRow[] = [];
    for (const c of cases(context.quick)) {
      context.log(`${c.label}: ${runs} runs of ${c.messages} messages`);
      const ideal = (c.slots * 1000) / handlerMs;
      await run(c);
      const figures: number[] = [];
      for (let i = 0; i < runs; i++) figures.push(await run(c));
      rows.push(
        comparedRow(
          {
            benchmark: "io-bound",
            case: c.label,
            metric: "msg/s",
            better: "higher",
            baselineName: `ideal: ${c.slots} / ${handlerMs} ms`,
            target:
              c.config.ordering === "key" && c.slots === 100 ? ">= 0.8 of the ideal" : undefined,
          },
          figures,
          figures.map(() => ideal),
        ),
      );
    }
    return rows;
  },
};
