#!/usr/bin/env node
// Starts and stops ElasticMQ, an SQS-compatible server, for the romeways tests, without Docker:
// jars from Maven Central (pom.xml beside this file, fetched once into a cache outside git), a
// free loopback port, a fresh temp dir, stopped by its own pid. With `persist: true` queues and
// messages live in that dir (H2), so a restarted server still has them.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/sqs/server.mjs start              start, print SQS_ENDPOINT, stay until SIGINT/SIGTERM
//   node scripts/sqs/server.mjs run -- <cmd...>    start, run cmd with SQS_ENDPOINT set, stop
//   node scripts/sqs/server.mjs fetch              only fetch the jars
//
// See README.md beside this file.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { freePort, killPid, logTail, runIfMain, seconds, serverCli } from "../server-process.mjs";
import { defaultLog, ensureElasticMqJars } from "./jars.mjs";

export { ELASTICMQ_VERSION, ensureElasticMqJars } from "./jars.mjs";

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Resolves true once anything answers HTTP on the port. */
function answersHttp(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    request.once("timeout", () => request.destroy());
    request.once("error", () => resolve(false));
  });
}

function configText(port, dataDir, persist) {
  const h2 = path.join(dataDir, "elasticmq").replaceAll("\\", "/");
  const queues = path.join(dataDir, "queues.conf").replaceAll("\\", "/");
  const lines = [
    'include classpath("application.conf")',
    `node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }`,
    `rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }`,
    "rest-stats { enabled = false }",
    "generate-node-address = false",
    'aws { region = "us-east-1", accountId = "000000000000" }',
  ];
  if (persist) {
    lines.push(
      `messages-storage { enabled = true, uri = "jdbc:h2:${h2}" }`,
      `queues-storage { enabled = true, path = "${queues}" }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Starts ElasticMQ on a free loopback port in a fresh temp dir and resolves once it answers
 * HTTP. The handle's `halt()` ends the process (SIGTERM by pid) and `resume()` starts it again
 * on the same port and dir, for outage tests; `stop()` ends it and removes the dir.
 */
export async function startSqsServer(options = {}) {
  const log = options.log ?? defaultLog;
  const persist = options.persist ?? false;
  const libs = await ensureElasticMqJars({ log });
  const java = process.env.JAVA ?? "java";
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "romeways-sqs-"));
  const logFile = path.join(dataDir, "elasticmq.log");
  const configFile = path.join(dataDir, "elasticmq.conf");
  let port = await freePort();
  let child = null;
  let exitInfo = null;
  let exited = Promise.resolve({ code: 0, signal: null });

  const onProcessExit = () => {
    if (child && !exitInfo) {
      killPid(child.pid, "SIGKILL");
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", onProcessExit);

  const launch = async () => {
    const started = performance.now();
    await fsp.writeFile(configFile, configText(port, dataDir, persist));
    const out = fs.openSync(logFile, "a");
    // Serial GC and a small heap: one small server among many processes on a small machine.
    const args = [
      "-XX:+UseSerialGC",
      "-Xmx384m",
      `-Dconfig.file=${configFile}`,
      "-cp",
      `${libs}${path.sep}*`,
      "org.elasticmq.server.Main",
    ];
    child = spawn(java, args, { cwd: dataDir, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    exitInfo = null;
    const current = child;
    exited = new Promise((resolve) => {
      const settle = (info) => {
        if (child === current) exitInfo = info;
        resolve(info);
      };
      current.once("exit", (code, signal) => settle({ code, signal }));
      current.once("error", (error) => settle({ code: null, signal: null, error }));
    });
    current.unref();
    for (;;) {
      if (exitInfo) {
        const tail = await logTail(logFile);
        const why = exitInfo.error
          ? `could not run ${java}: ${exitInfo.error.message} (install a JDK 17+: apt-get install default-jre-headless)`
          : `exited early (${exitInfo.signal ?? `exit code ${exitInfo.code}`})`;
        throw new Error(`ElasticMQ on port ${port} ${why}\n--- tail of ${logFile} ---\n${tail}`);
      }
      if (await answersHttp(port)) break;
      if (performance.now() - started > READY_TIMEOUT_MS) {
        await halt();
        throw new Error(
          `ElasticMQ did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log(
      `ElasticMQ ready on http://127.0.0.1:${port} in ${seconds(started)} (pid ${child.pid}, dir ${dataDir})`,
    );
  };

  // SIGKILL by default: ElasticMQ 1.7.1 does not exit on SIGTERM within 10 s here, and its H2
  // store (with persist) writes through, so a killed server comes back with every message.
  const halt = async (signal = "SIGKILL") => {
    if (!child || exitInfo) return;
    const pid = child.pid;
    killPid(pid, signal);
    const timer = setTimeout(() => {
      log(`ElasticMQ pid ${pid} ignored ${signal}, sending SIGKILL`);
      killPid(pid, "SIGKILL");
    }, STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  // The port is free when picked but bound later: if another process took it, pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3 || !/Address already in use|BindException/.test(err.message)) {
        process.off("exit", onProcessExit);
        await fsp.rm(dataDir, { recursive: true, force: true });
        throw err;
      }
      port = await freePort();
    }
  }

  let stopping = null;
  const handle = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    persist,
    get pid() {
      return child.pid;
    },
    get exited() {
      return exited;
    },
    halt,
    resume: launch,
    stop() {
      stopping ??= (async () => {
        await halt();
        process.off("exit", onProcessExit);
        await fsp.rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return handle;
}

async function fetchJars() {
  process.stdout.write(`${await ensureElasticMqJars()}\n`);
  return 0;
}

runIfMain(import.meta.url, "sqs", (argv) =>
  serverCli(argv, {
    start: () => startSqsServer({ persist: process.env.SQS_PERSIST === "1" }),
    envVar: "SQS_ENDPOINT",
    value: (server) => server.endpoint,
    commands: { fetch: fetchJars },
    usage: "start | run -- <command...> | fetch",
  }),
);
