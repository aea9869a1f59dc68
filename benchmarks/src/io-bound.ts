// An I/O-bound handler (it awaits 5 ms, as a database call would) on the memory connector:
// messages per second against the ideal of the mode, concurrency / 5 ms. The scheduler
// (`concurrency`, `ordering: "key"`) should come close to it; the chunk modes show what waiting
// for a chunk's slowest message (or for each message in turn) costs.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways } from "@romeways/core";
import { type IoBoundCase, idealRow, ioBoundCases, keys, waitForIo } from "./io-bound-cases.js";
import { silentLogger } from "./silent-logger.js";
import { type BenchContext, type Benchmark, countdown, type ResultRow } from "./stats.js";

const unordered: IoBoundCase = {
  label: "concurrency 100, unordered",
  config: { concurrency: 100, maxChunkSize: 100 },
  slots: 100,
  messages: 0,
};

async function run(c: IoBoundCase): Promise<number> {
  const queue = new MemoryQueue();
  for (let i = 0; i < c.messages; i++) queue.put(`message ${i}`, { key: `key-${i % keys}` });
  const { tick, done } = countdown(c.messages);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer("io", { connectorName: "memory", queue, ...c.config }, async () => {
    await waitForIo();
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
    for (const c of ioBoundCases(context.quick, 100, [unordered])) {
      context.log(`${c.label}: ${runs} runs of ${c.messages} messages`);
      await run(c);
      const figures: number[] = [];
      for (let i = 0; i < runs; i++) figures.push(await run(c));
      rows.push(idealRow("io-bound", c, figures));
    }
    return rows;
  },
};
