// A fresh broker is a cold JVM: for its first minute or so, fetches and commits take several
// times longer than they will. Whichever Kafka benchmark ran first would measure that, so the
// broker gets traffic of every kind the benchmarks make before any of them starts.
import { KafkaBench } from "./kafka-data.js";
import { countdown, sleep } from "./stats.js";

const bulkMessages = 100_000;
const singleSends = 3_000;

/** Produces and consumes in bulk and one message at a time, committing, for about 20 s. */
export async function warmUpBroker(brokers: string, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const bench = new KafkaBench(brokers);
  await bench.connect();
  try {
    const { topic } = await bench.createTopic(4);
    const body = Buffer.alloc(100, "w");
    await bench.produce(
      topic,
      4,
      Array.from({ length: bulkMessages }, () => body),
    );
    for (let round = 0; round < 4; round++) {
      // Each round reads the single sends of the rounds before, and its own; the last one
      // message at a time, as the latency benchmark's baseline does.
      await readWhileSending(bench, topic, round, round === 3);
    }
  } finally {
    await bench.close();
  }
  log(`broker warmed up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A fresh group reads the topic from the start, committing, while single sends go on. */
async function readWhileSending(
  bench: KafkaBench,
  topic: string,
  round: number,
  oneByOne: boolean,
): Promise<void> {
  const received = countdown(bulkMessages + (round + 1) * singleSends);
  const consumer = bench.kafka.consumer({
    groupId: `${topic}-warm-up-${round}`,
    maxWaitTimeInMs: 1_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run(
    oneByOne
      ? { eachMessage: async () => received.tick() }
      : {
          eachBatch: async ({ batch }) => {
            for (const _ of batch.messages) received.tick();
          },
        },
  );
  try {
    await sendOneByOne(bench, topic, singleSends);
    await received.done;
  } finally {
    await consumer.disconnect();
  }
}

async function sendOneByOne(bench: KafkaBench, topic: string, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => bench.sendNow(topic, "warm", (sent + i) % 4)),
    );
    await sleep(1);
  }
}
