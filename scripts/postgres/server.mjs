#!/usr/bin/env node
// Starts and stops a throwaway PostgreSQL server for the romeways tests and benchmarks, without
// Docker: initdb into a temp dir, postgres on a free loopback port with a socket dir of its own.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/postgres/server.mjs check              say where the binaries are, or fail saying why
//   node scripts/postgres/server.mjs start              start a server, stay until SIGINT/SIGTERM
//   node scripts/postgres/server.mjs run -- <cmd...>    start, run cmd with DATABASE_URL, stop
//
// The binaries come from POSTGRES_BIN, else the newest /usr/lib/postgresql/<version>/bin
// (Debian's postgresql packages), else PATH. initdb and postgres refuse to run as root: as root
// they run as the `postgres` user (or `nobody`) through setpriv, on a temp dir chowned to it.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
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

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

const defaultLog = (line) => process.stderr.write(`[postgres] ${line}\n`);

/** The folder holding initdb and postgres; throws a message saying what to install. */
export function postgresBinDir() {
  const given = process.env.POSTGRES_BIN;
  const candidates = given ? [given] : [];
  if (!given) {
    const debian = "/usr/lib/postgresql";
    const versions = fs.existsSync(debian)
      ? fs
          .readdirSync(debian)
          .filter((name) => /^\d+$/.test(name))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    candidates.push(...versions.map((version) => path.join(debian, version, "bin")));
    candidates.push(...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean));
  }
  const found = candidates.find(
    (dir) => fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "postgres")),
  );
  if (found === undefined) {
    throw new Error(
      `no PostgreSQL server binaries (initdb, postgres) in ${given ? `POSTGRES_BIN=${given}` : "/usr/lib/postgresql/*/bin or PATH"}: ` +
        "install them (Debian/Ubuntu: apt-get install postgresql-15), set POSTGRES_BIN, or point DATABASE_URL at a running server",
    );
  }
  return found;
}

/** How to run a server binary: directly, or as an unprivileged user when this process is root. */
function serverUser() {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (uid.status === 0 && gid.status === 0) {
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  throw new Error("running as root, and neither a postgres nor a nobody user exists to run initdb");
}

/** The argv that runs `binary args` as `user` (setpriv execs, so the pid is the server's own). */
function asUser(user, binary, args) {
  if (user === undefined) return [binary, args];
  return [
    "setpriv",
    [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", binary, ...args],
  ];
}

function run(argv, options) {
  const [command, args] = argv;
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(args.at(-1) ?? command)} failed:\n${result.stdout}${result.stderr}`,
    );
  }
}

/** postmaster.pid's 8th line says "ready" once the server accepts connections (PostgreSQL 10+). */
function postmasterReady(dataDir) {
  try {
    const lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    return lines[7]?.trim() === "ready";
  } catch {
    return false;
  }
}

/**
 * Starts a fresh server and resolves once it accepts connections: `{ url, port, pid, dir,
 * exited, stop }`. `url` connects as the superuser `postgres` (trust auth, loopback only) to
 * the database `postgres`. `stop()` shuts it down by its pid (SIGINT: fast shutdown, SIGKILL
 * after 30 s) and removes its temp dir.
 */
export async function startPostgresServer(options = {}) {
  const log = options.log ?? defaultLog;
  const started = performance.now();
  const bin = postgresBinDir();
  const user = serverUser();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "romeways-postgres-"));
  const dataDir = path.join(dir, "data");
  const socketDir = path.join(dir, "socket");
  const logFile = path.join(dir, "server.log");
  await fsp.mkdir(socketDir);
  if (user !== undefined) {
    for (const entry of [dir, socketDir]) await fsp.chown(entry, user.uid, user.gid);
  }
  try {
    run(
      asUser(user, path.join(bin, "initdb"), [
        "--username=postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
        "-D",
        dataDir,
      ]),
      { cwd: dir },
    );
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw new Error(`initdb into ${dataDir} failed: ${err.message}`);
  }

  const port = await freePort();
  const out = fs.openSync(logFile, "a");
  const [command, args] = asUser(user, path.join(bin, "postgres"), [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-k",
    socketDir,
    "-c",
    "listen_addresses=127.0.0.1",
    // A throwaway server: durability across an OS crash buys nothing and costs the tests time.
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=300",
    "-c",
    "shared_buffers=64MB",
  ]);
  const { child, exited, exitInfo } = spawnTracked(command, args, {
    cwd: dir,
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  const pid = child.pid;
  // Best effort: a Node process that exits without stop() leaves no server behind.
  const onProcessExit = () => {
    if (exitInfo() || pid === undefined) return;
    killPid(pid, "SIGQUIT");
  };
  process.on("exit", onProcessExit);

  const fail = async (reason) => {
    onProcessExit();
    process.off("exit", onProcessExit);
    const tail = (await logTail(logFile, 40)) || "(empty)";
    await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    return new Error(`postgres on 127.0.0.1:${port} ${reason}\n--- tail of its log ---\n${tail}`);
  };
  while (!postmasterReady(dataDir)) {
    const info = exitInfo();
    if (info) {
      throw await fail(
        info.error
          ? `could not start: ${info.error.message}`
          : `exited early (${info.signal ?? info.code})`,
      );
    }
    if (performance.now() - started > READY_TIMEOUT_MS) {
      throw await fail(`was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  log(
    `ready on ${url} in ${seconds(started)} (pid ${pid}${user ? `, user ${user.name}` : ""}, dir ${dir})`,
  );

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      const stopStarted = performance.now();
      if (!exitInfo()) {
        killPid(pid, "SIGINT");
        const timer = setTimeout(() => {
          log(`pid ${pid} ignored SIGINT for ${STOP_TIMEOUT_MS / 1000} s, sending SIGKILL`);
          killPid(pid, "SIGKILL");
        }, STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off("exit", onProcessExit);
      await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
      log(`stopped in ${seconds(stopStarted)}`);
    })();
    return stopping;
  };
  return { url, port, pid, dir, exited, stop };
}

/** What CI runs first: a clear message now beats a failed global setup later. */
function check() {
  const given = process.env.DATABASE_URL;
  process.stdout.write(
    given
      ? "[postgres] tests use DATABASE_URL\n"
      : `[postgres] server binaries in ${postgresBinDir()}\n`,
  );
  return 0;
}

runIfMain(import.meta.url, "postgres", (argv) =>
  serverCli(argv, {
    start: startPostgresServer,
    envVar: "DATABASE_URL",
    commands: { check },
    usage: "check | start | run -- <command...>",
    printPid: false,
    endWithServer: false,
    noCommandError: "run needs a command after --",
  }),
);
