import type { RawMessage } from "@romeways/core";
import { recordHandled } from "./handled-log.js";

/** The environment the kit's parent side sets and `noLossConsumer()` reads. */
export const noLossEnv = {
  /** Where handled records go (set by `startConsumerProcess`). */
  handledFile: "NO_LOSS_HANDLED_FILE",
  /** Milliseconds each handler waits before it records and resolves. Default 0. */
  handlerDelayMs: "NO_LOSS_HANDLER_DELAY_MS",
  /**
   * Up to this many milliseconds more, at random, per handler: the handlers of one chunk finish
   * at different times, so a kill can land between two of them. Default 0.
   */
  handlerSpreadMs: "NO_LOSS_HANDLER_SPREAD_MS",
  /** Run the consumer in this many spawnProcess workers. Default: in the process itself. */
  workers: "NO_LOSS_WORKERS",
} as const;

/** The part of a romeways message the handler reads. */
export interface NoLossMessage {
  readonly payload: string;
  readonly raw: RawMessage;
}

interface StartableApp {
  readonly isWorker: boolean;
  readonly events: {
    on(name: "app:stopped", listener: (payload: { drained: boolean }) => void): unknown;
  };
  start(): Promise<void>;
}

export interface NoLossConsumer {
  /** A logger for `createRomeways` that prints only errors, as "error <message>" lines. */
  readonly logger: {
    debug(): void;
    info(): void;
    warn(): void;
    error(context: unknown, message: string): void;
  };
  /**
   * The queue's handler: waits `NO_LOSS_HANDLER_DELAY_MS` (plus up to
   * `NO_LOSS_HANDLER_SPREAD_MS`), then records the message (id: its
   * payload; `extra(message)`: more space-free fields, e.g. a delivery tag).
   */
  handler(extra?: (message: NoLossMessage) => string[]): (message: NoLossMessage) => Promise<void>;
  /** `{ spawnProcess: true, workers }` when `NO_LOSS_WORKERS` is set, else `{}`: spread into connectorRegister. */
  readonly workers: { spawnProcess?: true; workers?: number };
  /** Starts the app and prints "ready" (and "stopped drained=<bool>" when it stops). */
  start(app: StartableApp): Promise<void>;
}

/**
 * The consumer program's side of the SIGKILL no-loss kit: build your romeways app with your
 * connector and a queue, with these pieces, and the parent side (`startConsumerProcess`,
 * `runKillAndRestart`) can kill and restart it and count what was lost or handled twice.
 */
export function noLossConsumer(): NoLossConsumer {
  const file = process.env[noLossEnv.handledFile];
  if (file === undefined)
    throw new Error(`${noLossEnv.handledFile} is set by startConsumerProcess`);
  const delayMs = Number(process.env[noLossEnv.handlerDelayMs] ?? "0");
  const spreadMs = Number(process.env[noLossEnv.handlerSpreadMs] ?? "0");
  const workers = process.env[noLossEnv.workers];
  const print = (line: string) => process.stdout.write(`${line}\n`);
  return {
    logger: {
      debug() {},
      info() {},
      warn() {},
      error: (_context, message) => print(`error ${message}`),
    },
    handler: (extra) => async (message) => {
      const waitMs = delayMs + Math.random() * spreadMs;
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      recordHandled(file, message.payload, extra?.(message) ?? []);
    },
    workers: workers === undefined ? {} : { spawnProcess: true, workers: Number(workers) },
    async start(app) {
      app.events.on("app:stopped", ({ drained }) => print(`stopped drained=${drained}`));
      await app.start();
      if (!app.isWorker) print("ready");
    },
  };
}
