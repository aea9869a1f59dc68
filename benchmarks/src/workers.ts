// Scaling with worker processes: a CPU-bound handler (about 1 ms of work) with spawnProcess
// and 2 workers against 1 worker, each run a fresh child that supervises its own workers.
import { runChild } from "./child.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  overheadUs,
  paired,
  type ResultRow,
} from "./stats.js";
import type { WorkersResult } from "./workers-child.js";

export const workers: Benchmark = {
  name: "workers",
  description: "spawnProcess, CPU-bound handler of ~1 ms: 2 workers against 1 worker",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const messages = context.quick ? 200 : 4000;
    const runs = context.quick ? 1 : 3;
    const chunk = 50;
    context.log(`${runs} runs of ${messages} messages, chunks of ${chunk}, 1 and 2 workers`);
    const once = (count: number) => () =>
      runChild<WorkersResult>("workers-child.ts", {
        env: {
          BENCH_WORKERS: String(count),
          BENCH_MESSAGES: String(messages),
          BENCH_CHUNK: String(chunk),
        },
        timeoutMs: 120_000,
      });
    const result = await paired(runs, 0, once(1), once(2));
    const oneWorker = result.baseline.map((r) => r.rate);
    const twoWorkers = result.romeways.map((r) => r.rate);
    const bare = result.baseline.map((r) => r.bareRate);
    const common = { benchmark: "workers", metric: "msg/s", better: "higher" as const };
    return [
      {
        ...comparedRow(
          {
            ...common,
            case: "2 workers vs 1 worker",
            baselineName: "1 worker",
            target: "ratio (speed-up) >= 1.8",
          },
          twoWorkers,
          oneWorker,
        ),
        note: "the ratio is the speed-up of 2 workers over 1; the parent, which hosts the queue, shares the cores",
      },
      {
        ...comparedRow(
          {
            ...common,
            case: "1 worker vs a plain loop",
            baselineName: "handler in a loop, 1 process",
          },
          oneWorker,
          bare,
        ),
        derived: {
          "overhead µs/msg": overheadUs(oneWorker, bare),
        },
      },
    ];
  },
};
