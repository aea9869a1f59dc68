// `pnpm bench [name...] [--quick] [--list]`: runs the benchmarks, prints the table, writes
// benchmarks/results/latest.{json,md} (a --quick smoke run writes quick.{json,md} instead).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { amqpThroughput } from "./amqp-throughput.js";
import { idle } from "./idle.js";
import { ioBound } from "./io-bound.js";
import { KafkaBrokerOnDemand } from "./kafka-broker.js";
import { kafkaIoBound } from "./kafka-io-bound.js";
import { kafkaMemory } from "./kafka-memory.js";
import { kafkaNoopVsBaseline } from "./kafka-noop-vs-baseline.js";
import { kafkaThroughput } from "./kafka-throughput.js";
import { latency } from "./latency.js";
import { memoryFootprint } from "./memory-footprint.js";
import { memoryThroughput } from "./memory-throughput.js";
import { natsThroughput } from "./nats-throughput.js";
import { noopVsBaseline } from "./noop-vs-baseline.js";
import { postgresThroughput } from "./postgres-throughput.js";
import { redisThroughput } from "./redis-throughput.js";
import { machine, machineLine, type Report, table, writeReport } from "./report.js";
import { sqsThroughput } from "./sqs-throughput.js";
import type { Benchmark, ResultRow } from "./stats.js";
import { workers } from "./workers.js";

// The ones that need no broker first: a started broker keeps a little CPU busy.
const all: Benchmark[] = [
  memoryThroughput,
  noopVsBaseline,
  ioBound,
  workers,
  idle,
  memoryFootprint,
  latency,
  kafkaThroughput,
  kafkaNoopVsBaseline,
  kafkaIoBound,
  kafkaMemory,
  postgresThroughput,
  redisThroughput,
  natsThroughput,
  amqpThroughput,
  sqsThroughput,
];

function usage(): string {
  const names = all.map((b) => `  ${b.name.padEnd(18)} ${b.description}`).join("\n");
  return `usage: pnpm bench [name...] [--quick] [--list]\n  a name selects every benchmark it is a part of ("memory", "kafka")\n${names}`;
}

/** Names select benchmarks whose name contains them; none selects all. */
function select(names: string[]): Benchmark[] | undefined {
  if (names.length === 0) return all;
  const chosen = all.filter((b) => names.some((name) => b.name.includes(name)));
  const unknown = names.filter((name) => !all.some((b) => b.name.includes(name)));
  return unknown.length > 0 ? undefined : chosen;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  const quick = args.includes("--quick");
  if (args.includes("--list") || args.includes("--help")) {
    console.log(usage());
    return 0;
  }
  const unknownFlags = args.filter((a) => a.startsWith("-") && a !== "--quick");
  const chosen = select(args.filter((a) => !a.startsWith("-")));
  if (chosen === undefined || unknownFlags.length > 0) {
    console.error(usage());
    return 2;
  }
  const host = machine();
  console.log(`romeways benchmarks${quick ? " --quick (smoke run: figures not meaningful)" : ""}`);
  console.log(`machine: ${machineLine(host)}\n`);

  const broker = new KafkaBrokerOnDemand((line) => console.log(`  [kafka] ${line}`), !quick);
  const rows: ResultRow[] = [];
  const failures: Report["failures"] = [];
  const notRun = (part: string, error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`  ${part} failed: ${message}\n`);
    failures.push({ benchmark: part, error: firstLine(message) });
  };
  const started = performance.now();
  try {
    for (const benchmark of chosen) {
      const benchStart = performance.now();
      console.log(`${benchmark.name}: ${benchmark.description}`);
      try {
        const result = await benchmark.run({
          quick,
          log: (line) => console.log(`  ${line}`),
          kafkaBrokers: () => broker.brokers(),
          notRun: (part, error) => notRun(part, error),
        });
        rows.push(...result);
        console.log(`${table(result)}\n`);
      } catch (error) {
        notRun(benchmark.name, error);
      }
      const seconds = ((performance.now() - benchStart) / 1000).toFixed(1);
      console.log(`  (${benchmark.name} took ${seconds} s)\n`);
    }
  } finally {
    await broker.stop();
  }

  const report: Report = {
    date: new Date().toISOString(),
    command: `pnpm bench ${process.argv.slice(2).join(" ")}`.trim(),
    quick,
    machine: host,
    benchmarks: chosen.map((b) => b.name),
    rows,
    failures,
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  const written = await writeReport(
    report,
    path.join(here, "..", "results"),
    quick ? "quick" : "latest",
  );
  console.log(`machine: ${machineLine(host)}`);
  console.log(table(rows));
  for (const failure of failures) console.log(`NOT RUN ${failure.benchmark}: ${failure.error}`);
  const total = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\nwrote ${written.map((file) => path.relative(process.cwd(), file)).join(", ")} in ${total} s`,
  );
  return failures.length > 0 ? 1 : 0;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

// Exit even if a client library left a socket or timer behind.
process.exit(await main());
