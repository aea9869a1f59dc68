import type { RedisStreamClient } from "./redis-client.js";
import type { RedisRawMessage } from "./redis-message.js";

/** The consumer that holds what stopped consumers hand back, until another one claims it. */
export const handedBackConsumer = "romeways:handed-back";

// XCLAIM ids per command when renewing or handing back.
const idsPerCommand = 1_000;

export interface HolderSettings {
  stream: string;
  group: string;
  consumer: string;
}

/**
 * The entries one consumer took and romeways has not acknowledged yet, by entry id. While held
 * they are renewed (`XCLAIM ... JUSTID` to the holder restarts their idle time, so that no
 * other consumer's `XAUTOCLAIM` takes them from a handler that runs long); on stop they are
 * handed to the group.
 */
export class HeldEntries {
  private readonly entries = new Map<string, RedisRawMessage>();
  private timer: NodeJS.Timeout | undefined;

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  hold(message: RedisRawMessage): void {
    this.entries.set(message.id, message);
  }

  /** Lets go of `messages`; returns the ids this holder held, for `XACK`. */
  release(messages: readonly { id: string }[]): string[] {
    const ids: string[] = [];
    for (const { id } of messages) if (this.entries.delete(id)) ids.push(id);
    return ids;
  }

  /** Renews what is held every `everyMs`, on `commands`; `onError` hears a failed renewal. */
  startRenewing(
    commands: () => RedisStreamClient | undefined,
    holder: HolderSettings,
    everyMs: number,
    onError: (error: unknown, held: number) => void,
  ): void {
    this.stopRenewing();
    this.timer = setInterval(async () => {
      if (this.entries.size === 0) return;
      try {
        for (const ids of chunks([...this.entries.keys()])) {
          await commands()?.claimIds(holder.stream, holder.group, holder.consumer, ids);
        }
      } catch (error) {
        onError(error, this.entries.size);
      }
    }, everyMs);
    this.timer.unref();
  }

  stopRenewing(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Gives every held entry to the group: `XCLAIM` to `romeways:handed-back` with `TIME 0`, so
   * that they look idle since 1970 and the next `XAUTOCLAIM` of any consumer takes them.
   * Returns how many were handed back.
   */
  async handBack(commands: RedisStreamClient, { stream, group }: HolderSettings): Promise<number> {
    const ids = [...this.entries.keys()];
    this.entries.clear();
    for (const part of chunks(ids)) {
      await commands.claimIds(stream, group, handedBackConsumer, part, true);
    }
    return ids.length;
  }
}

function* chunks(ids: readonly string[]): Generator<string[]> {
  for (let start = 0; start < ids.length; start += idsPerCommand) {
    yield ids.slice(start, start + idsPerCommand);
  }
}
