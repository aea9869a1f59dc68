// Runs test/fixtures/consumer-app.ts as a child process with @romeways/testing's no-loss kit,
// and reads what it handled.
import { fileURLToPath } from "node:url";
import { migrate } from "@romeways/connector-postgres";
import {
  type ConsumerProcess,
  countHandled,
  handledFile as kitHandledFile,
  readHandled as kitReadHandled,
  noLossEnv,
  startConsumerProcess as startKitProcess,
} from "@romeways/testing";
import { onTestFinished } from "vitest";
import { databaseUrl, testPool } from "./postgres-test-kit.js";

const fixture = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

export { type ConsumerProcess, countHandled };

export interface HandledRecord {
  /** The payload the test enqueued. */
  id: string;
  row: string;
  /** The process that handled it. */
  pid: number;
}

/** A fresh file for the handled records of one test, removed when the test ends. */
export function handledFile(): string {
  return kitHandledFile(onTestFinished);
}

/** Enqueues `count` messages "id-0" ... in one statement. */
export async function enqueueMany(queue: string, count: number): Promise<void> {
  await migrate(testPool());
  await testPool().query(
    `INSERT INTO romeways_messages (queue, body)
     SELECT $1, convert_to('id-' || i, 'UTF8') FROM generate_series(0, $2::int - 1) AS i`,
    [queue, count],
  );
}

export interface ConsumerEnv {
  MAX_CHUNK_SIZE?: string;
  VISIBILITY_TIMEOUT_MS?: string;
  HANDLER_DELAY_MS?: string;
  HANDLER_SPREAD_MS?: string;
  WORKERS?: string;
}

/** Starts the consumer app on `queue`; killed with SIGKILL if still running at the end. */
export function startConsumerProcess(
  queue: string,
  file: string,
  { HANDLER_DELAY_MS, HANDLER_SPREAD_MS, WORKERS, ...env }: ConsumerEnv = {},
): ConsumerProcess {
  const kitEnv: Record<string, string> = {};
  if (HANDLER_DELAY_MS !== undefined) kitEnv[noLossEnv.handlerDelayMs] = HANDLER_DELAY_MS;
  if (HANDLER_SPREAD_MS !== undefined) kitEnv[noLossEnv.handlerSpreadMs] = HANDLER_SPREAD_MS;
  if (WORKERS !== undefined) kitEnv[noLossEnv.workers] = WORKERS;
  return startKitProcess({
    entry: fixture,
    handledFile: file,
    env: {
      DATABASE_URL: databaseUrl(),
      QUEUE: queue,
      ...(env as Record<string, string>),
      ...kitEnv,
    },
    cleanup: onTestFinished,
  });
}

export function readHandled(file: string): HandledRecord[] {
  return kitReadHandled(file).map(({ id, pid, extra }) => ({ id, row: extra[0] ?? "", pid }));
}
