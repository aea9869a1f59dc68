// Memory per queued message in MemoryQueue: 100,000 messages of 100 bytes, each measurement in a
// fresh child process with --expose-gc, against the same bodies kept in a plain array.
import { runChild } from "./child.js";
import type { FootprintResult } from "./memory-footprint-child.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  figure,
  paired,
  type ResultRow,
} from "./stats.js";

export const memoryFootprint: Benchmark = {
  name: "memory-footprint",
  description: "bytes per queued message in MemoryQueue against the bodies in an array",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const count = context.quick ? 10_000 : 100_000;
    const runs = context.quick ? 1 : 3;
    context.log(`${runs} runs of ${count} queued messages of 100 bytes, a child process each`);
    const once = (mode: "array" | "queue") => () =>
      runChild<FootprintResult>("memory-footprint-child.ts", {
        env: { BENCH_FOOTPRINT_MODE: mode, BENCH_FOOTPRINT_COUNT: String(count) },
        nodeFlags: ["--expose-gc"],
        timeoutMs: 60_000,
      });
    const result = await paired(runs, 0, once("array"), once("queue"));
    const common = {
      benchmark: "memory-footprint",
      case: `${count.toLocaleString("en-US")} × 100 B`,
      better: "lower" as const,
      baselineName: "bodies in an array",
    };
    const row = (metric: string, pick: (r: FootprintResult) => number, note?: string) =>
      comparedRow(
        { ...common, metric, ...(note === undefined ? {} : { note }) },
        result.romeways.map(pick),
        result.baseline.map(pick),
      );
    const total = (r: FootprintResult) => r.heapBytes + r.arrayBufferBytes;
    const rows: ResultRow[] = [
      row("heap + buffers B/msg", total),
      row("heap B/msg", (r) => r.heapBytes),
      row(
        "RSS B/msg",
        (r) => r.rssBytes,
        "RSS growth includes heap reserved ahead of use: coarser than the heap figures",
      ),
    ];
    const overhead = result.romeways.map(
      (r, i) => total(r) - total(result.baseline[i] as FootprintResult),
    );
    (rows[0] as ResultRow).derived = { "queue overhead B/msg": figure(overhead) };
    return rows;
  },
};
