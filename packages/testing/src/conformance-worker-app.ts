import { type ConnectorClass, createRomeways, type Logger } from "@romeways/core";
import type { ConnectorFactory } from "./conformance.js";
import { connectorClassOf } from "./conformance-connector-class.js";
import { bytes } from "./message-bytes.js";

/** The environment the suite's `spawnProcess` test starts the program with. */
export const conformanceAppEnv = {
  queueName: "ROMEWAYS_CONFORMANCE_QUEUE",
  messages: "ROMEWAYS_CONFORMANCE_MESSAGES",
  workers: "ROMEWAYS_CONFORMANCE_WORKERS",
} as const;

export interface ConformanceAppOptions {
  /** The same factory the test file gives `testConnector`. */
  connector: ConnectorFactory;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const connectorName = "conformance";
const print = (line: object) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...line })}\n`);

/**
 * The program of the suite's `spawnProcess` test. Its workers re-run the module that calls
 * this, as a user's workers re-run their program: the parent registers the connector with
 * `spawnProcess` and two workers, sends the messages, and each worker prints what it handled
 * as a JSON line. SIGTERM stops it gracefully.
 */
export async function runConformanceApp(options: ConformanceAppOptions): Promise<void> {
  const queueName = process.env[conformanceAppEnv.queueName];
  if (queueName === undefined) {
    throw new Error(
      `runConformanceApp is started by the conformance suite's spawnProcess test, which sets ${conformanceAppEnv.queueName}`,
    );
  }
  const messages = Number(process.env[conformanceAppEnv.messages] ?? 0);
  const workers = Number(process.env[conformanceAppEnv.workers] ?? 2);
  const app = createRomeways({ logger: silentLogger, shutdownTimeoutMs: 10_000 });
  // Never started: the parent's producer, and where the class's hostedInParent is read from.
  const producer = await options.connector(queueName, {
    connectorName,
    queueName,
    logger: silentLogger,
    reportError: () => {},
    reportDisconnected: () => {},
    reportReconnected: () => {},
  });
  const hostedInParent = (producer.constructor as Partial<ConnectorClass>).hostedInParent === true;
  app.connectorRegister({
    connector: connectorClassOf(options.connector, hostedInParent),
    config: { connectorName },
    spawnProcess: true,
    workers,
  });
  app.queueConsumer(queueName, { connectorName, frequency: 0 }, (message) => {
    print({ handled: message.payload });
  });
  if (!app.isWorker) {
    app.events.on("worker:started", (event) =>
      print({ event: "worker:started", worker: event.pid }),
    );
    // SIGTERM stops the app, which then raises the signal again: print before that ends us.
    app.events.on("app:stopped", (event) => {
      print({ event: "app:stopped", drained: event.drained });
      void producer.stop();
    });
  }
  await app.start();
  if (app.isWorker) {
    await producer.stop();
    return;
  }
  print({ event: "parent:started" });
  for (let i = 0; i < messages; i++) await producer.sendMessage({ body: bytes(`m${i}`) });
  print({ event: "parent:sent" });
}
