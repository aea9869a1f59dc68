// Code blocks as TypeScript files in the repository, where `@romeways/*` resolve as in its sources.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
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
 * into `folder`; `export {}` at the end makes every file a module, so blocks never share
 * names. The relative imports of a block that names a repository folder (`in <folder>`) are
 * pointed at that folder, so the block uses the code it walks through.
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
    const base = block.folder === undefined ? undefined : join(root, block.folder);
    block.code.split("\n").forEach((line, offset) => {
      text.push(base === undefined ? line : pointImportsAt(line, base));
      origins.push(`${block.file}:${block.line + offset}`);
    });
    sources.set(block, { text, origins });
    if (block.mode === "skip") return;
    // One folder per markdown file: a block may import one that names its file (`./payments-app.js`).
    const markdown = block.file
      .replace(/\.md$/, "")
      .replace(/[^\w]+/g, "-")
      .toLowerCase();
    const name = block.folder === undefined ? block.fileName : undefined;
    const path = join(folder, markdown, name ?? `block-${block.line}.ts`);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, `${text.join("\n")}\nexport {};\n`);
    written.push({ block, path, origins });
  });
  return written;
}

/** `from "./x.js"` and `import "../y.js"` made absolute paths in `base`. */
function pointImportsAt(line: string, base: string): string {
  return line.replace(
    /((?:from|import)\s*)"(\.\.?\/[^"]+)"/g,
    (_, keyword: string, specifier: string) => `${keyword}"${resolve(base, specifier)}"`,
  );
}
