// Idle cost: 100 consumers on empty queues at frequency 1 s, each run in a fresh child
// process, against the same child with no consumers (the cost of an idle Node process).
// Two connectors: the memory connector, whose poll waits for a message (a long poll), and
// one that answers every poll at once, so that the loop wakes on `frequency`.
import { runChild } from "./child.js";
import type { IdleResult } from "./idle-child.js";
import { type BenchContext, type Benchmark, figure, type ResultRow } from "./stats.js";

const kinds = [
  { kind: "memory", label: "memory (long poll)" },
  { kind: "short-poll", label: "poll answered at once" },
] as const;

const cpuOf = (results: IdleResult[], i: number) => (results[i] as IdleResult).cpuPercent;

export const idle: Benchmark = {
  name: "idle",
  description:
    "100 consumers on empty queues, frequency 1 s: CPU % and RSS against an idle process",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const consumers = 100;
    const seconds = context.quick ? 1 : 10;
    const runs = context.quick ? 1 : 3;
    context.log(`${runs} runs of ${seconds} s: no consumers, then ${consumers} on each connector`);
    const once = (count: number, kind: string) =>
      runChild<IdleResult>("idle-child.ts", {
        env: {
          BENCH_IDLE_CONSUMERS: String(count),
          BENCH_IDLE_SECONDS: String(seconds),
          BENCH_IDLE_CONNECTOR: kind,
        },
        // V8's memory reducer runs a one-off GC of ~50 ms a few seconds after start in any
        // process that went idle: excluded (from both sides), it is not a cost of idling.
        nodeFlags: ["--expose-gc", "--no-memory-reducer"],
        timeoutMs: (seconds + 60) * 1000,
      });
    const baseline: IdleResult[] = [];
    const byKind = new Map<string, IdleResult[]>(kinds.map(({ kind }) => [kind, []]));
    for (let run = 0; run < runs; run++) {
      baseline.push(await once(0, "memory"));
      for (const { kind } of kinds) byKind.get(kind)?.push(await once(consumers, kind));
    }
    const rows: ResultRow[] = [];
    for (const { kind, label } of kinds) {
      const results = byKind.get(kind) ?? [];
      const series = (key: keyof IdleResult) => ({
        romeways: figure(results.map((r) => r[key])),
        baseline: figure(baseline.map((r) => r[key])),
      });
      const cpu = series("cpuPercent");
      const rss = series("rssMb");
      const perConsumerKb = figure(
        results.map((r, i) => ((r.rssMb - (baseline[i] as IdleResult).rssMb) * 1024) / consumers),
      );
      const common = {
        benchmark: "idle",
        case: `${consumers} consumers, ${label}, ${seconds} s`,
        better: "lower" as const,
        baselineName: "idle process",
      };
      const polls = figure(results.map((r) => r.polls / seconds));
      rows.push(
        {
          ...common,
          metric: "CPU %",
          ...cpu,
          derived: {
            "extra CPU %": figure(results.map((r, i) => r.cpuPercent - cpuOf(baseline, i))),
            "polls/s": polls,
          },
          target: "< 1 %",
          note: "CPU % = (user + system) CPU time / wall time of the child (run with --no-memory-reducer, as its baseline); no ratio, the baseline is ~0",
        },
        {
          ...common,
          metric: "RSS MB",
          ...rss,
          derived: { "KB per consumer": perConsumerKb },
          note: "RSS differences of a few MB are within the noise of a fresh process",
        },
      );
    }
    return rows;
  },
};
