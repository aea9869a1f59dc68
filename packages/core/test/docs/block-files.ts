// Code blocks as TypeScript files in the repository, where `@romeways/*` resolve as in its sources.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CodeBlock } from "./markdown-blocks.js";

/** A block written to a file, with what maps the file's lines back to the markdown. */
export interface BlockFile {
  readonly block: CodeBlock;
  readonly path: string;
  /** Which markdown line each line of the file comes from (a prelude: its comment's line). */
  readonly origins: readonly string[];
}

/**
 * Writes each block (after its prelude, and after the previous block with `with-previous`)
 * into `folder`, or into the repository folder the block names; `export {}` at the end makes
 * every file a module, so blocks never share names.
 */
export function writeBlockFiles(blocks: CodeBlock[], root: string, folder: string): BlockFile[] {
  const written: BlockFile[] = [];
  const sources = new Map<CodeBlock, { text: string[]; origins: string[] }>();
  blocks.forEach((block, index) => {
    const text: string[] = [];
    const origins: string[] = [];
    const previous = blocks[index - 1];
    if (block.withPrevious) {
      const earlier = previous?.file === block.file ? sources.get(previous) : undefined;
      if (earlier === undefined) {
        throw new Error(`${block.file}:${block.line}: with-previous, but no block before it`);
      }
      text.push(...earlier.text);
      origins.push(...earlier.origins);
    }
    if (block.prelude.length > 0) {
      for (const line of block.prelude.split("\n")) {
        text.push(line);
        origins.push(`${block.file}:${block.line - 1} (prelude)`);
      }
    }
    block.code.split("\n").forEach((line, offset) => {
      text.push(line);
      origins.push(`${block.file}:${block.line + offset}`);
    });
    sources.set(block, { text, origins });
    if (block.mode === "skip") return;
    // One folder per markdown file: a block may import one that names its file (`./payments-app.js`).
    const markdown = block.file
      .replace(/\.md$/, "")
      .replace(/[^\w]+/g, "-")
      .toLowerCase();
    // In a folder of the repository, a dot file: the repository's tsc and globs pass it by.
    const path =
      block.folder === undefined
        ? join(folder, markdown, block.fileName ?? `block-${block.line}.ts`)
        : join(root, block.folder, `.readme-block-${markdown}-${block.line}.ts`);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, `${text.join("\n")}\nexport {};\n`);
    written.push({ block, path, origins });
  });
  return written;
}

/** Removes what `writeBlockFiles` wrote. */
export function removeBlockFiles(files: readonly BlockFile[], folder: string): void {
  for (const file of files) if (file.block.folder !== undefined) rmSync(file.path, { force: true });
  rmSync(folder, { recursive: true, force: true });
}
