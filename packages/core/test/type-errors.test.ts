import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

// `pnpm typecheck` proves each `@ts-expect-error` line of test/types/*.test-d.ts is an error.
// This proves the error says what is wrong: the directives are switched off, the fixtures
// compiled with the repository's tsconfig, and each error's text matched against the
// directive's (alternatives joined by `|`, all required). `/*complete: a, b*/` markers ask the
// language service what the editor completes there.

const root = fileURLToPath(new URL("../../../", import.meta.url));
const typesDir = fileURLToPath(new URL("./types/", import.meta.url));
const fixtures = readdirSync(typesDir)
  .filter((name) => name.endsWith(".test-d.ts"))
  .map((name) => `${typesDir}${name}`);
const directive = /\/\/ @ts-expect-error (.+)$/;
const marker = /\/\*complete: ([a-zA-Z, ]+)\*\//g;

function languageService(): ts.LanguageService {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error("tsconfig.json did not parse");
  // The fixture as the compiler would see it without its directives.
  const text = (file: string) => {
    const source = ts.sys.readFile(file);
    if (source === undefined || !fixtures.includes(file)) return source;
    // Same length, so that positions in the file stay where they are.
    return source.replaceAll("// @ts-expect-error ", "//  ts-expect-error ");
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => fixtures,
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      const source = text(file);
      return source === undefined ? undefined : ts.ScriptSnapshot.fromString(source);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: text,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host);
}

describe("type tests: each mistake is a compile error that names it", () => {
  const service = languageService();

  for (const file of fixtures) {
    const lines = readFileSync(file, "utf8").split("\n");
    const name = file.slice(typesDir.length);

    test(`${name}: every error is where a directive expects it, saying what it expects`, () => {
      const source = service.getProgram()?.getSourceFile(file);
      if (source === undefined) throw new Error(`${file} is not in the program`);
      const errors = new Map<number, string[]>();
      for (const d of [
        ...service.getSyntacticDiagnostics(file),
        ...service.getSemanticDiagnostics(file),
      ]) {
        const line = source.getLineAndCharacterOfPosition(d.start ?? 0).line;
        const list = errors.get(line) ?? [];
        list.push(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        errors.set(line, list);
      }
      const problems: string[] = [];
      lines.forEach((line, index) => {
        const expected = directive.exec(line)?.[1];
        if (expected === undefined) return;
        const found = errors.get(index + 1) ?? [];
        errors.delete(index + 1);
        const text = found.join("\n");
        for (const part of expected.split("|")) {
          if (!text.includes(part)) {
            problems.push(`line ${index + 2}: expected "${part}", got: ${text || "no error"}`);
          }
        }
      });
      for (const [line, found] of errors) {
        problems.push(`line ${line + 1}: unexpected error: ${found.join("\n")}`);
      }
      expect(problems).toEqual([]);
    }, 180_000);

    const text = lines.join("\n");
    if (!text.includes("/*complete:")) continue;
    test(`${name}: the editor completes every field of the connector's config`, () => {
      const problems: string[] = [];
      let checked = 0;
      for (const match of text.matchAll(marker)) {
        // Past the space after the marker: at its end the position is still in the comment.
        const position = (match.index ?? 0) + match[0].length + 1;
        const offered = new Set(
          service.getCompletionsAtPosition(file, position, {})?.entries.map((e) => e.name) ?? [],
        );
        for (const wanted of (match[1] ?? "").split(",").map((s) => s.trim())) {
          checked++;
          if (!offered.has(wanted)) problems.push(`${wanted} not offered at ${position}`);
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    }, 180_000);
  }
});
