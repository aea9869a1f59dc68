/** The subset of pino's logger romeways calls: pass a pino (or compatible) logger as is. */
export interface Logger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Logs to the console at `level` and above. The default logger uses "warn". */
export function createConsoleLogger(level: LogLevel = "warn"): Logger {
  const min = rank[level];
  const at =
    (name: Exclude<LogLevel, "silent">, write: (...args: unknown[]) => void) =>
    (context: object, message: string) => {
      if (rank[name] >= min) write(`[romeways] ${name}: ${message}`, context);
    };
  return {
    debug: at("debug", console.debug),
    info: at("info", console.info),
    warn: at("warn", console.warn),
    error: at("error", console.error),
  };
}
