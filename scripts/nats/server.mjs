#!/usr/bin/env node
// Starts and stops a real nats-server with JetStream for the romeways tests, without Docker: a
// free loopback port, the JetStream store in a fresh temp dir, stopped by its own pid. restart()
// stops it and starts it again on the same port and store, as a broker restart in production.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/nats/server.mjs start              start, print NATS_URL, stay until SIGINT/SIGTERM
//   node scripts/nats/server.mjs run -- <cmd...>    start, run cmd with NATS_URL set, stop
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
// NATS' default max_payload is 1 MB, less than a 1 MiB body plus its headers: the tests send one.
const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

const defaultLog = (line) => process.stderr.write(`[nats] ${line}\n`);

/** nats-server on PATH, else Debian's /usr/sbin one (not on a plain user's PATH). */
function defaultBinary() {
  const dirs = (process.env.PATH ?? "").split(path.delimiter);
  const onPath = dirs.some((dir) => dir !== "" && fs.existsSync(path.join(dir, "nats-server")));
  if (!onPath && fs.existsSync("/usr/sbin/nats-server")) return "/usr/sbin/nats-server";
  return "nats-server";
}

/** Resolves true once the server sent its INFO line and answered PING with PONG. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = "";
    let pinged = false;
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (!pinged && reply.includes("\r\n")) {
        if (!reply.startsWith("INFO ")) return done(false);
        pinged = true;
        socket.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
      }
      if (pinged && reply.includes("PONG\r\n")) done(true);
    });
  });
}

/**
 * Starts nats-server -js on a free loopback port with its store in a fresh temp dir, waits
 * until it answers PING, and returns a handle: `stop()` ends it by its pid and removes the dir,
 * `restart()` ends it and starts it again on the same port and store.
 */
export async function startNatsServer(options = {}) {
  const log = options.log ?? defaultLog;
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "romeways-nats-"));
  const storeDir = path.join(dataDir, "jetstream");
  const configFile = path.join(dataDir, "nats.conf");
  const logFile = path.join(dataDir, "nats.log");
  await fsp.writeFile(configFile, `max_payload: ${MAX_PAYLOAD_BYTES}\n`);
  const binary = options.binary ?? process.env.NATS_SERVER ?? defaultBinary();
  let port;
  let current;
  // The port is free when picked but bound later: if another process took it, pick another.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      current = await startProcess({ binary, port, dataDir, storeDir, configFile, logFile, log });
      break;
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(err.message)) {
        await fsp.rm(dataDir, { recursive: true, force: true });
        throw err;
      }
      log("the port was taken before nats-server bound it; retrying");
    }
  }
  const url = `nats://127.0.0.1:${port}`;
  // Best effort: a Node process that exits leaves no server behind.
  const onProcessExit = () => {
    current.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", onProcessExit);

  let stopping = null;
  const handle = {
    url,
    port,
    dataDir,
    get pid() {
      return current.pid;
    },
    get exited() {
      return current.exited;
    },
    /** Stops the server (SIGTERM: JetStream writes its state) and starts it on the same port and store. */
    async restart() {
      await current.stop();
      current = await startProcess({ binary, port, dataDir, storeDir, configFile, logFile, log });
    },
    /** SIGTERM to its pid, SIGKILL after 10 s; the store stays, for `start()`. */
    async pause() {
      await current.stop();
    },
    /** Starts a paused server again on the same port and store. */
    async resume() {
      current = await startProcess({ binary, port, dataDir, storeDir, configFile, logFile, log });
    },
    stop() {
      stopping ??= (async () => {
        await current.stop();
        process.off("exit", onProcessExit);
        await fsp.rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return handle;
}

async function startProcess({ binary, port, dataDir, storeDir, configFile, logFile, log }) {
  const started = performance.now();
  // Arguments beside the config file: they read as one line in `ps`.
  const args = ["-c", configFile, "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir];
  args.push("-l", logFile, "-P", path.join(dataDir, "nats.pid"));
  const { child, exited, exitInfo } = spawnTracked(binary, args, { cwd: dataDir, stdio: "ignore" });
  const kill = (signal) => {
    if (exitInfo() || child.pid === undefined) return;
    killPid(child.pid, signal);
  };
  const fail = async (reason) => {
    kill("SIGKILL");
    await exited;
    const tail = await logTail(logFile);
    return new Error(`nats-server on port ${port} ${reason}\n--- tail of ${logFile} ---\n${tail}`);
  };
  for (;;) {
    const info = exitInfo();
    if (info) {
      throw await fail(
        info.error
          ? `could not run ${binary}: ${info.error.message} (install it: apt-get install nats-server)`
          : `exited early (${info.signal ?? `exit code ${info.code}`})`,
      );
    }
    if (await ping(port)) break;
    if (performance.now() - started > READY_TIMEOUT_MS) {
      throw await fail(`did not answer PING within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(
    `nats-server ready on 127.0.0.1:${port} in ${seconds(started)} (pid ${child.pid}, dir ${dataDir})`,
  );
  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      if (exitInfo()) return;
      kill("SIGTERM");
      const timer = setTimeout(() => {
        log(`nats-server pid ${child.pid} ignored SIGTERM, sending SIGKILL`);
        kill("SIGKILL");
      }, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { pid: child.pid, exited, kill, stop };
}

runIfMain(import.meta.url, "nats", (argv) =>
  serverCli(argv, {
    start: startNatsServer,
    envVar: "NATS_URL",
    usage: "start | run -- <command...>",
  }),
);
