#!/usr/bin/env node
// A virtualenv with Python romeways (requirements.txt beside this file), created once in a
// cache outside git, for the vector generator and the Python interop tests.
//
// Plain Node ESM with node built-ins only: it runs before any package is built.
//
//   node scripts/python/venv.mjs        ensure the venv, print its python path
//
// See README.md beside this file.

import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runCommand, seconds } from "../kafka/jars.mjs";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REQUIREMENTS = path.join(HERE, "requirements.txt");
const MARKER = ".romeways-venv-complete";
const MIN_PYTHON = [3, 11];

export const defaultLog = (line) => process.stderr.write(`[python] ${line}\n`);

/** The interpreter the venv is made from: ROMEWAYS_PYTHON, else python3. */
function basePython() {
  return process.env.ROMEWAYS_PYTHON || (process.platform === "win32" ? "python" : "python3");
}

function venvPython(venv) {
  return process.platform === "win32"
    ? path.join(venv, "Scripts", "python.exe")
    : path.join(venv, "bin", "python");
}

/** Version and real executable of the base interpreter; fails below MIN_PYTHON. */
async function probeBase(python) {
  const output = await runCommand(python, [
    "-c",
    "import os, sys; print('%d.%d.%d' % sys.version_info[:3]); print(os.path.realpath(sys.executable))",
  ]);
  const [version, executable] = output.trim().split("\n");
  const [major, minor] = version.split(".").map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new Error(
      `${python} is Python ${version}; romeways needs ${MIN_PYTHON.join(".")}+ (set ROMEWAYS_PYTHON to one)`,
    );
  }
  return { version, executable };
}

async function isComplete(venv, digest) {
  try {
    const marker = (await fsp.readFile(path.join(venv, MARKER), "utf8")).trim();
    return marker === digest && fs.existsSync(venvPython(venv));
  } catch {
    return false;
  }
}

/** Moves the finished `tmp` venv to `venv` in one rename: readers see all of it or nothing. */
async function installFolder(tmp, venv, digest) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await fsp.rename(tmp, venv);
      return;
    } catch (err) {
      if (!["ENOTEMPTY", "EEXIST", "EPERM", "EBUSY"].includes(err.code)) throw err;
    }
    if (await isComplete(venv, digest)) return; // a concurrent caller finished first
    const aside = `${venv}.old-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      await fsp.rename(venv, aside);
    } catch (err) {
      if (err.code !== "ENOENT") throw err;
    }
    await fsp.rm(aside, { recursive: true, force: true });
  }
  throw new Error(`could not move the virtualenv into ${venv}`);
}

async function createVenv(python, dir) {
  try {
    await runCommand(python, ["-m", "venv", dir]);
  } catch (err) {
    // Debian and Ubuntu ship venv's pip bootstrap (ensurepip) in a package of its own.
    const missing = /ensurepip|No module named venv|python3-venv/.test(err.message);
    const hint = missing
      ? "\n`python3 -m venv` is not available: install it with `apt-get install python3-venv`" +
        " (Debian/Ubuntu), or set ROMEWAYS_PYTHON to a Python 3.11+ that has venv"
      : "";
    throw new Error(`${err.message}${hint}`);
  }
}

/**
 * Makes sure the virtualenv exists with exactly requirements.txt installed and returns the
 * path of its python. Venv: `${ROMEWAYS_PYTHON_VENV ?? ~/.cache/romeways/python-venv-<digest>}`,
 * the digest over requirements.txt and the base interpreter, so a change of either rebuilds.
 * The venv is built under a temporary name and renamed into place: call its python directly
 * (the scripts in its bin/ name the temporary folder).
 */
export async function ensurePythonVenv(options = {}) {
  const log = options.log ?? defaultLog;
  const python = basePython();
  const base = await probeBase(python);
  const requirements = await fsp.readFile(REQUIREMENTS, "utf8");
  const digest = createHash("sha256")
    .update(`${requirements}\0${base.version}\0${base.executable}`)
    .digest("hex");
  const venv =
    process.env.ROMEWAYS_PYTHON_VENV ||
    path.join(os.homedir(), ".cache", "romeways", `python-venv-${digest.slice(0, 16)}`);
  if (await isComplete(venv, digest)) return venvPython(venv);

  const started = performance.now();
  log(`creating a Python ${base.version} virtualenv with ${REQUIREMENTS} in ${venv}`);
  await fsp.mkdir(path.dirname(venv), { recursive: true });
  const tmp = await fsp.mkdtemp(`${venv}.tmp-`);
  try {
    await createVenv(python, tmp);
    const tmpPython = venvPython(tmp);
    try {
      await runCommand(tmpPython, [
        "-m",
        "pip",
        "install",
        "--no-input",
        "--disable-pip-version-check",
        "-r",
        REQUIREMENTS,
      ]);
    } catch (err) {
      throw new Error(
        `${err.message}\n(pip needs PyPI, or a mirror in PIP_INDEX_URL, the first time)`,
      );
    }
    await runCommand(tmpPython, ["-m", "pip", "check"]);
    await runCommand(tmpPython, [
      "-c",
      "import aiokafka, kafka; from romeways import Message, KafkaQueueConnector",
    ]);
    await fsp.writeFile(path.join(tmp, MARKER), `${digest}\n`);
    await installFolder(tmp, venv, digest);
    log(`virtualenv ready in ${seconds(started)}`);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return venvPython(venv);
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
  ensurePythonVenv().then(
    (python) => process.stdout.write(`${python}\n`),
    (err) => {
      process.stderr.write(`[python] ${err.message}\n`);
      process.exit(1);
    },
  );
}
