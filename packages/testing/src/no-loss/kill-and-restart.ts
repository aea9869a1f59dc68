import { performance } from "node:perf_hooks";
import type { ConsumerProcess } from "./consumer-process.js";
import { countHandled, type HandledRecord, readHandled, repeatedIds } from "./handled-log.js";

export interface KillAndRestartOptions {
  /** The handled file the consumer processes append to. */
  handledFile: string;
  /** How many different messages the queue holds (ids are their payloads). */
  total: number;
  /** Starts a consumer process (the same program twice). */
  start: () => ConsumerProcess;
  /** Kill the first process once it recorded this many handlings. Default a third of `total`. */
  killAfter?: number;
  /**
   * Kill the first process once this holds instead (the records so far), e.g. amid a chunk:
   * `(records) => records.length >= 3_000 && records.length % 50 !== 0`.
   */
  killWhen?: (records: HandledRecord[]) => boolean;
  /** How the first process ends. Default SIGKILL; SIGTERM is a graceful stop. */
  signal?: NodeJS.Signals;
  /** Runs right after the first process died, before the second starts (read the broker's state). */
  afterKill?: (handledBeforeKill: HandledRecord[]) => void | Promise<void>;
  /** Longest wait for all `total` messages after the restart. Default 120 000 ms. */
  timeoutMs?: number;
}

export interface KillAndRestartResult {
  total: number;
  /** Handlings recorded when the first process died. */
  handledBeforeKill: number;
  /** Messages never handled: 0 is the promise. */
  lost: number;
  /** Handlings beyond the first of each message. */
  duplicated: number;
  /** The ids handled twice or more (once per repeat). */
  repeated: string[];
  records: HandledRecord[];
  firstExit: { code: number | null; signal: NodeJS.Signals | null };
  /** What the first process printed (its "stopped drained=..." line on SIGTERM). */
  firstOutput: string;
  seconds: number;
}

/**
 * The SIGKILL no-loss scenario: start a consumer, kill it mid-run, start it again, wait until
 * every message was handled, stop it gracefully, and count what was lost and handled twice.
 * Broker-agnostic: the queue must already hold `total` messages whose payloads are their ids.
 */
export async function runKillAndRestart(
  options: KillAndRestartOptions,
): Promise<KillAndRestartResult> {
  const { handledFile, total, timeoutMs = 120_000 } = options;
  const killAfter = options.killAfter ?? Math.floor(total / 3);
  const started = performance.now();
  const first = options.start();
  await first.ready;
  const killWhen = options.killWhen ?? ((records: HandledRecord[]) => records.length >= killAfter);
  await waitForHandled(handledFile, killWhen, timeoutMs, first, 5);
  const firstExit = await first.kill(options.signal ?? "SIGKILL");
  const beforeKill = readHandled(handledFile);
  await options.afterKill?.(beforeKill);

  const second = options.start();
  await second.ready;
  await waitForHandled(
    handledFile,
    (records) => countHandled(records).distinct >= total,
    timeoutMs,
    second,
  );
  await second.kill("SIGTERM");

  const records = readHandled(handledFile);
  const { distinct, duplicates } = countHandled(records);
  return {
    total,
    handledBeforeKill: beforeKill.length,
    lost: total - distinct,
    duplicated: duplicates,
    repeated: repeatedIds(records),
    records,
    firstExit,
    firstOutput: first.output(),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Waits (reading the file every `everyMs`) until `done`, failing if the process exits first or time runs out. */
export async function waitForHandled(
  file: string,
  done: (records: HandledRecord[]) => boolean,
  timeoutMs: number,
  consumer?: ConsumerProcess,
  everyMs = 20,
): Promise<HandledRecord[]> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void consumer?.exited.then(() => {
    exited = true;
  });
  for (;;) {
    const records = readHandled(file);
    if (done(records)) return records;
    if (exited)
      throw new Error(
        `the consumer exited after ${records.length} handlings: ${consumer?.output()}`,
      );
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms with ${countHandled(records).distinct} distinct messages handled`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
