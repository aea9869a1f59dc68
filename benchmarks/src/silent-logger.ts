import type { Logger } from "@romeways/core";

/** Benchmarks measure the loop, not the console: warnings (none expected) are dropped. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (context, message) => console.error(`[romeways] ${message}`, context),
};
