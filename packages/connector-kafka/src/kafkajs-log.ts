// kafkajs's log lines, re-levelled for an operator and written to the app's logger. kafkajs logs
// every routine rebalance at ERROR (a heartbeat answered "rebalancing") and every failed
// reconnect at ERROR, which teams alert on; the connector logs those events itself, once, at
// info (join, assignment) and warn (an outage, through ConnectorContext.reportDisconnected), so
// kafkajs's own lines for them go to debug.
import type { Logger } from "@romeways/core";
import { type LogEntry, type logCreator, logLevel } from "kafkajs";

/** The least level of kafkajs's lines passed to the app's logger, after re-levelling. */
export type KafkaLogLevel = "debug" | "info" | "warn" | "error" | "silent";

export const kafkaLogLevels: readonly KafkaLogLevel[] = [
  "debug",
  "info",
  "warn",
  "error",
  "silent",
];

type Level = Exclude<KafkaLogLevel, "silent">;

const rank: Record<KafkaLogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

// The group moved on or its coordinator moved: kafkajs rejoins by itself.
const routine =
  /rebalanc|re-joining|not aware of this member|generation id is not valid|not the correct coordinator|coordinator is (loading|not available)|not.*leader|leader.*not|Restarting the consumer in|unknown member|Group coordinator/i;

// The broker cannot be reached (stopped, restarting, network cut).
const unreachable =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|ETIMEDOUT|EPIPE|Connection error|Connection timeout|Closed connection|Connection closed|Failed to connect|KafkaJSConnection|socket hang up/i;

/** Whether a kafkajs error (or log text) says the broker cannot be reached. */
export function isConnectionTrouble(error: unknown): boolean {
  if (error instanceof Error) {
    if (error.name.startsWith("KafkaJSConnection") || unreachable.test(error.message)) return true;
    return error.cause !== undefined && isConnectionTrouble(error.cause);
  }
  return typeof error === "string" && unreachable.test(error);
}

export interface KafkaLogSink {
  readonly logger: Logger;
  readonly level: KafkaLogLevel;
  /** Called for each line that says the broker cannot be reached (before any level filter). */
  onUnreachable?(text: string): void;
}

/** kafkajs's own level for a sink: only what may reach it is formatted at all. */
export function kafkajsLevelFor(level: KafkaLogLevel): logLevel {
  // WARN at least: connection errors feed onUnreachable whatever the sink keeps.
  return level === "debug" ? logLevel.DEBUG : logLevel.WARN;
}

/** The kafkajs `logCreator` that writes to `sink`. */
export function kafkaLogCreator(sink: KafkaLogSink): logCreator {
  const least = rank[sink.level];
  return () => (entry: LogEntry) => {
    const { message, timestamp: _t, logger: _l, stack, ...fields } = entry.log;
    const text = `${message}${typeof fields.error === "string" ? `: ${fields.error}` : ""}`;
    const trouble = entry.level <= logLevel.ERROR && unreachable.test(text);
    if (trouble) sink.onUnreachable?.(text);
    const level = levelOf(entry, text, trouble);
    if (rank[level] < least) return;
    const context: Record<string, unknown> = { kafkajs: entry.namespace, ...fields };
    // One line per event: the stack only where the operator asked for everything.
    if (level === "debug" && stack !== undefined) context.stack = stack;
    sink.logger[level](context, `kafkajs ${entry.namespace}: ${message}`);
  };
}

function levelOf(entry: LogEntry, text: string, trouble: boolean): Level {
  if (entry.level >= logLevel.INFO) return "debug";
  // A broker's error answer to one request: kafkajs retries it or fails the call, which the
  // connector reports; the answer itself is protocol detail.
  if (entry.namespace === "Connection" && text.startsWith("Response ")) return "debug";
  if (trouble || routine.test(text)) return "debug";
  return entry.level === logLevel.WARN ? "warn" : "error";
}

/** The kafkaLogLevel matching a kafkajs `logLevel` number (the older option). */
export function kafkaLogLevelOf(level: logLevel): KafkaLogLevel {
  if (level >= logLevel.DEBUG) return "debug";
  if (level >= logLevel.INFO) return "info";
  if (level >= logLevel.WARN) return "warn";
  return level >= logLevel.ERROR ? "error" : "silent";
}
