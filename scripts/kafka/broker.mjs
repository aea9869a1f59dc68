#!/usr/bin/env node
// Fetches, starts and stops a real single-node Apache Kafka 4.x broker (KRaft,
// combined broker + controller) for the romeways tests, without Docker.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/kafka/broker.mjs fetch              ensure the jars, print the libs dir
//   node scripts/kafka/broker.mjs start              start a broker, stay until SIGINT/SIGTERM
//   node scripts/kafka/broker.mjs run -- <cmd...>    start, run cmd with KAFKA_BROKERS, stop
//
// See README.md beside this file.

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, "pom.xml");
const LOG4J_CONFIG = path.join(HERE, "log4j2.properties");
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const MARKER = ".romeways-kafka-complete";
const NODE_ID = 1;
const DEFAULT_HEAP_MB = 384;
const DEFAULT_READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

const POM_TEXT = fs.readFileSync(POM, "utf8");

/** Kafka version named in pom.xml (`<kafka.version>`). */
export const KAFKA_VERSION = (() => {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(POM_TEXT);
  if (!match) throw new Error(`no <kafka.version> in ${POM}`);
  return match[1];
})();

const defaultLog = (line) => process.stderr.write(`[kafka] ${line}\n`);

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

/** Resolves with `value` after `ms`, or earlier with whatever `promise` gives; clears its timer. */
function raceTimeout(promise, ms, value) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function javaBin() {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, "bin", process.platform === "win32" ? "java.exe" : "java") : "java";
}

// ---------------------------------------------------------------------------
// Jars
// ---------------------------------------------------------------------------

function cacheRoot() {
  return (
    process.env.ROMEWAYS_KAFKA_CACHE ||
    path.join(os.homedir(), ".cache", "romeways", `kafka-${KAFKA_VERSION}`)
  );
}

/** The marker holds a digest of pom.xml, so a changed pom fetches again. */
const POM_DIGEST = createHash("sha256").update(POM_TEXT).digest("hex");

async function isComplete(libs) {
  try {
    return (await fsp.readFile(path.join(libs, MARKER), "utf8")).trim() === POM_DIGEST;
  } catch {
    return false;
  }
}

/** Runs a command, resolves with its combined output, rejects with it when it fails. */
function runCommand(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    } catch (err) {
      reject(err);
      return;
    }
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));
    child.once("error", (err) => {
      const hint = err.code === "ENOENT" ? ` (is ${command} installed and on PATH?)` : "";
      reject(new Error(`cannot run ${command}: ${err.message}${hint}`));
    });
    child.once("close", (code, signal) => {
      const output = Buffer.concat(chunks).toString("utf8");
      if (code === 0) resolve(output);
      else {
        const tail = output.trim().split("\n").slice(-40).join("\n");
        reject(
          new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${tail}`),
        );
      }
    });
  });
}

/** Moves the finished `tmp` folder to `libs` in one rename: readers see all of it or nothing. */
async function installFolder(tmp, libs) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await fsp.rename(tmp, libs);
      return;
    } catch (err) {
      if (!["ENOTEMPTY", "EEXIST", "EPERM", "EBUSY"].includes(err.code)) throw err;
    }
    if (await isComplete(libs)) return; // a concurrent caller finished first
    // An outdated (other pom) or foreign folder: move it aside, then retry.
    const aside = `${libs}.old-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      await fsp.rename(libs, aside);
    } catch (err) {
      if (err.code !== "ENOENT") throw err;
    }
    await fsp.rm(aside, { recursive: true, force: true });
  }
  throw new Error(`could not move the Kafka jars into ${libs}`);
}

/**
 * Makes sure the broker jars are in the cache and returns the libs folder.
 * Cache: `${ROMEWAYS_KAFKA_CACHE ?? ~/.cache/romeways/kafka-<version>}/libs`.
 */
export async function ensureKafkaJars(options = {}) {
  const log = options.log ?? defaultLog;
  const root = cacheRoot();
  const libs = path.join(root, "libs");
  if (await isComplete(libs)) return libs;

  const started = performance.now();
  log(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${libs}`);
  await fsp.mkdir(root, { recursive: true });
  const tmp = await fsp.mkdtemp(path.join(root, "libs.tmp-"));
  try {
    await runCommand(
      process.platform === "win32" ? "mvn.cmd" : "mvn",
      [
        "-B",
        "-q",
        "-f",
        POM,
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        "-DincludeScope=runtime",
        `-DoutputDirectory=${tmp}`,
      ],
      { shell: process.platform === "win32" },
    );
    const jars = (await fsp.readdir(tmp)).filter((name) => name.endsWith(".jar"));
    if (!jars.includes(`kafka_2.13-${KAFKA_VERSION}.jar`)) {
      throw new Error(`Maven did not copy kafka_2.13-${KAFKA_VERSION}.jar into ${tmp}`);
    }
    await fsp.writeFile(path.join(tmp, MARKER), `${POM_DIGEST}\n`);
    await installFolder(tmp, libs);
    log(`kafka jars fetched in ${seconds(started)} (${jars.length} jars)`);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return libs;
}

// ---------------------------------------------------------------------------
// Ports, cluster id, config
// ---------------------------------------------------------------------------

/** Binds `count` loopback ports at once (so they differ), closes them, returns the numbers. */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(
      servers.map((server) => new Promise((resolve) => server.close(() => resolve()))),
    );
  }
}

/** A Kafka cluster id: 16 random bytes as 22 base64url characters (never starting with '-'). */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

function serverProperties({ port, controllerPort, logDirs }) {
  return `${[
    "# written by scripts/kafka/broker.mjs: single-node KRaft broker for tests",
    "process.roles=broker,controller",
    `node.id=${NODE_ID}`,
    `controller.quorum.voters=${NODE_ID}@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${logDirs}`,
    "num.partitions=1",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    "auto.create.topics.enable=true",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "share.coordinator.state.topic.num.partitions=1",
    "group.initial.rebalance.delay.ms=0",
    "group.min.session.timeout.ms=1000",
    "log.cleaner.dedupe.buffer.size=1048577",
    "num.network.threads=2",
    "num.io.threads=4",
    "num.recovery.threads.per.data.dir=1",
  ].join("\n")}\n`;
}

async function logTail(file, lines = 60) {
  try {
    const handle = await fsp.open(file, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const text = buffer.toString("utf8").trimEnd();
      return text ? text.split("\n").slice(-lines).join("\n") : "(empty)";
    } finally {
      await handle.close();
    }
  } catch (err) {
    return `(cannot read ${file}: ${err.message})`;
  }
}

// ---------------------------------------------------------------------------
// Readiness probe: a tiny Kafka protocol client (ApiVersions v0 + Metadata v4..v8)
// ---------------------------------------------------------------------------

let correlation = 0;

/** Sends one request (header v1, non-flexible), resolves with the response body. */
function kafkaRequest(host, port, apiKey, apiVersion, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const correlationId = ++correlation & 0x7fffffff;
    const clientId = Buffer.from("romeways-kafka-probe");
    const header = Buffer.alloc(10 + clientId.length);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(correlationId, 4);
    header.writeInt16BE(clientId.length, 8);
    clientId.copy(header, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length, 0);

    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once("error", (err) => finish(err));
    socket.once("close", () => finish(new Error("connection closed before a full response")));
    socket.once("connect", () => socket.write(Buffer.concat([size, header, body])));
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const length = received.readInt32BE(0);
      if (received.length < 4 + length) return;
      const gotCorrelation = received.readInt32BE(4);
      if (gotCorrelation !== correlationId) {
        finish(new Error(`correlation id ${gotCorrelation}, expected ${correlationId}`));
      } else {
        finish(null, received.subarray(8, 4 + length));
      }
    });
  });
}

class Reader {
  constructor(buffer) {
    this.buffer = buffer;
    this.offset = 0;
  }
  take(size) {
    const at = this.offset;
    this.offset += size;
    return at;
  }
  int16() {
    return this.buffer.readInt16BE(this.take(2));
  }
  int32() {
    return this.buffer.readInt32BE(this.take(4));
  }
  string() {
    const length = this.int16();
    if (length < 0) return null;
    const value = this.buffer.toString("utf8", this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

/**
 * Asks the broker at host:port for ApiVersions and Metadata; resolves with
 * `{ ready, metadataVersion, brokers }`, where ready means the broker lists itself.
 */
async function probeBroker(host, port, timeoutMs = 5000) {
  const versions = new Reader(await kafkaRequest(host, port, 18, 0, Buffer.alloc(0), timeoutMs));
  const errorCode = versions.int16();
  if (errorCode !== 0) throw new Error(`ApiVersions error code ${errorCode}`);
  let metadataRange = null;
  for (let i = versions.int32(); i > 0; i--) {
    const key = versions.int16();
    const min = versions.int16();
    const max = versions.int16();
    if (key === 3) metadataRange = { min, max };
  }
  if (!metadataRange) throw new Error("the broker does not offer the Metadata API");
  // v4..v8 share the non-flexible layout encoded below; Kafka 4 accepts v4 and up (KIP-896).
  const version = Math.max(4, metadataRange.min);
  if (version > 8 || version > metadataRange.max) {
    throw new Error(
      `Metadata versions ${metadataRange.min}..${metadataRange.max} do not include 4..8`,
    );
  }
  const request = Buffer.alloc(version >= 8 ? 7 : 5);
  request.writeInt32BE(0, 0); // topics: empty array (no topics, only brokers)
  request.writeInt8(0, 4); // allow_auto_topic_creation
  if (version >= 8) {
    request.writeInt8(0, 5); // include_cluster_authorized_operations
    request.writeInt8(0, 6); // include_topic_authorized_operations
  }
  const metadata = new Reader(await kafkaRequest(host, port, 3, version, request, timeoutMs));
  metadata.int32(); // throttle_time_ms
  const brokers = [];
  for (let i = metadata.int32(); i > 0; i--) {
    const nodeId = metadata.int32();
    const brokerHost = metadata.string();
    const brokerPort = metadata.int32();
    metadata.string(); // rack
    brokers.push({ nodeId, host: brokerHost, port: brokerPort });
  }
  const ready = brokers.some((broker) => broker.nodeId === NODE_ID && broker.port === port);
  return { ready, metadataVersion: version, brokers };
}

/**
 * Warms up what the first client would otherwise wait for (and see logged as
 * retriable errors): FindCoordinator v0 creates and loads __consumer_offsets,
 * InitProducerId v0 without a transactional id gets the first producer-id block
 * from the controller. Resolves with the first error seen, or null when both work.
 */
async function warmUpBroker(host, port, timeoutMs = 5000) {
  const key = Buffer.from("romeways-kafka-probe");
  const findCoordinator = Buffer.alloc(2 + key.length);
  findCoordinator.writeInt16BE(key.length, 0);
  key.copy(findCoordinator, 2);
  const coordinator = new Reader(await kafkaRequest(host, port, 10, 0, findCoordinator, timeoutMs));
  const coordinatorError = coordinator.int16();
  if (coordinatorError !== 0) return `FindCoordinator error code ${coordinatorError}`;

  const initProducerId = Buffer.alloc(6);
  initProducerId.writeInt16BE(-1, 0); // transactional_id: null (idempotent producer)
  initProducerId.writeInt32BE(60_000, 2); // transaction_timeout_ms
  const producer = new Reader(await kafkaRequest(host, port, 22, 0, initProducerId, timeoutMs));
  producer.int32(); // throttle_time_ms
  const producerError = producer.int16();
  if (producerError !== 0) return `InitProducerId error code ${producerError}`;
  return null;
}

// ---------------------------------------------------------------------------
// Broker
// ---------------------------------------------------------------------------

/**
 * Starts a fresh single-node Kafka broker on free loopback ports, waits until it
 * serves clients and returns a handle whose `stop()` ends it and removes its data dir.
 */
export async function startKafkaBroker(options = {}) {
  // The free ports are closed before java binds them; if another process took one
  // in between, the broker exits with a BindException: try again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKafkaBrokerOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/BindException|Address already in use/.test(err.message)) throw err;
      (options.log ?? defaultLog)(`a port was taken before the broker bound it; retrying`);
    }
  }
}

async function startKafkaBrokerOnce(options) {
  const log = options.log ?? defaultLog;
  const heapMb = options.heapMb ?? DEFAULT_HEAP_MB;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;

  const libs = await ensureKafkaJars({ log });
  const classpath = path.join(libs, "*");
  const java = javaBin();

  const started = performance.now();
  const [port, controllerPort] = await freePorts(2);
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "romeways-kafka-"));
  const propertiesFile = path.join(dataDir, "server.properties");
  const logFile = path.join(dataDir, "broker.log");
  const pidFile = path.join(dataDir, "broker.pid");
  const brokers = `127.0.0.1:${port}`;
  const log4j = `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`;

  let child = null;
  let exitInfo = null;
  let exited = null;
  let onProcessExit = null;

  const fail = async (reason) => {
    if (child && !exitInfo) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {}
      await raceTimeout(exited, 10_000, null);
    }
    if (onProcessExit) process.off("exit", onProcessExit);
    const tail = await logTail(logFile);
    await fsp.rm(dataDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    return new Error(
      `kafka broker on ${brokers} ${reason}\n--- tail of its log (${logFile}, now removed) ---\n${tail}`,
    );
  };

  try {
    await fsp.writeFile(
      propertiesFile,
      serverProperties({
        port,
        controllerPort,
        logDirs: path.join(dataDir, "kraft-combined-logs"),
      }),
    );

    // Format the storage (a short-lived JVM of its own).
    const formatStarted = performance.now();
    const formatOutput = await runCommand(
      java,
      [
        "-Xmx256m",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Djava.awt.headless=true",
        log4j,
        "-cp",
        classpath,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        newClusterId(),
        "-c",
        propertiesFile,
      ],
      { cwd: dataDir },
    );
    await fsp.writeFile(
      logFile,
      `--- kafka-storage format ---\n${formatOutput}\n--- kafka.Kafka ---\n`,
    );
    log(`storage formatted in ${seconds(formatStarted)}`);
  } catch (err) {
    throw await fail(`could not format its storage: ${err.message}`);
  }

  try {
    const out = fs.openSync(logFile, "a");
    try {
      child = spawn(
        java,
        [
          `-Xms${heapMb}m`,
          `-Xmx${heapMb}m`,
          "-XX:+UseG1GC",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.awt.headless=true",
          log4j,
          "-cp",
          classpath,
          "kafka.Kafka",
          propertiesFile,
        ],
        { cwd: dataDir, stdio: ["ignore", out, out] },
      );
    } finally {
      fs.closeSync(out);
    }
    exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        exitInfo = { code, signal };
        resolve(exitInfo);
      });
      child.once("error", (error) => {
        exitInfo = { code: null, signal: null, error };
        resolve(exitInfo);
      });
    });
    child.unref();
    if (child.pid === undefined) {
      await exited;
      throw new Error(`cannot run ${java}: ${exitInfo?.error?.message ?? "no pid"}`);
    }
    const pid = child.pid;
    // Best effort: a Node process that exits normally leaves no broker behind.
    onProcessExit = () => {
      if (exitInfo) return;
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      try {
        fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {}
    };
    process.on("exit", onProcessExit);
    await fsp.writeFile(pidFile, `${pid}\n`);
  } catch (err) {
    throw await fail(`could not start: ${err.message}`);
  }

  // Wait until the broker answers Kafka requests and lists itself in Metadata.
  const describeExit = () =>
    exitInfo.error
      ? `failed: ${exitInfo.error.message}`
      : `exited early (${exitInfo.signal ?? `exit code ${exitInfo.code}`})`;
  let lastProbe = "no probe yet";
  let listed = false;
  for (;;) {
    if (exitInfo) throw await fail(describeExit());
    try {
      if (!listed) {
        const probe = await probeBroker("127.0.0.1", port);
        listed = probe.ready;
        lastProbe = `Metadata v${probe.metadataVersion} lists brokers ${JSON.stringify(probe.brokers)}`;
      }
      if (listed) {
        const warmUpError = await warmUpBroker("127.0.0.1", port);
        if (warmUpError === null) break;
        lastProbe = warmUpError;
      }
    } catch (err) {
      lastProbe = err.message;
    }
    if (exitInfo) throw await fail(describeExit());
    if (performance.now() - started > readyTimeoutMs) {
      throw await fail(
        `was not ready within ${readyTimeoutMs / 1000} s (last probe: ${lastProbe})`,
      );
    }
    await raceTimeout(exited, 200, null);
  }
  log(
    `kafka broker ready on ${brokers} in ${seconds(started)} (pid ${child.pid}, data ${dataDir})`,
  );

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      const stopStarted = performance.now();
      if (!exitInfo) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {}
        if (!(await raceTimeout(exited, STOP_TIMEOUT_MS, null))) {
          log(
            `kafka broker pid ${child.pid} ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000} s, sending SIGKILL`,
          );
          try {
            process.kill(child.pid, "SIGKILL");
          } catch {}
          await exited;
        }
      }
      process.off("exit", onProcessExit);
      await fsp.rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      log(`kafka broker on ${brokers} stopped in ${seconds(stopStarted)}`);
    })();
    return stopping;
  };

  return { brokers, pid: child.pid, dataDir, exited, stop };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE = `usage:
  node scripts/kafka/broker.mjs fetch              ensure the Kafka jars, print the libs dir
  node scripts/kafka/broker.mjs start              start a broker, print KAFKA_BROKERS, stop on SIGINT/SIGTERM
  node scripts/kafka/broker.mjs run -- <cmd...>    start a broker, run cmd with KAFKA_BROKERS set, stop it,
                                                   exit with cmd's code (an already set KAFKA_BROKERS is used as is)`;

function exitCodeOf(code, signal) {
  if (code !== null) return code;
  return 128 + (os.constants.signals[signal] ?? 1);
}

/**
 * SIGINT/SIGTERM handling for the CLI, installed before the broker starts, so a
 * signal that arrives while it starts still stops it cleanly afterwards.
 */
const signals = {
  received: null,
  listeners: new Set(),
  install() {
    const handler = (signal) => {
      this.received ??= signal;
      for (const listener of this.listeners) listener(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  },
  next() {
    return new Promise((resolve) => {
      if (this.received) resolve(this.received);
      else {
        const once = (signal) => {
          this.listeners.delete(once);
          resolve(signal);
        };
        this.listeners.add(once);
      }
    });
  },
};

async function cliStart() {
  signals.install();
  const broker = await startKafkaBroker();
  process.stdout.write(`KAFKA_BROKERS=${broker.brokers}\nKAFKA_BROKER_PID=${broker.pid}\n`);
  const keepAlive = setInterval(() => {}, 1 << 30);
  const reason = await Promise.race([signals.next(), broker.exited]);
  clearInterval(keepAlive);
  await broker.stop();
  if (typeof reason !== "string") {
    process.stderr.write(
      `[kafka] broker exited unexpectedly (${reason.signal ?? `exit code ${reason.code}`})\n`,
    );
    return 1;
  }
  return 0;
}

async function cliRun(args) {
  const command = args[0] === "--" ? args.slice(1) : args;
  if (command.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  signals.install();
  const external = process.env.KAFKA_BROKERS?.trim();
  let broker = null;
  if (external) {
    process.stderr.write(
      `[kafka] KAFKA_BROKERS is set (${external}): using that broker, starting none\n`,
    );
  } else {
    broker = await startKafkaBroker();
  }
  try {
    if (signals.received) return exitCodeOf(null, signals.received);
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, KAFKA_BROKERS: external || broker.brokers },
    });
    const forward = (signal) => {
      try {
        child.kill(signal);
      } catch {}
    };
    signals.listeners.add(forward);
    const commandStarted = performance.now();
    const code = await new Promise((resolve) => {
      child.once("error", (err) => {
        process.stderr.write(`[kafka] cannot run ${command[0]}: ${err.message}\n`);
        resolve(127);
      });
      child.once("exit", (exitCode, signal) => resolve(exitCodeOf(exitCode, signal)));
    });
    signals.listeners.delete(forward);
    process.stderr.write(
      `[kafka] command exited with code ${code} after ${seconds(commandStarted)}\n`,
    );
    return code;
  } finally {
    await broker?.stop();
  }
}

async function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case "fetch":
      process.stdout.write(`${await ensureKafkaJars()}\n`);
      return 0;
    case "start":
      return cliStart();
    case "run":
      return cliRun(rest);
    default:
      process.stderr.write(`${USAGE}\n`);
      return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[kafka] ${err.message}\n`);
      process.exit(1);
    },
  );
}
