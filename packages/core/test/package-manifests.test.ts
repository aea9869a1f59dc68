// What npm shows of each package: its license file, and where its source, docs and issues are.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const repository = "https://github.com/romeways/romeways-ts";
const folders = readdirSync(join(root, "packages")).filter((folder) =>
  existsSync(join(root, "packages", folder, "package.json")),
);
const license = readFileSync(join(root, "LICENSE"), "utf8");

test("the root LICENSE is MIT, as every package declares", () => {
  expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the romeways authors\n/);
});

test.each(folders)("packages/%s ships the LICENSE and names its repository", (folder) => {
  const dir = join(root, "packages", folder);
  // npm packs a LICENSE file beside package.json whatever `files` says.
  expect(existsSync(join(dir, "LICENSE")) && readFileSync(join(dir, "LICENSE"), "utf8")).toBe(
    license,
  );
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  expect(manifest).toMatchObject({
    license: "MIT",
    description: expect.stringMatching(/\w/),
    repository: { type: "git", url: `git+${repository}.git`, directory: `packages/${folder}` },
    homepage: `${repository}/tree/main/packages/${folder}#readme`,
    bugs: { url: `${repository}/issues` },
    keywords: expect.arrayContaining(["romeways"]),
  });
});
