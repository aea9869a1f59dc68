import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFinishedLines } from "../finished-lines.js";

/** One handling of a message, as the consumer process recorded it. */
export interface HandledRecord {
  /** The message's id: its payload, unless the consumer app says otherwise. */
  id: string;
  /** The process that handled it. */
  pid: number;
  /** What the consumer app recorded besides (an offset, an entry id, a delivery count). */
  extra: string[];
}

/** How many different messages were handled, and how many handlings were repeats. */
export interface HandledCounts {
  distinct: number;
  duplicates: number;
}

/**
 * A fresh file for one test's handled records, in a temp dir that `cleanup` removes: pass your
 * runner's per-test hook (vitest's `onTestFinished`).
 */
export function handledFile(cleanup: (remove: () => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "romeways-no-loss-"));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "handled.txt");
}

/**
 * Appends "<id> <pid> <extra...>" synchronously: once it returns, a SIGKILL cannot lose the
 * record of a message whose handler could have finished (and been acknowledged).
 */
export function recordHandled(file: string, id: string, extra: readonly string[] = []): void {
  if (/\s/.test(id) || extra.some((field) => /\s/.test(field))) {
    throw new Error(
      `handled records are space-separated: no whitespace in "${id} ${extra.join(" ")}"`,
    );
  }
  appendFileSync(file, `${[id, String(process.pid), ...extra].join(" ")}\n`);
}

/** The records the consumer processes finished writing. */
export function readHandled(file: string): HandledRecord[] {
  return readFinishedLines(file).map((line) => {
    const [id = "", pid = "0", ...extra] = line.split(" ");
    return { id, pid: Number(pid), extra };
  });
}

export function countHandled(records: readonly Pick<HandledRecord, "id">[]): HandledCounts {
  const distinct = new Set(records.map((record) => record.id)).size;
  return { distinct, duplicates: records.length - distinct };
}

/** The ids handled more than once, once per repeat. */
export function repeatedIds(records: readonly Pick<HandledRecord, "id">[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const { id } of records) {
    if (seen.has(id)) repeated.push(id);
    seen.add(id);
  }
  return repeated;
}
