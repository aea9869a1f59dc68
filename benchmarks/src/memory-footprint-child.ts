// Child of memory-footprint.ts (run with --expose-gc): BENCH_FOOTPRINT_COUNT messages of 100
// bytes, either put on a MemoryQueue ("queue") or kept as encoded bodies in an array ("array",
// the baseline: the bytes alone). Reports the growth of the heap, of array buffers and of RSS.
import { MemoryQueue } from "@romeways/connector-memory";
import { reportToParent } from "./child.js";

export interface FootprintResult {
  heapBytes: number;
  arrayBufferBytes: number;
  rssBytes: number;
}

const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const count = Number(process.env.BENCH_FOOTPRINT_COUNT ?? 100_000);
const mode = process.env.BENCH_FOOTPRINT_MODE ?? "queue";

/** 100 bytes of text, different for every message. */
const body = (i: number) => `${i}`.padStart(10, "0") + "x".repeat(90);

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage();
}

const before = settle();
let kept: unknown;
if (mode === "queue") {
  const queue = new MemoryQueue();
  for (let i = 0; i < count; i++) queue.put(body(i));
  kept = queue;
} else {
  const encoder = new TextEncoder();
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) bodies.push(encoder.encode(body(i)));
  kept = bodies;
}
const after = settle();
const result: FootprintResult = {
  heapBytes: (after.heapUsed - before.heapUsed) / count,
  arrayBufferBytes: (after.arrayBuffers - before.arrayBuffers) / count,
  rssBytes: (after.rss - before.rss) / count,
};
// Still referenced here, so nothing measured was collected early.
if (kept === undefined) throw new Error("unreachable");
await reportToParent(result);
