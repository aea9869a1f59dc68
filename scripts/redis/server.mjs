#!/usr/bin/env node
// Starts and stops a real redis-server for the romeways tests, without Docker: a free loopback
// port, a fresh temp dir, no persistence (the tests never restart it), stopped by its own pid.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/redis/server.mjs start              start, print REDIS_URL, stay until SIGINT/SIGTERM
//   node scripts/redis/server.mjs run -- <cmd...>    start, run cmd with REDIS_URL set, stop
//
// See README.md beside this file.

import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import {
  freePort,
  killPid,
  logTail,
  runIfMain,
  seconds,
  serverCli,
  spawnTracked,
} from "../server-process.mjs";

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

const defaultLog = (line) => process.stderr.write(`[redis] ${line}\n`);

/** Resolves true once the server answers PING with PONG, false on any failure. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

/**
 * Starts redis-server on a free loopback port in a fresh temp dir, waits until it answers
 * PING, and returns a handle whose `stop()` ends it by its pid and removes the dir.
 */
export async function startRedisServer(options = {}) {
  // The port is free when picked but bound later: if another process took it, start again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(err.message)) throw err;
      (options.log ?? defaultLog)("the port was taken before redis-server bound it; retrying");
    }
  }
}

async function startOnce(options) {
  const log = options.log ?? defaultLog;
  const binary = options.binary ?? process.env.REDIS_SERVER ?? "redis-server";
  const started = performance.now();
  const port = await freePort();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "romeways-redis-"));
  const logFile = path.join(dataDir, "redis.log");
  const pidFile = path.join(dataDir, "redis.pid");
  const url = `redis://127.0.0.1:${port}`;
  // Arguments instead of a config file: they read as one line in `ps`.
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dataDir,
    "--save",
    "",
    "--appendonly",
    "no",
    "--pidfile",
    pidFile,
    "--logfile",
    logFile,
    "--daemonize",
    "no",
  ];
  const { child, exited, exitInfo } = spawnTracked(binary, args, { cwd: dataDir, stdio: "ignore" });
  // Best effort: a Node process that exits leaves no server behind.
  const onProcessExit = () => {
    if (exitInfo() || child.pid === undefined) return;
    killPid(child.pid, "SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", onProcessExit);

  const fail = async (reason) => {
    if (!exitInfo() && child.pid !== undefined) {
      killPid(child.pid, "SIGKILL");
      await exited;
    }
    process.off("exit", onProcessExit);
    const tail = await logTail(logFile);
    await fsp.rm(dataDir, { recursive: true, force: true });
    return new Error(
      `redis-server on ${url} ${reason}\n--- tail of ${logFile} (now removed) ---\n${tail}`,
    );
  };

  for (;;) {
    const info = exitInfo();
    if (info) {
      throw await fail(
        info.error
          ? `could not run ${binary}: ${info.error.message} (install it: apt-get install redis-server)`
          : `exited early (${info.signal ?? `exit code ${info.code}`})`,
      );
    }
    if (await ping(port)) break;
    if (performance.now() - started > READY_TIMEOUT_MS) {
      throw await fail(`did not answer PING within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(`redis-server ready on ${url} in ${seconds(started)} (pid ${child.pid}, dir ${dataDir})`);

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      if (!exitInfo()) {
        killPid(child.pid, "SIGTERM");
        const timer = setTimeout(() => {
          log(`redis-server pid ${child.pid} ignored SIGTERM, sending SIGKILL`);
          killPid(child.pid, "SIGKILL");
        }, STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off("exit", onProcessExit);
      await fsp.rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return { url, port, pid: child.pid, dataDir, exited, stop };
}

runIfMain(import.meta.url, "redis", (argv) =>
  serverCli(argv, {
    start: startRedisServer,
    envVar: "REDIS_URL",
    usage: "start | run -- <command...>",
  }),
);
