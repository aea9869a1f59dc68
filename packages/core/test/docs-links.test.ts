// Links of the docs lead somewhere: package READMEs are read on npm, where only absolute links
// work, and every link into this repository names a file or folder that exists.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const repository = "https://github.com/romeways/romeways-ts";
const packageReadmes = readdirSync(join(root, "packages"))
  .map((name) => join("packages", name, "README.md"))
  .filter((file) => existsSync(join(root, file)));
const repositoryDocs = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join("docs", name)),
];

/** Markdown links `[text](target)`, outside code blocks and code spans. */
function linksOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
}

/** GitHub's anchor of each heading of a markdown file. */
function anchorsOf(file: string): Set<string> {
  const headings = readFileSync(join(root, file), "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .match(/^#+ .+$/gm);
  return new Set(
    (headings ?? []).map((heading) =>
      heading
        .replace(/^#+ /, "")
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-"),
    ),
  );
}

/** What is wrong with a link into the repository, or undefined. */
function brokenTarget(file: string, target: string): string | undefined {
  const [path = "", anchor] = target.split("#");
  const local = path.startsWith(repository)
    ? path.slice(repository.length).replace(/^\/(blob|tree)\/main\//, "")
    : join(dirname(file), path);
  if (local !== "" && !existsSync(join(root, local))) return `${target}: no ${local}`;
  const page = local === "" ? file : local;
  if (anchor !== undefined && anchor !== "readme" && page.endsWith(".md")) {
    if (!anchorsOf(page).has(anchor)) return `${target}: no heading #${anchor} in ${page}`;
  }
  return undefined;
}

test("package READMEs link with absolute URLs only, which work on npm", () => {
  const relative = packageReadmes.flatMap((file) =>
    linksOf(file)
      .filter((target) => !/^https?:\/\//.test(target))
      .map((target) => `${file}: ${target}`),
  );
  expect(relative).toEqual([]);
});

test("every link into the repository names a file, folder or heading that exists", () => {
  const broken = [...packageReadmes, ...repositoryDocs].flatMap((file) =>
    linksOf(file)
      .filter((target) => target.startsWith(repository) || !/^[a-z]+:/.test(target))
      .flatMap((target) => brokenTarget(file, target) ?? [])
      .map((problem) => `${file}: ${problem}`),
  );
  expect(broken).toEqual([]);
});

test("the connector guide is linked from core's README and from the Connector type", () => {
  const guide = `${repository}/blob/main/docs/writing-a-connector.md`;
  expect(linksOf("packages/core/README.md")).toContain(guide);
  expect(readFileSync(join(root, "packages/core/src/connector.ts"), "utf8")).toContain(
    `{@link ${guide} `,
  );
});
