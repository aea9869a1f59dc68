// Runs test/fixtures/consumer-app.ts as a child process with @romeways/testing's no-loss kit,
// and reads what it handled.
import { fileURLToPath } from "node:url";
import {
  type ConsumerProcess,
  countHandled,
  handledFile as kitHandledFile,
  readHandled as kitReadHandled,
  noLossEnv,
  startConsumerProcess as startKitProcess,
} from "@romeways/testing";
import { onTestFinished } from "vitest";
import { redisUrl, type TestStream } from "./redis-test-kit.js";

const fixture = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

export { type ConsumerProcess, countHandled };

export interface HandledRecord {
  id: string;
  /** The stream entry it came from. */
  entry: string;
  /** The process that handled it. */
  pid: number;
}

/** A fresh file for the handled records of one test, removed when the test ends. */
export function handledFile(): string {
  return kitHandledFile(onTestFinished);
}

export interface ConsumerEnv {
  MAX_CHUNK_SIZE?: string;
  CLAIM_IDLE_MS?: string;
  HANDLER_DELAY_MS?: string;
  WORKERS?: string;
}

/** Starts the consumer app on `stream`'s group; killed with SIGKILL if still running at the end. */
export function startConsumerProcess(
  { stream, group }: TestStream,
  file: string,
  { HANDLER_DELAY_MS, WORKERS, ...env }: ConsumerEnv = {},
): ConsumerProcess {
  return startKitProcess({
    entry: fixture,
    handledFile: file,
    env: {
      REDIS_URL: redisUrl(),
      STREAM: stream,
      GROUP: group,
      ...(env as Record<string, string>),
      ...(HANDLER_DELAY_MS === undefined ? {} : { [noLossEnv.handlerDelayMs]: HANDLER_DELAY_MS }),
      ...(WORKERS === undefined ? {} : { [noLossEnv.workers]: WORKERS }),
    },
    cleanup: onTestFinished,
  });
}

export function readHandled(file: string): HandledRecord[] {
  return kitReadHandled(file).map(({ id, pid, extra }) => ({ id, entry: extra[0] ?? "", pid }));
}
