/** The subset of pino's logger romeways calls: pass a pino (or compatible) logger as is. */
export interface Logger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * Logs to the console at `level` and above, one line per event: the message, then the
 * context as `key=value` (an error as its message). Stacks only at level "debug", where they
 * follow the line. The app's default logger uses "info": a few lines per start and stop (the app,
 * each connector, each worker), and every warning and error.
 */
export function createConsoleLogger(level: LogLevel = "info"): Logger {
  const min = rank[level];
  const withStacks = min <= rank.debug;
  const at =
    (name: Exclude<LogLevel, "silent">, write: (line: string) => void) =>
    (context: object, message: string) => {
      if (rank[name] >= min) write(formatLine(name, message, context, withStacks));
    };
  return {
    debug: at("debug", console.debug),
    info: at("info", console.info),
    warn: at("warn", console.warn),
    error: at("error", console.error),
  };
}

/** `[romeways] warn: message key=value ...`; exported for the tests of its shape. */
export function formatLine(
  level: string,
  message: string,
  context: object,
  withStacks: boolean,
): string {
  const fields: string[] = [];
  let stack: string | undefined;
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    if (value instanceof Error) {
      fields.push(`${key}=${JSON.stringify(`${value.name}: ${value.message}`)}`);
      if (withStacks && value.stack !== undefined) stack = value.stack;
      continue;
    }
    fields.push(`${key}=${fieldText(value)}`);
  }
  const line = `[romeways] ${level}: ${message}${fields.length > 0 ? ` ${fields.join(" ")}` : ""}`;
  return stack === undefined ? line : `${line}\n${stack}`;
}

function fieldText(value: unknown): string {
  if (typeof value === "string") return /^[\w.:/@#-]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
