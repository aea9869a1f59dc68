import type { RomewaysEmitter, RomewaysEventName, RomewaysEvents } from "../events.js";

/** Per emitter, how many of its listeners are core's own (health's), by event. */
const internalCounts = new WeakMap<RomewaysEmitter, Map<RomewaysEventName, number>>();

/**
 * Adds a listener of core's own. Worker processes forward an event only when the parent has a
 * listener of the user's (or a library's): health's own must not make every worker send every
 * outcome over IPC, as each process tracks its own queues.
 */
export function onInternal<K extends RomewaysEventName>(
  events: RomewaysEmitter,
  name: K,
  listener: (...args: RomewaysEvents[K]) => void,
): void {
  let counts = internalCounts.get(events);
  if (counts === undefined) {
    counts = new Map();
    internalCounts.set(events, counts);
  }
  counts.set(name, (counts.get(name) ?? 0) + 1);
  events.on(name, listener as never);
}

/** Listeners of `name` that are not core's own. */
export function externalListenerCount(events: RomewaysEmitter, name: RomewaysEventName): number {
  return events.listenerCount(name) - (internalCounts.get(events)?.get(name) ?? 0);
}
