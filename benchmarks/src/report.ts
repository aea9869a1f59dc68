import { mkdir, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Figure, ResultRow } from "./stats.js";

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  memoryGb: number;
}

export interface Report {
  date: string;
  command: string;
  quick: boolean;
  machine: Machine;
  benchmarks: string[];
  rows: ResultRow[];
  /** Benchmarks that could not run, with the reason. */
  failures: { benchmark: string; error: string }[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** 1,234,567 · 123.4 · 1.23 · 0.0123: enough digits to compare, no more. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size >= 1000) return Math.round(value).toLocaleString("en-US");
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  if (size >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Median, then [min–max] when there is more than one run. */
function formatFigure(f: Figure | undefined): string {
  if (f === undefined) return "";
  if (f.runs <= 1) return formatNumber(f.median);
  return `${formatNumber(f.median)} [${formatNumber(f.min)}–${formatNumber(f.max)}]`;
}

const header = [
  "benchmark",
  "case",
  "metric",
  "romeways",
  "baseline",
  "baseline figure",
  "ratio",
  "derived",
  "target",
];

function cells(row: ResultRow): string[] {
  const derived = Object.entries(row.derived ?? {})
    .map(([name, f]) => `${name}: ${formatFigure(f)}`)
    .join("; ");
  const ratio =
    row.ratio === undefined
      ? ""
      : `${row.ratio.median.toFixed(3)} [${row.ratio.min.toFixed(3)}–${row.ratio.max.toFixed(3)}]`;
  return [
    row.benchmark,
    row.case,
    `${row.metric} (${row.better} is better)`,
    formatFigure(row.romeways),
    row.baselineName ?? "",
    formatFigure(row.baseline),
    ratio,
    derived,
    row.target ?? "",
  ];
}

/** A Markdown table, padded so that it also reads well on a terminal. */
export function table(rows: ResultRow[]): string {
  const lines = [header, ...rows.map(cells)];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? "").length)));
  const render = (line: string[]) =>
    `| ${line.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [render(header), rule, ...lines.slice(1).map(render)].join("\n");
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}`;
}

function markdown(report: Report): string {
  const notes = report.rows
    .filter((row) => row.note !== undefined)
    .map((row) => `- ${row.benchmark}, ${row.case}: ${row.note}`);
  const failures = report.failures.map((f) => `- **${f.benchmark} did not run**: ${f.error}`);
  return [
    `# romeways benchmarks${report.quick ? " (quick smoke run: figures not meaningful)" : ""}`,
    "",
    `- Machine: ${machineLine(report.machine)}`,
    `- Date: ${report.date}`,
    `- Command: \`${report.command}\``,
    `- Benchmarks: ${report.benchmarks.join(", ")}`,
    "",
    "Figures are the median of repeated runs, [min–max] across runs. The ratio is romeways /",
    "baseline, per pair of runs measured alternately in the same process run, then the median.",
    "Targets are the goals of issue 6; nothing here is asserted. See benchmarks/README.md.",
    "",
    table(report.rows),
    "",
    ...(notes.length > 0 ? ["## Notes", "", ...notes, ""] : []),
    ...(failures.length > 0 ? ["## Not run", "", ...failures, ""] : []),
  ].join("\n");
}

/** Writes `<name>.json` and `<name>.md` atomically into `directory`. */
export async function writeReport(report: Report, directory: string, name: string) {
  await mkdir(directory, { recursive: true });
  const write = async (file: string, content: string) => {
    const target = path.join(directory, file);
    await writeFile(`${target}.tmp`, content);
    await rename(`${target}.tmp`, target);
    return target;
  };
  return [
    await write(`${name}.json`, `${JSON.stringify(report, null, 2)}\n`),
    await write(`${name}.md`, markdown(report)),
  ];
}
