// Core and a connector as they were at an earlier commit, next to the working tree's own, so a
// row can say "this change costs x %" in one run. Both sides are bundled from source by the
// same esbuild call with the same settings: the only difference between them is the source.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The last commit before the scheduler (issue 12: delays, keys, deadlines, the outcome path)
 * whose core builds (the next ones carry its first hunks); the Python codec is in it.
 * ROMEWAYS_BASELINE_REF compares with another commit.
 */
export const baselineRef =
  process.env.ROMEWAYS_BASELINE_REF ?? "128b901aa35496f742f3a9f9035456b6f2e5351e";

/** Where the workspace packages' own dependencies (eventemitter3, kafkajs) are installed. */
const dependencyDirs = ["core", "connector-memory", "connector-kafka"].map((pkg) =>
  path.join(repoRoot, "packages", pkg, "node_modules"),
);

/** `@romeways/<pkg>` resolves to that package's source under `root`. */
function workspaceSources(root: string): Plugin {
  return {
    name: "workspace-sources",
    setup(b) {
      b.onResolve({ filter: /^@romeways\/[a-z-]+$/ }, (args) => ({
        path: path.join(root, "packages", args.path.slice("@romeways/".length), "src/index.ts"),
      }));
    },
  };
}

/** The packages' sources at `ref`, extracted to a temp dir; undefined if git cannot give them. */
function sourcesAt(ref: string, packages: readonly string[]): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), "romeways-baseline-"));
  try {
    const archive = execFileSync(
      "git",
      ["archive", ref, ...packages.map((pkg) => `packages/${pkg}/src`)],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
    );
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** One ESM file exporting everything the packages export, bundled from `root`'s sources. */
async function bundle(root: string, packages: readonly string[], outDir: string, name: string) {
  const entry = path.join(outDir, `${name}-entry.ts`);
  writeFileSync(entry, packages.map((pkg) => `export * from "@romeways/${pkg}";\n`).join(""));
  const outfile = path.join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    nodePaths: dependencyDirs,
    plugins: [workspaceSources(root)],
    // kafkajs is CommonJS and requires Node's built-ins: give the ESM bundle a `require`.
    banner: {
      js: 'import { createRequire as romewaysRequire } from "node:module"; const require = romewaysRequire(import.meta.url);',
    },
    logLevel: "silent",
  });
  return outfile;
}

export interface BaselineBundles {
  /** The working tree's code, one ESM file. */
  currentFile: string;
  /** The code at `baselineRef`, one ESM file. */
  baselineFile: string;
  dispose(): void;
}

/**
 * Bundles `packages` twice, from the working tree and from `baselineRef`, into `outDir` (a new
 * temp dir by default). Undefined when the commit is not in this clone (a shallow checkout).
 * Kept apart from loading so that a profile (`node --cpu-prof`) can run either file alone.
 */
export async function bundleBaselinePair(
  packages: readonly string[],
  outDir = mkdtempSync(path.join(tmpdir(), "romeways-bundles-")),
): Promise<BaselineBundles | undefined> {
  const oldRoot = sourcesAt(baselineRef, packages);
  if (oldRoot === undefined) return undefined;
  const [currentFile, baselineFile] = await Promise.all([
    bundle(repoRoot, packages, outDir, "current"),
    bundle(oldRoot, packages, outDir, "baseline"),
  ]);
  return {
    currentFile,
    baselineFile,
    dispose() {
      rmSync(oldRoot, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export interface BaselinePair<T> {
  current: T;
  baseline: T;
  dispose(): void;
}

/** The two bundles of `bundleBaselinePair`, imported. */
export async function loadBaselinePair<T>(
  packages: readonly string[],
): Promise<BaselinePair<T> | undefined> {
  const bundles = await bundleBaselinePair(packages);
  if (bundles === undefined) return undefined;
  const current = (await import(pathToFileURL(bundles.currentFile).href)) as T;
  const baseline = (await import(pathToFileURL(bundles.baselineFile).href)) as T;
  return { current, baseline, dispose: () => bundles.dispose() };
}
