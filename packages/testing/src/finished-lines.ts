import { existsSync, readFileSync } from "node:fs";

/**
 * The lines a running process has finished writing to `file` (none when it does not exist yet):
 * a line it is writing right now is left for the next read. For fault tests whose consumer
 * process logs each message it handled.
 */
export function readFinishedLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8");
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter((line) => line.length > 0);
}
