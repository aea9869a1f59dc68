// Two consumer processes in one group share a topic's partitions; when one dies, the other
// takes its partitions over.
import { performance } from "node:perf_hooks";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  type HandledRecord,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { createTestTopic, produce, waitUntil } from "./kafka-test-kit.js";

const perPhase = 3_000;
const consumerEnv = { MAX_CHUNK_SIZE: "20", HANDLER_DELAY_MS: "2", SESSION_TIMEOUT_MS: "6000" };

const messages = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value: `id-${from + i}` }));
const partitionsOf = (records: readonly HandledRecord[]) =>
  [...new Set(records.map((record) => record.partition))].sort();
const phaseTwo = (records: readonly HandledRecord[]) =>
  records.filter((record) => Number(record.id.slice(3)) >= perPhase);

describe("consumers in one group", () => {
  test("two consumer processes share the partitions, and one takes over when the other is killed", async () => {
    const topic = await createTestTopic({ partitions: 6 });
    const fileA = handledFile();
    const fileB = handledFile();
    const started = performance.now();
    const a = startConsumerProcess(topic, fileA, consumerEnv);
    await a.ready;
    const b = startConsumerProcess(topic, fileB, consumerEnv);
    // B's join completes only once A rejoined: from here on the partitions are split.
    await b.ready;

    await produce(topic.topic, messages(0, perPhase));
    const all = () => [...readHandled(fileA), ...readHandled(fileB)];
    await waitUntil(
      "every message of phase 1 is handled",
      () => countHandled(all()).distinct === perPhase,
      {
        intervalMs: 100,
      },
    );
    const [handledByA, handledByB] = [readHandled(fileA), readHandled(fileB)];
    const partitionsOfB = partitionsOf(handledByB);
    expect(countHandled(all()).duplicates).toBe(0);
    expect(handledByA.length).toBeGreaterThan(0);
    expect(handledByB.length).toBeGreaterThan(0);
    expect(partitionsOf(handledByA).filter((p) => partitionsOfB.includes(p))).toEqual([]);
    const phaseOneSeconds = (performance.now() - started) / 1000;

    await produce(topic.topic, messages(perPhase, perPhase));
    await waitUntil("B handled part of phase 2", () => phaseTwo(readHandled(fileB)).length >= 100, {
      intervalMs: 20,
    });
    b.child.kill("SIGKILL");
    const killedAt = performance.now();
    await b.exited;
    const handledByBBeforeKill = phaseTwo(readHandled(fileB)).length;
    await waitUntil(
      "A handled every message",
      () => countHandled(all()).distinct === 2 * perPhase,
      {
        timeoutMs: 90_000,
        intervalMs: 100,
      },
    );
    const takeoverSeconds = (performance.now() - killedAt) / 1000;
    a.child.kill("SIGTERM");
    await a.exited;

    const phaseTwoOfA = phaseTwo(readHandled(fileA));
    const { duplicates } = countHandled(all());
    console.log(
      `[kafka] scale-out: 2 processes, 6 partitions (A: ${partitionsOf(handledByA).join(",")}, B: ${partitionsOfB.join(",")}); ` +
        `phase 1: ${perPhase} messages, ${handledByA.length}/${handledByB.length} handled by A/B, 0 twice, ${phaseOneSeconds.toFixed(1)}s; ` +
        `phase 2: ${perPhase} messages, B killed after ${handledByBBeforeKill}, A had handled the rest ${takeoverSeconds.toFixed(1)}s after the kill, ` +
        `${duplicates} handled twice`,
    );
    // A took over B's partitions: it handled what B left of them.
    expect(partitionsOf(phaseTwoOfA).filter((p) => partitionsOfB.includes(p))).not.toEqual([]);
  });
});
