// Connectors broken on purpose, each in one way the conformance suite must catch. They wrap a
// real connector instance, so one set of breakages serves the memory, folder and Kafka tests.
import type { Connector, RawMessage } from "@romeways/core";

/** What a networked connector spends before its blocking call reaches the broker. */
const roundTripMs = 20;
/** A "short" blocking slice, as `XREADGROUP ... BLOCK 1500` in a loop would be. */
const sliceMs = 1_500;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Passes every call on; each mutant overrides the one it breaks. */
export class ConnectorWrapper<C extends Connector = Connector> implements Connector {
  constructor(readonly inner: C) {}
  start(): Promise<void> {
    return this.inner.start();
  }
  getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    return this.inner.getMessages(maxChunkSize, signal);
  }
  sendMessage(message: RawMessage): Promise<void> {
    return this.inner.sendMessage(message);
  }
  ack(messages: RawMessage[]): Promise<void> {
    return this.inner.ack(messages);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
}

/** `ack` is accepted and forgotten: nothing is ever committed or deleted. */
export class AckDoesNothing extends ConnectorWrapper {
  override async ack(): Promise<void> {}
}

/** `sendMessage` loses the headers on the way to the broker. */
export class HeadersDropped extends ConnectorWrapper {
  override sendMessage({ headers: _dropped, ...message }: RawMessage): Promise<void> {
    return this.inner.sendMessage(message);
  }
}

/** The poll never looks at its signal: it waits for a message however long that takes. */
export class AbortIgnored extends ConnectorWrapper {
  private readonly stopped = new AbortController();
  override getMessages(maxChunkSize: number): Promise<RawMessage[]> {
    return this.inner.getMessages(maxChunkSize, this.stopped.signal);
  }
  override stop(): Promise<void> {
    this.stopped.abort();
    return super.stop();
  }
}

/**
 * Waits in blocking slices and looks at the signal only between them, after a round trip: an
 * abort in the first few event-loop turns is seen before the first slice, a real one is not.
 */
export class SlicedPoll extends ConnectorWrapper {
  override async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    await delay(roundTripMs);
    while (!signal.aborted) {
      const chunk = await this.inner.getMessages(maxChunkSize, AbortSignal.timeout(sliceMs));
      if (chunk.length > 0) return chunk;
    }
    return [];
  }
}

/**
 * Returns at once on abort but leaves its blocking read on the broker, which takes the next
 * message to arrive: that message goes to a read nobody waits for.
 */
export class DeadReadOnAbort extends ConnectorWrapper {
  private readonly stopped = new AbortController();
  override async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    await delay(roundTripMs);
    if (signal.aborted) return [];
    const read = this.inner.getMessages(maxChunkSize, this.stopped.signal);
    const aborted = new Promise<RawMessage[]>((resolve) =>
      signal.addEventListener("abort", () => resolve([]), { once: true }),
    );
    return Promise.race([read, aborted]);
  }
  override stop(): Promise<void> {
    this.stopped.abort();
    return super.stop();
  }
}

/** A mutant and the promise of the suite expected to fail it. */
export interface Mutant {
  name: string;
  /** The promise that must fail. */
  killedBy: string;
  /** What its failure must say: a broker hiccup failing the promise is no kill. */
  because: RegExp;
  /** Older promises this mutant passes: what made the v1 suite miss it. */
  evades?: string[];
}

export const promiseNames = {
  ack: "an acknowledged message is not delivered again after a restart",
  headers: "headers come back as sent",
  abort: "a waiting poll returns [] at once when its signal aborts, and takes nothing with it",
  realWaitAbort:
    "a poll aborted after waiting 400 ms returns [] at once, and the next message goes to the next poll",
  sentBeforeConsumer:
    "a message sent before any consumer of its queue ever started reaches the first consumer",
  neverStartedSends:
    "an instance that was never started can send (core sends dead letters this way)",
  crash: "a message taken but never acknowledged reaches a new instance after a crash",
} as const;

/** The breakages every connector gets, by wrapping it. */
export const wrapperMutants: (Mutant & { wrap: (inner: Connector) => Connector })[] = [
  {
    name: "ack does nothing",
    killedBy: promiseNames.ack,
    // Kafka holds the next batch back until the last is acknowledged: the sentinel never comes.
    because: /did not make the message go away|"sentinel" did not come/,
    wrap: (c) => new AckDoesNothing(c),
  },
  {
    name: "headers dropped",
    killedBy: promiseNames.headers,
    because: /header "x-trace-id"/,
    wrap: (c) => new HeadersDropped(c),
  },
  {
    name: "abort ignored",
    killedBy: promiseNames.abort,
    because: /the aborted poll did not return within/,
    wrap: (c) => new AbortIgnored(c),
  },
  {
    name: "polls in 1.5 s blocking slices",
    killedBy: promiseNames.realWaitAbort,
    because: /blocking slices/,
    evades: [promiseNames.abort],
    wrap: (c) => new SlicedPoll(c),
  },
  {
    name: "abort leaves its blocking read on the broker",
    killedBy: promiseNames.realWaitAbort,
    because: /did not reach the next poll|"sentinel" did not come/,
    evades: [promiseNames.abort],
    wrap: (c) => new DeadReadOnAbort(c),
  },
];
