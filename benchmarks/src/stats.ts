/** A figure measured over several runs: its median and spread. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation). */
  q1: number;
  q3: number;
  runs: number;
  samples: number[];
}

/** One line of the results table: romeways against its baseline, measured in the same run. */
export interface ResultRow {
  benchmark: string;
  /** What varies inside a benchmark, e.g. "sequential, chunk 100". */
  case: string;
  metric: string;
  /** Higher is better (throughput) or lower is better (latency, CPU, bytes). */
  better: "higher" | "lower";
  romeways: Figure;
  baselineName?: string;
  baseline?: Figure;
  /** romeways / baseline, the median of the per-run ratios of paired runs. */
  ratio?: Figure;
  /** Figures derived from this row, e.g. overhead in µs per message. */
  derived?: Record<string, Figure>;
  /** The target for this row, as text. */
  target?: string;
  note?: string;
}

/** How a benchmark is run: repetitions and sizes shrink under `--quick`. */
export interface BenchContext {
  quick: boolean;
  log(line: string): void;
  /** Bootstrap servers of the Kafka broker, started on first use (or KAFKA_BROKERS). */
  kafkaBrokers(): Promise<string>;
  /** Records that a part of a benchmark could not run; the others still report. */
  notRun(part: string, error: unknown): void;
}

export interface Benchmark {
  name: string;
  /** One line, shown by `pnpm bench --list`. */
  description: string;
  run(context: BenchContext): Promise<ResultRow[]>;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function figure(samples: readonly number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    runs: sorted.length,
    samples: [...samples],
  };
}

/** Percentiles of one run's observations (latencies), not a figure over runs. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return {
    p50: quantile(sorted as unknown as number[], 0.5),
    p99: quantile(sorted as unknown as number[], 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/**
 * Runs `baseline` and `romeways` alternately `runs` times after `warmups` discarded pairs,
 * so drift (JIT, GC, thermal, a noisy neighbour) hits both sides alike.
 */
export async function paired<T>(
  runs: number,
  warmups: number,
  baseline: () => Promise<T>,
  romeways: () => Promise<T>,
): Promise<{ baseline: T[]; romeways: T[] }> {
  const result: { baseline: T[]; romeways: T[] } = { baseline: [], romeways: [] };
  for (let i = 0; i < warmups + runs; i++) {
    // Alternate who goes first, so neither side always runs on a freshly collected heap.
    const first = i % 2 === 0;
    const b = first ? await baseline() : undefined;
    const r = await romeways();
    const b2 = first ? (b as T) : await baseline();
    if (i < warmups) continue;
    result.baseline.push(b2);
    result.romeways.push(r);
  }
  return result;
}

/** Per-run ratios of two paired sample lists. */
function ratios(numerator: readonly number[], denominator: readonly number[]): Figure {
  return figure(numerator.map((value, i) => value / (denominator[i] as number)));
}

/** What romeways adds to each message, in µs, from paired rates in msg/s. */
export function overheadUs(romeways: readonly number[], baseline: readonly number[]): Figure {
  return figure(romeways.map((rate, i) => 1e6 / rate - 1e6 / (baseline[i] as number)));
}

/** A row comparing romeways with its baseline, run by run. */
export function comparedRow(
  row: Omit<ResultRow, "romeways" | "baseline" | "ratio">,
  romeways: number[],
  baseline: number[],
): ResultRow {
  return {
    ...row,
    romeways: figure(romeways),
    baseline: figure(baseline),
    ratio: ratios(romeways, baseline),
  };
}

/** A promise resolved by the `total`-th call of `tick`. */
export function countdown(total: number): { tick: () => void; done: Promise<void> } {
  let count = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    tick: () => {
      if (++count === total) finish();
    },
    done,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `done`, or a rejection with `describe()` once `timeoutMs` passed first. */
export async function within<T>(
  done: Promise<T>,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), timeoutMs);
  });
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}
