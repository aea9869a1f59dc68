#!/usr/bin/env node
// Packs the publishable packages, installs the tarballs into a plain npm project in a temp
// folder, and runs a consumer there from ESM and from CJS: what a user's install would do.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = (process.argv[2] ?? "core,connector-memory").split(",");
const work = mkdtempSync(join(tmpdir(), "romeways-packed-"));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"] }).toString();

try {
  for (const name of packages)
    run("pnpm", ["pack", "--pack-destination", work], join(root, "packages", name));
  const tarballs = readdirSync(work).filter((f) => f.endsWith(".tgz"));
  writeFileSync(
    join(work, "package.json"),
    JSON.stringify({ name: "packed-smoke", private: true }),
  );
  run("npm", ["install", "--no-audit", "--no-fund", ...tarballs.map((t) => `./${t}`)], work);

  const consumer = (load) => `
${load}
const app = createRomeways({ handleSignals: false, logger: { debug() {}, info() {}, warn() {}, error() {} } });
const queue = new MemoryQueue();
app.queueConsumer("q", { connectorName: "m", queue }, (m) => {
  if (m.rwResendTimes === 0) throw new ResendError("once more");
  console.log(JSON.stringify({ payload: m.payload, times: m.rwResendTimes }));
  void app.stop();
});
try { app.connectorRegister({ connector: "nope", config: { connectorName: "x" } }); }
catch (e) { if (!ConfigError.isInstance(e)) throw e; }
app.connectorRegister({ connector: "memory", config: { connectorName: "m" } });
app.start().then(() => queue.put("hi"));
`;
  writeFileSync(
    join(work, "esm.mjs"),
    consumer(`import { createRomeways, ResendError, ConfigError } from "@romeways/core";
import { MemoryQueue } from "@romeways/connector-memory";`),
  );
  writeFileSync(
    join(work, "cjs.cjs"),
    consumer(`const { createRomeways, ResendError, ConfigError } = require("@romeways/core");
const { MemoryQueue } = require("@romeways/connector-memory");`),
  );
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const output = run(process.execPath, [file], work).trim();
    if (output !== '{"payload":"hi","times":1}') throw new Error(`${file} printed ${output}`);
    console.log(`packed packages run from ${file}: ${output}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
