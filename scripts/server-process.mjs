// The process plumbing the test-server scripts (scripts/<broker>/server.mjs) share: a free
// loopback port, a spawned server whose exit is tracked, signals by pid, the tail of a log file,
// and the command line every one of them offers
//
//   node scripts/<broker>/server.mjs start              start, print <VAR>=<url> (and the pid),
//                                                       stay until SIGINT/SIGTERM
//   node scripts/<broker>/server.mjs run -- <cmd...>    start, run cmd with <VAR> set, stop, exit
//                                                       with cmd's exit code
//
// How each broker starts, answers and stops stays in its own script.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

/** "1.2 s" since a performance.now() reading. */
export const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A loopback port that was free a moment ago (the server binds it a little later). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a server process, unref'd (the caller's handle decides when to stop it), and tracks its
 * exit: `exitInfo()` is null while it runs, then `{ code, signal }`, or `{ error }` when it could
 * not be spawned at all; `exited` settles with the same.
 */
export function spawnTracked(binary, args, options) {
  const child = spawn(binary, args, options);
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    const settle = (info) => {
      exitInfo ??= info;
      resolve(exitInfo);
    };
    child.once("exit", (code, signal) => settle({ code, signal }));
    child.once("error", (error) => settle({ code: null, signal: null, error }));
  });
  child.unref();
  return { child, exited, exitInfo: () => exitInfo };
}

/** Sends a signal to a pid, ignoring a process that is already gone. */
export function killPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {}
}

/** The last `lines` lines of a file; rejects if it cannot be read. */
export async function readTail(file, lines) {
  return (await fsp.readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
}

/** The last `lines` lines of a log file, or a line saying why it cannot be read (for errors). */
export async function logTail(file, lines = 30) {
  try {
    return await readTail(file, lines);
  } catch (err) {
    return `(cannot read ${file}: ${err.message})`;
  }
}

/**
 * Runs `main(argv)` (the arguments after the script's path) when `importMetaUrl` is the script
 * node was started with, not when it is imported; exits with main's code, or with 1 after
 * writing "[<name>] <message>" to stderr if it throws.
 */
export function runIfMain(importMetaUrl, name, main) {
  if (!isMain(importMetaUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[${name}] ${err.message}\n`);
      process.exit(1);
    },
  );
}

function isMain(importMetaUrl) {
  if (!process.argv[1]) return false;
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(importMetaUrl));
  } catch {
    return false;
  }
}

/**
 * The `start` / `run -- <cmd...>` command line; resolves to the exit code.
 *
 * - `start()`: starts the server; its handle has `pid`, `exited` and `stop()`.
 * - `envVar`, `value(server)`: the variable `start` prints and `run` sets (default server.url).
 * - `commands`: further commands (e.g. check, fetch), each resolving to an exit code.
 * - `usage`: the commands, for the usage line.
 * - `printPid`: `start` also prints "pid <pid>" (default true).
 * - `endWithServer`: `start` also returns once the server exits by itself (default true).
 * - `noCommandError`: `run` without a command throws this message instead of printing usage
 *   and exiting 2.
 */
export async function serverCli(argv, cli) {
  const { start, envVar, value = (server) => server.url, commands = {}, usage } = cli;
  const { printPid = true, endWithServer = true, noCommandError } = cli;
  const [command, ...rest] = argv;
  if (Object.hasOwn(commands, command)) return commands[command]();
  if (command !== "start" && command !== "run") {
    process.stderr.write(`usage: server.mjs ${usage}\n`);
    return 2;
  }
  const server = await start();
  if (command === "start") {
    process.stdout.write(`${envVar}=${value(server)}\n${printPid ? `pid ${server.pid}\n` : ""}`);
    // The server's process is unref'd and signal listeners hold no handle: without this timer
    // node would find nothing left to wait for, exit at once and take the server down with it.
    const keepAlive = setInterval(() => {}, 1 << 30);
    await new Promise((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
      if (endWithServer) void server.exited.then(resolve);
    });
    clearInterval(keepAlive);
    await server.stop();
    return 0;
  }
  const [program, ...args] = rest[0] === "--" ? rest.slice(1) : rest;
  if (program === undefined) {
    await server.stop();
    if (noCommandError !== undefined) throw new Error(noCommandError);
    process.stderr.write("usage: server.mjs run -- <command...>\n");
    return 2;
  }
  const child = spawn(program, args, {
    stdio: "inherit",
    env: { ...process.env, [envVar]: value(server) },
  });
  const [code, signal] = await new Promise((resolve) =>
    child.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  await server.stop();
  // `exit` gives a code or a signal: a child ended by a signal fails the run.
  return code ?? (signal ? 1 : 0);
}
