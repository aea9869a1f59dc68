// The command line of broker.mjs: fetch, start, run -- <cmd...>.
import { spawn } from "node:child_process";
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { startKafkaBroker } from "./broker.mjs";
import { ensureKafkaJars, seconds } from "./jars.mjs";

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

export async function main(argv) {
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
