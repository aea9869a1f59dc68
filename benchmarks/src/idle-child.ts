// Child of idle.ts: BENCH_IDLE_CONSUMERS consumers on empty queues at frequency 1 s, measured
// for BENCH_IDLE_SECONDS. BENCH_IDLE_CONNECTOR "memory" long-polls (waits for a message);
// "short-poll" answers every poll at once with nothing, so the loop paces itself on
// `frequency`. 0 consumers is the baseline: the same process and imports, no app.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { type Connector, createRomeways, type RawMessage } from "@romeways/core";
import { reportToParent } from "./child.js";
import { silentLogger } from "./silent-logger.js";
import { sleep } from "./stats.js";

export interface IdleResult {
  cpuPercent: number;
  rssMb: number;
  heapMb: number;
  polls: number;
}

const consumers = Number(process.env.BENCH_IDLE_CONSUMERS ?? 100);
const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const connectorKind = process.env.BENCH_IDLE_CONNECTOR ?? "memory";
let polls = 0;

/** A broker with nothing to deliver that answers at once (no long poll). */
class ShortPollConnector implements Connector {
  async start(): Promise<void> {}
  async getMessages(): Promise<RawMessage[]> {
    polls++;
    return [];
  }
  async sendMessage(): Promise<void> {}
  async ack(): Promise<void> {}
  async stop(): Promise<void> {}
}

const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
if (consumers > 0) {
  for (let i = 0; i < consumers; i++) {
    romeways.queueConsumer(
      `idle-${i}`,
      { connectorName: "idle", frequency: 1, maxChunkSize: 10, queue: new MemoryQueue() },
      async () => {},
    );
  }
  romeways.connectorRegister({
    connector: connectorKind === "short-poll" ? ShortPollConnector : MemoryQueueConnector,
    config: { connectorName: "idle" },
  });
  await romeways.start();
}
// The baseline process stays alive as an app does, on a timer that never fires.
const keepAlive = setInterval(() => {}, 2 ** 30);
// Let start-up work (JIT, lazy module code) settle before measuring.
await sleep(500);
globalThis.gc?.();
const pollsBefore = polls;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await sleep(seconds * 1000);
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
const memory = process.memoryUsage();
const result: IdleResult = {
  cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  rssMb: memory.rss / 2 ** 20,
  heapMb: memory.heapUsed / 2 ** 20,
  polls: polls - pollsBefore,
};
await romeways.stop();
clearInterval(keepAlive);
await reportToParent(result);
