// packages/testing/README.md promises that its example runs as written: it is readme-example.test.ts.
import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";

test("the README shows the app and the tests of readme-example.test.ts exactly", async () => {
  const read = (name: string) => readFile(new URL(name, import.meta.url), "utf8");
  const blocks = [...(await read("../README.md")).matchAll(/```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1],
  );
  // Each file starts with one comment line saying where it comes from; the README starts with a file name.
  const withoutFirstLine = (text: string) => text.slice(text.indexOf("\n") + 1);
  expect(withoutFirstLine(blocks[0] ?? "")).toBe(withoutFirstLine(await read("./payments-app.ts")));
  const tests = withoutFirstLine(await read("./readme-example.test.ts"));
  expect(tests.startsWith(blocks[1] ?? "<no second block>")).toBe(true);
});
