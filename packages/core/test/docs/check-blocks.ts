// Type-checks block files as the repository's tsconfig does, and runs them as a user would.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import type { BlockFile } from "./block-files.js";

/**
 * Type-checks every file in one program with the options of the repository's tsconfig.json
 * (its `paths` send `@romeways/*` to the packages' sources). Returns each file's errors,
 * placed at their markdown lines.
 */
export function typeCheck(files: readonly BlockFile[], root: string): Map<BlockFile, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (config === undefined) throw new Error("tsconfig.json could not be read");
  const paths = { ...workspacePackages(root), ...config.options.paths };
  for (const { block } of files) {
    for (const [name, file] of block.modules) paths[name] = [resolve(root, file)];
  }
  const program = ts.createProgram({
    rootNames: files.map((file) => file.path),
    // Docs import connector packages for their side effect (`import "@romeways/connector-kafka"`):
    // a misspelt one must fail too.
    options: { ...config.options, paths, noEmit: true, noUncheckedSideEffectImports: true },
  });
  const errors = new Map<BlockFile, string[]>();
  for (const file of files) {
    const source = program.getSourceFile(file.path);
    if (source === undefined) throw new Error(`${file.path} is not in the program`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    errors.set(
      file,
      diagnostics.map((diagnostic) => {
        const start = diagnostic.start ?? 0;
        const { line } = source.getLineAndCharacterOfPosition(start);
        const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
        return `${file.origins[line] ?? file.block.file}: TS${diagnostic.code} ${text}`;
      }),
    );
  }
  return errors;
}

/** Every package of packages/ by its name, to its sources: a new one resolves before tsconfig names it. */
function workspacePackages(root: string): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const folder of readdirSync(join(root, "packages"))) {
    const manifest = join(root, "packages", folder, "package.json");
    const entry = join(root, "packages", folder, "src/index.ts");
    if (!existsSync(manifest) || !existsSync(entry)) continue;
    const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name: string };
    paths[name] = [entry];
  }
  return paths;
}

export interface RunResult {
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The program was still running at the deadline and was killed. */
  timedOut: boolean;
  /** With `until`: the program printed it, and was sent SIGTERM then. */
  printed: boolean;
}

/**
 * Runs a block file with Node and tsx from the repository's root, whose tsconfig paths tsx
 * follows. With `until`, sends SIGTERM once stdout shows it: the block's app stops as on a
 * deployment's stop. Kills the process at the deadline.
 */
export function runBlockFile(
  file: BlockFile,
  root: string,
  deadlineMs: number,
  until?: string,
): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", file.path], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let printed = false;
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (until !== undefined && !printed && stdout.includes(until)) {
        printed = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, deadlineMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut, printed });
    });
  });
}
