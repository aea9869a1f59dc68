// No-op handler throughput on the memory connector: the working tree against the code before the
// scheduler (baseline-code.ts), alternately in one process. The goal is that the new options cost
// nothing when they are not used: a ratio >= 0.95.

import type * as Memory from "@romeways/connector-memory";
import type * as Core from "@romeways/core";
import { baselineRef, loadBaselinePair } from "./baseline-code.js";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  countdown,
  paired,
  type ResultRow,
} from "./stats.js";

type Code = typeof Core & typeof Memory;

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

/** Where the text read goes, so that the reads are not optimised away. */
let payloadChars = 0;

/** msg/s of one app built from `code` over `bodies`. */
async function throughput(code: Code, bodies: readonly Uint8Array[], c: Case): Promise<number> {
  const queue = new code.MemoryQueue();
  for (const body of bodies) queue.put(body);
  const { tick, done } = countdown(bodies.length);
  // Timed from the first message handled: start() (connectors, health, checks) is not throughput.
  let firstAt: number | undefined;
  const handler = c.readsPayload
    ? async (message: Core.Message) => {
        firstAt ??= performance.now();
        payloadChars += message.payload.length;
        tick();
      }
    : async () => {
        firstAt ??= performance.now();
        tick();
      };
  const romeways = code.createRomeways({ logger: silentLogger, handleSignals: false });
  const { sequential, maxChunkSize } = c;
  romeways.queueConsumer(
    "bench",
    { connectorName: "memory", frequency: 0, queue, sequential, maxChunkSize },
    handler,
  );
  romeways.connectorRegister({
    connector: code.MemoryQueueConnector,
    config: { connectorName: "memory" },
  });
  await romeways.start();
  await done;
  const elapsed = performance.now() - (firstAt as number);
  await romeways.stop();
  return (bodies.length - 1) / (elapsed / 1000);
}

export const noopVsBaseline: Benchmark = {
  name: "memory-noop-vs-baseline",
  description: "memory connector, no-op handler: msg/s against the code before the scheduler",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const pair = await loadBaselinePair<Code>(["core", "connector-memory"]);
    if (pair === undefined) {
      context.log(`commit ${baselineRef} is not in this clone (shallow?): row left out`);
      return [];
    }
    try {
      const count = context.quick ? 20_000 : 500_000;
      const runs = context.quick ? 2 : 15;
      const warmups = context.quick ? 1 : 3;
      const bodies = Array.from({ length: count }, (_, i) =>
        new TextEncoder().encode(`message ${i}`),
      );
      const rows: ResultRow[] = [];
      for (const c of cases) {
        const label = `${c.sequential ? "sequential" : "concurrent"}, chunk ${c.maxChunkSize}${c.readsPayload ? ", handler reads payload" : ""}`;
        context.log(`${label}: ${runs} runs of ${count} messages, each side`);
        const result = await paired(
          runs,
          warmups,
          () => throughput(pair.baseline, bodies, c),
          () => throughput(pair.current, bodies, c),
        );
        rows.push(
          comparedRow(
            {
              benchmark: "memory-noop-vs-baseline",
              case: label,
              metric: "msg/s",
              better: "higher",
              baselineName: `code at ${baselineRef.slice(0, 7)}`,
              target: ">= 0.95 of the code before the scheduler",
            },
            result.romeways,
            result.baseline,
          ),
        );
      }
      context.log(`(${payloadChars} payload characters read)`);
      return rows;
    } finally {
      pair.dispose();
    }
  },
};
