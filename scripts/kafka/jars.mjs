// The Kafka jars: version from pom.xml, fetched once with Maven into a cache outside git.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, "pom.xml");
export const LOG4J_CONFIG = path.join(HERE, "log4j2.properties");
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const MARKER = ".romeways-kafka-complete";

const POM_TEXT = fs.readFileSync(POM, "utf8");

/** Kafka version named in pom.xml (`<kafka.version>`). */
export const KAFKA_VERSION = (() => {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(POM_TEXT);
  if (!match) throw new Error(`no <kafka.version> in ${POM}`);
  return match[1];
})();

export const defaultLog = (line) => process.stderr.write(`[kafka] ${line}\n`);

export const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

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
export function runCommand(command, args, options = {}) {
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
