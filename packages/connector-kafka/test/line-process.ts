// Child processes of the group tests that are not romeways: a Java consumer on its defaults
// (fixtures/java/Consumer.java) and a plain kafkajs consumer (fixtures/kafkajs-member.ts).
// Both print one line per event; this reads them as they come.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { ensureKafkaJars } from "../../../scripts/kafka/broker.mjs";
import { kafkaBrokers, type TestTopic } from "./kafka-test-kit.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  value: string;
}

export interface LineProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Records printed so far. */
  records(): ConsumedRecord[];
  /** The partitions of each assignment printed so far, oldest first. */
  assignments(): number[][];
  /** Resolves with the first assignment `accept` takes (the first at all by default). */
  assigned(accept?: (partitions: number[]) => boolean): Promise<number[]>;
  output(): string;
}

/** A Java consumer with kafka-clients' defaults (assignors range, cooperative-sticky). */
export async function startJavaConsumer(topic: TestTopic, strategy?: string): Promise<LineProcess> {
  const libs = await ensureKafkaJars();
  const args = [
    "-Xmx128m",
    "-XX:TieredStopAtLevel=1",
    "-cp",
    join(libs, "*"),
    join(fixtures, "java", "Consumer.java"),
    kafkaBrokers(),
    topic.topic,
    topic.groupId,
    ...(strategy === undefined ? [] : [strategy]),
  ];
  return lineProcess(
    spawn(process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java", args, {
      stdio: ["ignore", "pipe", "pipe"],
    }),
    "assignment",
  );
}

/** A plain kafkajs consumer on kafkajs's defaults (assignor RoundRobinAssigner only). */
export function startKafkajsMember(topic: TestTopic, sessionTimeoutMs: number): LineProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(fixtures, "kafkajs-member.ts")], {
    env: {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers(),
      TOPIC: topic.topic,
      GROUP_ID: topic.groupId,
      SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return lineProcess(child, "joined");
}

function lineProcess(child: ChildProcess, assignmentWord: string): LineProcess {
  let output = "";
  let pending = "";
  const records: ConsumedRecord[] = [];
  const assignments: number[][] = [];
  const waiters = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const [word, ...rest] = line.split(" ");
      if (word === "record") {
        const [partition, offset, ...value] = rest;
        records.push({
          partition: Number(partition),
          offset: BigInt(offset ?? -1),
          value: value.join(" "),
        });
      } else if (word === assignmentWord) {
        const list = rest.join("");
        assignments.push(list === "" ? [] : list.split(",").map(Number));
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  const assigned = (accept: (partitions: number[]) => boolean = () => true) =>
    new Promise<number[]>((resolve, reject) => {
      const check = () => {
        const found = assignments.find(accept);
        if (found === undefined) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
      void exited.then(({ code, signal }) =>
        reject(new Error(`exited (${signal ?? code}) before the assignment came:\n${output}`)),
      );
    });
  return {
    child,
    exited,
    records: () => [...records],
    assignments: () => assignments.map((partitions) => [...partitions]),
    assigned,
    output: () => output,
  };
}
