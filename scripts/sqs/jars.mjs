// The ElasticMQ jars: version from pom.xml, fetched once with Maven into a cache outside git.
// Plain Node ESM with node built-ins only: it runs before any package is built.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runCommand, seconds } from "../kafka/jars.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, "pom.xml");
const POM_TEXT = fs.readFileSync(POM, "utf8");
const POM_DIGEST = createHash("sha256").update(POM_TEXT).digest("hex");
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const MARKER = ".romeways-elasticmq-complete";

export const ELASTICMQ_VERSION = (() => {
  const match = /<elasticmq\.version>\s*([^<\s]+)\s*<\/elasticmq\.version>/.exec(POM_TEXT);
  if (!match) throw new Error(`no <elasticmq.version> in ${POM}`);
  return match[1];
})();

export const defaultLog = (line) => process.stderr.write(`[sqs] ${line}\n`);

async function isComplete(libs) {
  try {
    return (await fsp.readFile(path.join(libs, MARKER), "utf8")).trim() === POM_DIGEST;
  } catch {
    return false;
  }
}

/**
 * Makes sure the ElasticMQ jars are in the cache and returns their folder:
 * `${ROMEWAYS_ELASTICMQ_CACHE ?? ~/.cache/romeways/elasticmq-<version>}/libs`. Fetched into a
 * temporary folder and renamed into place, so concurrent callers never see half of it.
 */
export async function ensureElasticMqJars(options = {}) {
  const log = options.log ?? defaultLog;
  const root =
    process.env.ROMEWAYS_ELASTICMQ_CACHE ||
    path.join(os.homedir(), ".cache", "romeways", `elasticmq-${ELASTICMQ_VERSION}`);
  const libs = path.join(root, "libs");
  if (await isComplete(libs)) return libs;
  const started = performance.now();
  log(`fetching ElasticMQ ${ELASTICMQ_VERSION} jars with Maven into ${libs}`);
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
    const server = `elasticmq-server_2.13-${ELASTICMQ_VERSION}.jar`;
    if (!(await fsp.readdir(tmp)).includes(server)) {
      throw new Error(`Maven did not copy ${server} into ${tmp}`);
    }
    await fsp.writeFile(path.join(tmp, MARKER), `${POM_DIGEST}\n`);
    try {
      await fsp.rename(tmp, libs);
    } catch (err) {
      // A concurrent caller finished first.
      if (!(await isComplete(libs))) throw err;
    }
    log(`ElasticMQ jars fetched in ${seconds(started)}`);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return libs;
}
