import { randomUUID } from "node:crypto";

/**
 * A queue (topic, stream, table) name no other test uses: `<prefix>-<8 hex digits>`. Letters,
 * digits and `-` only, so every broker accepts it.
 */
export function uniqueQueueName(prefix = "romeways-test"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
