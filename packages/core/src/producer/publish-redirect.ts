import type { ProducerHub } from "./producer-hub.js";

/**
 * Each app's producer hub, by app. Kept on `globalThis` so that two loaded copies of core (an
 * ESM and a CJS build) still find each other's apps.
 */
const registry = globalThis as Record<symbol, WeakMap<object, ProducerHub> | undefined>;
const key = Symbol.for("romeways.producerHubs");
export const hubOf: WeakMap<object, ProducerHub> = registry[key] ?? new WeakMap();
registry[key] = hubOf;

/**
 * Sends every `publish` of `from` (and of its `producer()`s) through `to` instead, until the
 * returned function is called. `@romeways/testing`'s harness runs a copy of the user's app on
 * fake connectors; handlers publish through the user's app object, so this lets their
 * messages reach the copy's fakes, never a real broker.
 */
export function redirectPublishing(from: object, to: object): () => void {
  const source = hubOf.get(from);
  const target = hubOf.get(to);
  if (source === undefined || target === undefined) {
    throw new TypeError("redirectPublishing: both arguments must be apps made by createRomeways()");
  }
  const previous = source.redirect;
  source.redirect = target;
  return () => {
    if (source.redirect === target) source.redirect = previous;
  };
}
