// Child of workers.ts, and the program its worker processes re-run (spawnProcess re-runs the
// entry module): BENCH_WORKERS workers take BENCH_MESSAGES messages from the parent's memory
// queue and run a CPU-bound handler (a fixed amount of work, about 1 ms) on each.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, type RawMessage } from "@romeways/core";
import { reportToParent } from "./child.js";
import { silentLogger } from "./silent-logger.js";

export interface WorkersResult {
  /** Messages per second through the workers, from the first put to the last ack. */
  rate: number;
  /** Messages per second of the same handler in a plain loop in this process. */
  bareRate: number;
}

const workers = Number(process.env.BENCH_WORKERS ?? 1);
const total = Number(process.env.BENCH_MESSAGES ?? 4000);
const maxChunkSize = Number(process.env.BENCH_CHUNK ?? 10);

let sink = 0;
/** Work that takes CPU time, not wall time: a worker sharing a core gets slower, as it should. */
function spin(iterations: number): void {
  let x = sink | 1;
  for (let i = 0; i < iterations; i++) x = (x ^ (x << 13) ^ (x >>> 17) ^ (x << 5)) | 0;
  sink = x;
}

/** Iterations that take about `ms` on this machine (measured after a warm-up). */
function calibrate(ms: number): number {
  spin(5_000_000);
  const probe = 20_000_000;
  const started = performance.now();
  spin(probe);
  return Math.round((probe * ms) / (performance.now() - started));
}

let acked = 0;
let onAllAcked: () => void = () => {};
const allAcked = new Promise<void>((resolve) => {
  onAllAcked = resolve;
});

/** The memory connector, counting acknowledgements where the queue lives (the parent). */
class CountingMemoryConnector extends MemoryQueueConnector {
  override async ack(messages: RawMessage[]): Promise<void> {
    await super.ack(messages);
    acked += messages.length;
    if (acked >= total) onAllAcked();
  }
}

const queue = new MemoryQueue();
const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
romeways.queueConsumer(
  "cpu-bound",
  { connectorName: "workers", frequency: 0, maxChunkSize, sequential: true, queue },
  () => spin(Number(process.env.BENCH_SPIN)),
);
romeways.connectorRegister({
  connector: CountingMemoryConnector,
  config: { connectorName: "workers" },
  spawnProcess: true,
  workers,
});

if (romeways.isWorker) {
  await romeways.start();
} else {
  // Set before start(): the workers inherit the environment, so all run the same work.
  const iterations = calibrate(1);
  process.env.BENCH_SPIN = String(iterations);
  const bareStarted = performance.now();
  const bareCount = 200;
  for (let i = 0; i < bareCount; i++) spin(iterations);
  const bareRate = bareCount / ((performance.now() - bareStarted) / 1000);

  await romeways.start();
  const started = performance.now();
  for (let i = 0; i < total; i++) queue.put(`job ${i}`);
  await allAcked;
  const rate = total / ((performance.now() - started) / 1000);
  await romeways.stop();
  await reportToParent<WorkersResult>({ rate, bareRate });
}
