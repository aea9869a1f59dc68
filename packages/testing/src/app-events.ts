import type { RomewaysEmitter, RomewaysEventName, RomewaysEvents } from "@romeways/core";

/** Anything with romeways' event emitter: an app, a worker's app, a test harness. */
export interface HasEvents {
  readonly events: RomewaysEmitter;
}

export type EventPayload<K extends RomewaysEventName> = RomewaysEvents[K][0];

export interface EventWaitOptions<K extends RomewaysEventName> {
  /** Only payloads this accepts count. */
  where?: (payload: EventPayload<K>) => boolean;
  /** Rejects, naming the event and what came, after this many milliseconds. Default: no limit. */
  timeoutMs?: number;
}

/** Resolves with the payload of the next `name` event (that `where` accepts). */
export async function nextEvent<K extends RomewaysEventName>(
  app: HasEvents,
  name: K,
  options: EventWaitOptions<K> = {},
): Promise<EventPayload<K>> {
  const [payload] = await collectEvents(app, name, 1, options);
  return payload as EventPayload<K>;
}

/** Resolves once `count` events of `name` (that `where` accepts) came, with their payloads in order. */
export function collectEvents<K extends RomewaysEventName>(
  app: HasEvents,
  name: K,
  count: number,
  options: EventWaitOptions<K> = {},
): Promise<EventPayload<K>[]> {
  const seen: EventPayload<K>[] = [];
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const listener = (payload: EventPayload<K>) => {
      if (options.where !== undefined && !options.where(payload)) return;
      seen.push(payload);
      if (seen.length < count) return;
      done();
      resolve(seen);
    };
    // eventemitter3 types a listener per event name; a generic K needs this one widening.
    const untyped = listener as unknown as Parameters<RomewaysEmitter["on"]>[1];
    const done = () => {
      clearTimeout(timer);
      app.events.off(name, untyped);
    };
    app.events.on(name, untyped);
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${seen.length} of ${count} "${name}" events came within ${options.timeoutMs} ms`,
          ),
        );
      }, options.timeoutMs);
    }
  });
}
