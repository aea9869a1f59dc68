// The TypeScript code blocks of the docs, with what the comment before each says about it.
import { readFileSync } from "node:fs";
import { relative } from "node:path";

/**
 * How a block is checked, from `<!-- compile: ... -->` comments right before its fence.
 * Directives on the comment's first line, separated by ";":
 * - (none): type-check the block, then run it; it must exit 0 on its own;
 * - `run until "text"`: run it until it prints `text`, then send SIGTERM; it must then stop;
 * - `types-only (reason)`: type-check it, do not run it (a test file, a broker needed);
 * - `skip (reason)`: neither (a fragment that cannot stand alone);
 * - `with-previous`: the previous block of the same file comes first (a continuation);
 * - `in <folder>`: its relative imports are from that folder of the repository, so they reach
 *   the code there (an example the text walks through);
 * - `module <name> = <file>`: resolve the package `<name>` to that file of the repository;
 * - `with prelude`: nothing but the prelude below (checks a listing against the real types).
 * The comment's further lines, up to `-->`, are a prelude: code put before the block, for the
 * names a fragment takes from its surroundings (`declare const h: TestHarness;`).
 */
export interface CodeBlock {
  /** The markdown file, relative to the repository. */
  readonly file: string;
  /** Line of the block's first code line in the markdown file, 1-based. */
  readonly line: number;
  readonly code: string;
  readonly prelude: string;
  readonly mode: "run" | "types-only" | "skip";
  /** Why a block is not run (types-only) or not compiled (skip). */
  readonly reason: string | undefined;
  /** With `run until`: what the program prints once it did what the block shows. */
  readonly until: string | undefined;
  readonly withPrevious: boolean;
  /** The folder of the repository its relative imports are from, relative to the repository. */
  readonly folder: string | undefined;
  /** Package names resolved to files of the repository (relative paths). */
  readonly modules: ReadonlyMap<string, string>;
  /** The file name a block gives itself in a first-line comment (`// payments-app.ts`). */
  readonly fileName: string | undefined;
}

const fence = /^```(\w*)\s*$/;
const directiveComment = /^<!--\s*compile:\s*(.*?)\s*(-->)?\s*$/;

/** Every ```ts block of a markdown file, in order. */
export function readCodeBlocks(path: string, root: string): CodeBlock[] {
  const file = relative(root, path);
  const lines = readFileSync(path, "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i] ?? "");
    if (open === null) continue;
    const end = lines.findIndex((text, j) => j > i && text.trimEnd() === "```");
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block that never closes`);
    if (open[1] === "ts" || open[1] === "typescript") {
      const code = lines.slice(i + 1, end).join("\n");
      blocks.push(toBlock(file, i + 2, code, directivesBefore(lines, i, file)));
    }
    i = end;
  }
  return blocks;
}

interface Directives {
  lines: string[];
  prelude: string[];
  at: number;
}

/** The `compile:` comments directly above the fence at `fenceIndex` (one or more, stacked). */
function directivesBefore(lines: string[], fenceIndex: number, file: string): Directives {
  const found: Directives = { lines: [], prelude: [], at: fenceIndex };
  let last = fenceIndex - 1;
  while (last >= 0 && (lines[last] ?? "").trimEnd().endsWith("-->")) {
    let first = last;
    while (first >= 0 && !(lines[first] ?? "").trimStart().startsWith("<!--")) first--;
    const head = directiveComment.exec(lines[first] ?? "");
    if (head === null) break;
    found.lines.unshift(head[1] ?? "");
    if (first < last) found.prelude.unshift(...lines.slice(first + 1, last));
    found.at = first;
    last = first - 1;
  }
  if (found.lines.some((line) => line.length === 0)) {
    throw new Error(`${file}:${found.at + 1}: an empty compile: comment`);
  }
  return found;
}

/** Directives are separated by ";", but not inside a reason's parentheses. */
function splitDirectives(line: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of line) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === ";" && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  return [...parts, current.trim()].filter((part) => part.length > 0);
}

function toBlock(file: string, line: number, code: string, directives: Directives): CodeBlock {
  const where = `${file}:${directives.at + 1}`;
  let mode: CodeBlock["mode"] = "run";
  let reason: string | undefined;
  let until: string | undefined;
  let withPrevious = false;
  let folder: string | undefined;
  const modules = new Map<string, string>();
  const forms: [RegExp, (match: string[]) => void][] = [
    [
      /^(types-only|skip) \((.+)\)$/,
      ([, kind, why]) => {
        mode = kind as CodeBlock["mode"];
        reason = why;
      },
    ],
    [/^run until "(.+)"$/, ([, text]) => (until = text)],
    [/^with-previous$/, () => (withPrevious = true)],
    [/^with prelude$/, () => {}],
    [/^in (\S+)$/, ([, path]) => (folder = path)],
    [/^module (\S+) = (\S+)$/, ([, name, path]) => modules.set(name as string, path as string)],
  ];
  for (const directive of directives.lines.flatMap(splitDirectives)) {
    const form = forms.find(([pattern]) => pattern.test(directive));
    // A typo must not turn a check off silently; a skip without a reason is not allowed.
    if (form === undefined) throw new Error(`${where}: unknown compile: directive "${directive}"`);
    form[1](form[0].exec(directive) as string[]);
  }
  if (until !== undefined && mode !== "run") {
    throw new Error(`${where}: "run until" on a block that is not run`);
  }
  const fileName = /^\/\/ ([\w.-]+\.ts)\s*$/.exec(code.split("\n")[0] ?? "")?.[1];
  const prelude = directives.prelude.join("\n");
  return {
    file,
    line,
    code,
    prelude,
    mode,
    reason,
    until,
    withPrevious,
    folder,
    modules,
    fileName,
  };
}
