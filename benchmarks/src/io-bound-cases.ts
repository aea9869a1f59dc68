// What the I/O-bound rows share, on memory and on Kafka: a handler that awaits 5 ms as a
// database call would, 1,000 keys, the modes compared, and each one's ideal (slots / 5 ms).
import type { QueueConfig } from "@romeways/core";
import { comparedRow, type ResultRow } from "./stats.js";

export const handlerMs = 5;
export const keys = 1_000;

export interface IoBoundCase {
  label: string;
  config: Pick<QueueConfig, "concurrency" | "ordering" | "sequential" | "maxChunkSize">;
  /** Handlers that can wait at once in this mode: the ideal is slots / 5 ms. */
  slots: number;
  messages: number;
}

/** The modes, with `extra` cases of a connector's own; `maxChunkSizeAt1000` for the widest case. */
export function ioBoundCases(
  quick: boolean,
  maxChunkSizeAt1000: number,
  extra: IoBoundCase[] = [],
): IoBoundCase[] {
  const many = quick ? 2_000 : 20_000;
  return [
    {
      label: 'ordering "key", concurrency 100',
      config: { ordering: "key", concurrency: 100, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: 'ordering "key", concurrency 1,000',
      config: { ordering: "key", concurrency: 1_000, maxChunkSize: maxChunkSizeAt1000 },
      slots: 1_000,
      messages: many,
    },
    ...extra.map((c) => ({ ...c, messages: many })),
    {
      label: "chunk mode, concurrent, chunk 100",
      config: { sequential: false, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: "chunk mode, sequential",
      config: { sequential: true, maxChunkSize: 100 },
      slots: 1,
      messages: quick ? 40 : 400,
    },
  ];
}

/** The I/O a handler waits for. */
export const waitForIo = () => new Promise<void>((resolve) => setTimeout(resolve, handlerMs));

/** A row of msg/s against the mode's ideal. */
export function idealRow(
  benchmark: string,
  c: IoBoundCase,
  figures: number[],
  note?: string,
): ResultRow {
  const ideal = (c.slots * 1000) / handlerMs;
  return comparedRow(
    {
      benchmark,
      case: c.label,
      metric: "msg/s",
      better: "higher",
      baselineName: `ideal: ${c.slots} / ${handlerMs} ms`,
      target: c.config.ordering === "key" && c.slots === 100 ? ">= 0.8 of the ideal" : undefined,
      ...(note === undefined ? {} : { note }),
    },
    figures,
    figures.map(() => ideal),
  );
}
