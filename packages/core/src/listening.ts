import type { RomewaysEmitter, RomewaysEventName } from "./events.js";

/** Events whose payload carries the handler's duration. */
const timedEvents: readonly RomewaysEventName[] = [
  "message:handled",
  "message:outcome",
  "message:resent",
  "message:dead-lettered",
  "message:failed",
];

/** Which per-message events have listeners, as of `version` of the emitter's listeners. */
export interface Listening {
  readonly version: number;
  readonly received: boolean;
  readonly handled: boolean;
  readonly discarded: boolean;
  readonly outcome: boolean;
  /** Some event that carries a handler's duration. */
  readonly timed: boolean;
}

/** Before the first read of the listeners: a version the emitter never has. */
export const notRead: Listening = {
  version: -1,
  received: false,
  handled: false,
  discarded: false,
  outcome: false,
  timed: false,
};

export function listeningTo(events: RomewaysEmitter): Listening {
  const has = (name: RomewaysEventName) => events.listenerCount(name) > 0;
  return {
    version: events.listenersVersion,
    received: has("message:received"),
    handled: has("message:handled"),
    discarded: has("message:discarded"),
    outcome: has("message:outcome"),
    timed: timedEvents.some(has),
  };
}
