// A program whose memory consumer runs in worker processes. Each line it prints is JSON.
// Env: WORKERS (default 1), MESSAGES (default 0), MODE ("echo" | "resend" | "cpu" | "hold" |
// "delay": message "0" is resent once with a 2 s delay).
// TWO_CONNECTORS=1: a second spawnProcess connector ("mem2", queue "jobs2") gets MESSAGES
// too, and the parent listens to message:handled only once the app has started.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, ResendError } from "@romeways/core";

const workers = Number(process.env.WORKERS ?? 1);
const messages = Number(process.env.MESSAGES ?? 0);
const mode = process.env.MODE ?? "echo";
const print = (line: object) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...line })}\n`);

const romeways = createRomeways({
  shutdownTimeoutMs: 10_000,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
const queue = new MemoryQueue();

romeways.queueConsumer(
  "jobs",
  { connectorName: "mem", maxChunkSize: 50, queue },
  async (message) => {
    if (mode === "resend" && message.rwResendTimes === 0) throw new ResendError("once more");
    if (mode === "delay" && message.payload === "0" && message.rwResendTimes === 0) {
      print({ resending: message.payload, at: Date.now() });
      throw new ResendError("in two seconds", { delayMs: 2_000 });
    }
    if (mode === "cpu") {
      const until = performance.now() + 1;
      while (performance.now() < until) {}
    }
    if (mode === "hold") {
      print({ holding: message.payload });
      await new Promise((resolve) => romeways.events.once("app:stopping", resolve));
    }
    print({ handled: message.payload, times: message.rwResendTimes, at: Date.now() });
  },
);
// BROKEN_WORKER: the workers forget to register the connector, a bug start() must report.
if (!(romeways.isWorker && process.env.BROKEN_WORKER === "1")) {
  romeways.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "mem" },
    spawnProcess: true,
    workers,
  });
}

const twoConnectors = process.env.TWO_CONNECTORS === "1";
const secondQueue = new MemoryQueue();
if (twoConnectors) {
  romeways.queueConsumer("jobs2", { connectorName: "mem2", queue: secondQueue }, () => {});
  romeways.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "mem2" },
    spawnProcess: true,
  });
}

if (!romeways.isWorker) {
  romeways.events.on("worker:started", (e) =>
    print({ event: "worker:started", worker: e.pid, index: e.workerIndex }),
  );
  romeways.events.on("worker:exited", (e) =>
    print({ event: "worker:exited", worker: e.pid, signal: e.signal, code: e.code }),
  );
  romeways.events.on("worker:restarted", (e) =>
    print({ event: "worker:restarted", worker: e.pid, attempt: e.attempt }),
  );
  romeways.events.on("message:resent", (e) =>
    print({ event: "message:resent", payload: e.message.payload }),
  );
  romeways.events.on("app:stopped", (e) =>
    print({ event: "app:stopped", drained: e.drained, left: queue.size }),
  );
  process.on("message", (command: string) => {
    if (command === "stop") void romeways.stop();
  });
}

try {
  await romeways.start();
} catch (error) {
  print({ event: "start-failed", message: (error as Error).message });
  process.exit(1);
}
if (!romeways.isWorker) {
  print({ event: "parent:started", parent: process.pid });
  if (twoConnectors) {
    romeways.events.on("message:handled", (e) =>
      print({ event: "message:handled", queue: e.queueName, payload: e.message.payload }),
    );
    for (let i = 0; i < messages; i++) secondQueue.put(String(i));
  }
  for (let i = 0; i < messages; i++) queue.put(String(i));
}
