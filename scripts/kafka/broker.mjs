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
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { defaultLog, ensureKafkaJars, LOG4J_CONFIG, runCommand, seconds } from "./jars.mjs";
import { probeBroker, warmUpBroker } from "./protocol-probe.mjs";
import { freePorts, newClusterId, serverProperties } from "./server-config.mjs";

export { ensureKafkaJars, KAFKA_VERSION } from "./jars.mjs";

const DEFAULT_HEAP_MB = 384;
const DEFAULT_READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

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

  // Spawns the broker on the formatted storage and waits until it serves clients; a restart
  // runs it again on the same data and ports.
  const launch = async (launched = performance.now()) => {
    exitInfo = null;
    try {
      const out = fs.openSync(logFile, "a");
      try {
        child = spawn(
          java,
          [
            `-Xms${heapMb}m`,
            `-Xmx${heapMb}m`,
            // The GC settings of Apache Kafka's own bin/kafka-run-class.sh: G1's default pause
            // target (200 ms) shows up as tens of milliseconds of end-to-end latency.
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
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
      const spawned = child;
      exited = new Promise((resolve) => {
        spawned.once("exit", (code, signal) => {
          exitInfo = { code, signal };
          resolve(exitInfo);
        });
        spawned.once("error", (error) => {
          exitInfo = { code: null, signal: null, error };
          resolve(exitInfo);
        });
      });
      spawned.unref();
      if (spawned.pid === undefined) {
        await exited;
        throw new Error(`cannot run ${java}: ${exitInfo?.error?.message ?? "no pid"}`);
      }
      const pid = spawned.pid;
      if (onProcessExit) process.off("exit", onProcessExit);
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
      if (performance.now() - launched > readyTimeoutMs) {
        throw await fail(
          `was not ready within ${readyTimeoutMs / 1000} s (last probe: ${lastProbe})`,
        );
      }
      await raceTimeout(exited, 200, null);
    }
  };

  await launch(started);
  log(
    `kafka broker ready on ${brokers} in ${seconds(started)} (pid ${child.pid}, data ${dataDir})`,
  );

  /** SIGTERM (SIGKILL past the deadline) and waits for the exit; the data dir stays. */
  const endProcess = async () => {
    if (exitInfo) return;
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
  };

  let stopping = null;
  let halted = false;
  const halt = async () => {
    if (stopping) throw new Error(`kafka broker on ${brokers} is stopped for good`);
    const haltStarted = performance.now();
    await endProcess();
    halted = true;
    log(`kafka broker on ${brokers} halted in ${seconds(haltStarted)} (data kept)`);
  };
  const resume = async () => {
    if (stopping) throw new Error(`kafka broker on ${brokers} is stopped for good`);
    if (!halted) return;
    const resumeStarted = performance.now();
    await launch();
    halted = false;
    log(`kafka broker on ${brokers} resumed in ${seconds(resumeStarted)} (pid ${child.pid})`);
  };
  const stop = () => {
    stopping ??= (async () => {
      const stopStarted = performance.now();
      await endProcess();
      process.off("exit", onProcessExit);
      await fsp.rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      log(`kafka broker on ${brokers} stopped in ${seconds(stopStarted)}`);
    })();
    return stopping;
  };

  return {
    brokers,
    get pid() {
      return child.pid;
    },
    dataDir,
    get exited() {
      return exited;
    },
    halt,
    resume,
    stop,
  };
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
  // Not a top-level await: cli.mjs imports this module, which must finish evaluating first.
  import("./cli.mjs")
    .then(({ main }) => main(process.argv.slice(2)))
    .then(
      (code) => process.exit(code),
      (err) => {
        process.stderr.write(`[kafka] ${err.message}\n`);
        process.exit(1);
      },
    );
}
