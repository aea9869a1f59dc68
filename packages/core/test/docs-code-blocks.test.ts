// Every TypeScript block of the READMEs and docs type-checks against the packages, and every
// block that can run without a broker runs: the docs cannot drift from the code unnoticed.
// How a block is checked is said by a comment before it (see docs/markdown-blocks.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { type BlockFile, writeBlockFiles } from "./docs/block-files.js";
import { runBlockFile, typeCheck } from "./docs/check-blocks.js";
import { readCodeBlocks } from "./docs/markdown-blocks.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const markdownFiles = [
  "README.md",
  ...readdirSync(join(root, "packages"))
    .map((name) => join("packages", name, "README.md"))
    .filter((file) => existsSync(join(root, file))),
  ...readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".md"))
    .map((name) => join("docs", name)),
];
/** A run's limit: a block's program starts (tsx), handles a message or two, and stops. */
const runDeadlineMs = 20_000;

const blocks = markdownFiles.flatMap((file) => readCodeBlocks(join(root, file), root));
// Inside the repository, so that its tsconfig and node_modules apply; .compiled is ignored by git.
const compiled = join(root, "packages/core/test/.compiled");
mkdirSync(compiled, { recursive: true });
const folder = mkdtempSync(join(compiled, "docs-"));
let files: BlockFile[] = [];
let errors = new Map<BlockFile, string[]>();
try {
  files = writeBlockFiles(blocks, root, folder);
  const started = performance.now();
  errors = typeCheck(files, root);
  console.log(
    `type-checked ${files.length} code blocks of ${markdownFiles.length} markdown files in ${Math.round(performance.now() - started)} ms`,
  );
} catch (error) {
  rmSync(folder, { recursive: true, force: true });
  throw error;
}
afterAll(() => rmSync(folder, { recursive: true, force: true }));

test("the docs have TypeScript blocks, and few are skipped, each with a reason", () => {
  const skipped = blocks.filter((block) => block.mode === "skip");
  console.log(
    `${blocks.length} blocks: ${files.filter((f) => f.block.mode === "run").length} type-checked and run, ` +
      `${files.filter((f) => f.block.mode === "types-only").length} type-checked only, ${skipped.length} skipped: ` +
      skipped.map((b) => `${b.file}:${b.line} (${b.reason})`).join(", "),
  );
  expect(blocks.length).toBeGreaterThan(10);
  expect(skipped.length).toBeLessThanOrEqual(2);
  for (const block of blocks) if (block.mode !== "run") expect(block.reason).toBeTruthy();
});

describe.each(files.map((file) => [`${file.block.file}:${file.block.line}`, file] as const))(
  "the block at %s",
  (_, file) => {
    test("type-checks", () => {
      expect(errors.get(file)).toEqual([]);
    });

    if (file.block.mode === "run") {
      const { until } = file.block;
      const does =
        until === undefined ? "runs and exits 0" : `runs, prints "${until}", and stops on SIGTERM`;
      test(
        does,
        async () => {
          const result = await runBlockFile(file, root, runDeadlineMs, until);
          const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
          expect(result.timedOut, `still running after ${runDeadlineMs} ms\n${output}`).toBe(false);
          if (until !== undefined) expect(result.printed, output).toBe(true);
          // After a graceful stop, romeways ends the process by the signal it got, as Node would.
          const ended = result.code === 0 || (until !== undefined && result.signal === "SIGTERM");
          expect(ended, `exit code ${result.code}, signal ${result.signal}\n${output}`).toBe(true);
          // A warning or an error in a doc's program is a mistake in the doc.
          expect(result.stderr).toBe("");
        },
        runDeadlineMs + 5_000,
      );
    }
  },
);
