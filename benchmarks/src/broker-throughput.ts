// What the consume-throughput benchmarks against a broker (PostgreSQL, Redis, NATS, RabbitMQ,
// SQS) share: a broker started unless an environment variable names one; per run, a fresh
// queue filled before the clock starts; romeways and the bare client's loop alternating on it,
// each timed by a stopwatch from the first message handled to the last; one compared row. A
// benchmark file says only what is its broker's: filling, the consumer's config, the bare loop.
import { createRomeways, type Romeways } from "@romeways/core";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  paired,
  type ResultRow,
  within,
} from "./stats.js";

/** The body of the `i`-th message: 100 bytes, its number first. */
export function body(i: number): string {
  return String(i).padStart(10, "0").padEnd(100, "x");
}

/** Resolves with msg/s from the first message handled to the `total`-th. */
export class Stopwatch {
  private firstAt = 0;
  private count = 0;
  private finish: (rate: number) => void = () => {};
  private readonly done = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    readonly total: number,
    private readonly timeoutSeconds: number,
  ) {}

  handle = async (_message: unknown): Promise<void> => {
    if (this.count === 0) this.firstAt = performance.now();
    if (++this.count === this.total) {
      this.finish((this.total - 1) / ((performance.now() - this.firstAt) / 1000));
    }
  };

  result(): Promise<number> {
    const seconds = this.timeoutSeconds;
    return within(this.done, seconds * 1000, () => {
      return `${this.count} of ${this.total} messages within ${seconds} s`;
    });
  }
}

/** A broker the benchmark reached, with the connection its runs share. */
export interface Broker<Run> {
  /** A fresh queue (stream, ...) of `total` messages, for one run. */
  fill(total: number): Promise<Run>;
  /** Registers the consumer of `run` and its connector on a fresh app. */
  consume(romeways: Romeways, run: Run, handle: (message: unknown) => Promise<void>): void;
  /** The bare client on `run`: resolves once `stopwatch` counted every message and the client closed. */
  bare(run: Run, stopwatch: Stopwatch): Promise<void>;
  /** Deletes what `fill` made, after each run of either side. */
  remove?(run: Run): Promise<void>;
  /** Closes the shared connection, at the end. */
  close(): Promise<void>;
}

export interface BrokerThroughput<Run> {
  name: string;
  description: string;
  /** Log lines of the server are prefixed with `[label]`. */
  label: string;
  /** Messages per run, under `--quick` and without. */
  total: { quick: number; full: number };
  /** Paired runs without `--quick`, after one warm-up pair (one run and none under `--quick`). */
  runs: number;
  /** How long one run may take. Default 120. */
  timeoutSeconds?: number;
  /** The environment variable naming a running broker; unset, `start` runs one. */
  env: string;
  start(log: (line: string) => void): Promise<{ url: string; stop(): Promise<void> }>;
  /** Connects to the broker at `url` (the variable's value or the started server's). */
  connect(url: string, context: BenchContext): Promise<Broker<Run>>;
  /** The log line after "N runs each of M messages, ", e.g. "a fresh stream per run, chunk 100". */
  plan: string;
  /** The row's case after "M × 100 B, ". */
  case: string;
  baselineName: string;
  /** The row's note after "msg/s from the first message handled to the last; ". */
  note: string;
}

async function timed<Run>(
  broker: Broker<Run>,
  total: number,
  timeoutSeconds: number,
  side: (run: Run, stopwatch: Stopwatch) => Promise<void>,
): Promise<number> {
  const run = await broker.fill(total);
  try {
    const stopwatch = new Stopwatch(total, timeoutSeconds);
    await side(run, stopwatch);
    return await stopwatch.result();
  } finally {
    await broker.remove?.(run);
  }
}

async function throughRomeways<Run>(
  broker: Broker<Run>,
  run: Run,
  stopwatch: Stopwatch,
): Promise<void> {
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  broker.consume(romeways, run, stopwatch.handle);
  await romeways.start();
  try {
    await stopwatch.result();
  } finally {
    await romeways.stop();
  }
}

export function brokerThroughput<Run>(spec: BrokerThroughput<Run>): Benchmark {
  return {
    name: spec.name,
    description: spec.description,
    async run(context: BenchContext): Promise<ResultRow[]> {
      const total = context.quick ? spec.total.quick : spec.total.full;
      const runs = context.quick ? 1 : spec.runs;
      const timeoutSeconds = spec.timeoutSeconds ?? 120;
      let server: { stop(): Promise<void> } | undefined;
      let url = process.env[spec.env] ?? "";
      if (url === "") {
        const started = await spec.start((line) => context.log(`[${spec.label}] ${line}`));
        server = started;
        url = started.url;
      }
      try {
        const broker = await spec.connect(url, context);
        try {
          context.log(`${runs} runs each of ${total} messages, ${spec.plan}`);
          const result = await paired(
            runs,
            context.quick ? 0 : 1,
            () => timed(broker, total, timeoutSeconds, (run, sw) => broker.bare(run, sw)),
            () =>
              timed(broker, total, timeoutSeconds, (run, sw) => throughRomeways(broker, run, sw)),
          );
          return [
            comparedRow(
              {
                benchmark: spec.name,
                case: `${total.toLocaleString("en-US")} × 100 B, ${spec.case}`,
                metric: "msg/s",
                better: "higher",
                baselineName: spec.baselineName,
                target: "ratio >= 0.8",
                note: `msg/s from the first message handled to the last; ${spec.note}`,
              },
              result.romeways,
              result.baseline,
            ),
          ];
        } finally {
          await broker.close();
        }
      } finally {
        await server?.stop();
      }
    },
  };
}
