#!/usr/bin/env node
// Starts and stops a real RabbitMQ broker (Debian's rabbitmq-server) for the romeways tests,
// without Docker: its own node name, base dir, Erlang cookie and epmd, on free loopback ports
// (AMQP, distribution, epmd), so that nothing is shared with another run or a system broker.
// Stopped by its own pid, never by name; restart() keeps the data dir (a broker restart test).
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/amqp/server.mjs start              start, print AMQP_URL, stay until SIGINT/SIGTERM
//   node scripts/amqp/server.mjs run -- <cmd...>    start, run cmd with AMQP_URL set, stop
//
// See README.md beside this file.

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import {
  freePort,
  killPid,
  readTail,
  runIfMain,
  seconds,
  serverCli,
  spawnTracked,
} from "../server-process.mjs";

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
// The broker's own start script, not /usr/sbin/rabbitmq-server (which insists on the rabbitmq user).
const DEFAULT_BINARY = "/usr/lib/rabbitmq/bin/rabbitmq-server";

const defaultLog = (line) => process.stderr.write(`[amqp] ${line}\n`);

/** Resolves true once the port answers the AMQP 0-9-1 header with a frame (Connection.Start). */
function amqpAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write(Buffer.from("AMQP\x00\x00\x09\x01", "latin1")));
    // Frame type 1 (method) on channel 0: the broker is up and takes connections.
    socket.once("data", (chunk) => done(chunk[0] === 1));
  });
}

async function logTail(dir, lines = 40) {
  const parts = [];
  for (const name of ["startup.log", "log/node.log"]) {
    try {
      parts.push(`--- ${name} ---\n${await readTail(path.join(dir, name), lines)}`);
    } catch {}
  }
  return parts.join("\n") || "(no log)";
}

/** SIGTERM, SIGKILL after STOP_TIMEOUT_MS, resolved once it exited. */
async function stopTracked(tracked, name, log) {
  if (tracked.exitInfo() || tracked.child.pid === undefined) return;
  killPid(tracked.child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    log(`${name} pid ${tracked.child.pid} ignored SIGTERM, sending SIGKILL`);
    killPid(tracked.child.pid, "SIGKILL");
  }, STOP_TIMEOUT_MS);
  await tracked.exited;
  clearTimeout(timer);
}

/**
 * Starts a RabbitMQ node in a fresh temp dir and resolves once it takes AMQP connections.
 * The handle's `stop()` ends the broker and its epmd by their pids and removes the dir;
 * `restart()` stops the broker alone and starts it again on the same ports and data.
 */
export async function startAmqpServer(options = {}) {
  const log = options.log ?? defaultLog;
  const binary = options.binary ?? process.env.RABBITMQ_SERVER ?? DEFAULT_BINARY;
  const started = performance.now();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "romeways-amqp-"));
  const [amqpPort, distPort, epmdPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const nodeName = `romeways-${randomBytes(4).toString("hex")}@localhost`;
  const url = `amqp://guest:guest@127.0.0.1:${amqpPort}`;

  // The Erlang cookie lives in $HOME: a HOME of its own keeps this node's cookie private.
  const home = path.join(dir, "home");
  await fsp.mkdir(home);
  await fsp.mkdir(path.join(dir, "log"));
  await fsp.writeFile(path.join(home, ".erlang.cookie"), randomBytes(20).toString("hex"), {
    mode: 0o400,
  });
  await fsp.writeFile(path.join(dir, "enabled_plugins"), "[].\n");
  await fsp.writeFile(
    path.join(dir, "rabbitmq.conf"),
    [
      "loopback_users.guest = true",
      "log.console = false",
      "log.file.level = warning",
      // A shared test machine: do not block publishers for low disk before it really is low.
      "disk_free_limit.absolute = 50MB",
      "",
    ].join("\n"),
  );
  const env = {
    ...process.env,
    HOME: home,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_CRASH_DUMP: path.join(dir, "erl_crash.dump"),
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_BASE: dir,
    RABBITMQ_CONF_ENV_FILE: path.join(dir, "rabbitmq-env.conf"),
    RABBITMQ_CONFIG_FILE: path.join(dir, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, "advanced.config"),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, "enabled_plugins"),
    RABBITMQ_MNESIA_BASE: path.join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: path.join(dir, "log"),
    RABBITMQ_PID_FILE: path.join(dir, "rabbitmq.pid"),
    // exec erl directly (no wrapping shell), so the spawned pid is the broker's own.
    RABBITMQ_ALLOW_INPUT: "true",
    RABBITMQ_SERVER_START_ARGS: "-noinput",
    // Two cores shared with other runs: no busy-waiting schedulers.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "+sbwt none +sbwtdcpu none +sbwtdio none",
  };

  // Our own epmd in the foreground, so that we hold its pid (the broker would daemonize one).
  const epmd = spawnTracked("epmd", ["-port", String(epmdPort)], {
    cwd: dir,
    env,
    stdio: "ignore",
  });
  let broker = null;
  // Best effort: a Node process that exits leaves no broker behind.
  const onProcessExit = () => {
    if (broker?.child.pid !== undefined && !broker.exitInfo()) killPid(broker.child.pid, "SIGKILL");
    if (epmd.child.pid !== undefined && !epmd.exitInfo()) killPid(epmd.child.pid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", onProcessExit);

  const stopAll = async () => {
    if (broker) await stopTracked(broker, "rabbitmq", log);
    await stopTracked(epmd, "epmd", log);
    process.off("exit", onProcessExit);
  };

  const launch = async () => {
    const since = performance.now();
    const out = fs.openSync(path.join(dir, "startup.log"), "a");
    broker = spawnTracked(binary, [], { cwd: dir, env, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    for (;;) {
      const info = broker.exitInfo();
      if (info) {
        throw new Error(
          info.error
            ? `could not run ${binary}: ${info.error.message} (install it: apt-get install rabbitmq-server)`
            : `exited early (${info.signal ?? `exit code ${info.code}`})`,
        );
      }
      if (await amqpAnswers(amqpPort)) break;
      if (performance.now() - since > READY_TIMEOUT_MS) {
        throw new Error(`did not take AMQP connections within ${READY_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return since;
  };

  try {
    await launch();
  } catch (err) {
    const tail = await logTail(dir);
    await stopAll();
    await fsp.rm(dir, { recursive: true, force: true });
    throw new Error(`rabbitmq-server ${nodeName} on ${url} ${err.message}\n${tail}`);
  }
  log(
    `rabbitmq-server ready on ${url} in ${seconds(started)} (node ${nodeName}, pid ${broker.child.pid}, dir ${dir})`,
  );

  let stopping = null;
  let restarting = null;
  const handle = {
    url,
    port: amqpPort,
    nodeName,
    dataDir: dir,
    get pid() {
      return broker.child.pid;
    },
    get exited() {
      return broker.exited;
    },
    /** Stops the broker only (epmd and the data stay). */
    async halt() {
      await stopTracked(broker, "rabbitmq", log);
    },
    /** Starts the broker again after halt(), on the same ports and data. */
    async resume() {
      if (!broker.exitInfo()) return;
      const since = await launch().catch(async (err) => {
        throw new Error(
          `rabbitmq-server ${nodeName} did not start again: ${err.message}\n${await logTail(dir)}`,
        );
      });
      log(
        `rabbitmq-server ${nodeName} started again in ${seconds(since)} (pid ${broker.child.pid})`,
      );
    },
    restart() {
      restarting ??= (async () => {
        await handle.halt();
        await handle.resume();
      })().finally(() => {
        restarting = null;
      });
      return restarting;
    },
    stop() {
      stopping ??= (async () => {
        await restarting?.catch(() => {});
        await stopAll();
        await fsp.rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return handle;
}

runIfMain(import.meta.url, "amqp", (argv) =>
  serverCli(argv, {
    start: startAmqpServer,
    envVar: "AMQP_URL",
    usage: "start | run -- <command...>",
    endWithServer: false,
  }),
);
