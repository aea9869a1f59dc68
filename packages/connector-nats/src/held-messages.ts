import type { NatsConnection } from "@nats-io/transport-node";
import type { NatsRawMessage } from "./nats-message.js";

interface Held {
  /** The ack subject: `+ACK`, `-NAK` and `+WPI` (working) go there. */
  reply: string;
  /** When it was taken or last marked working (performance.now()). */
  since: number;
}

/**
 * The messages an instance took and has not acknowledged. While they are held (their
 * handlers run), a timer sends `+WPI` ("working") every third of `ackWait` for those held that
 * long, which restarts JetStream's ack timer: a handler may run longer than `ackWait` without
 * its message being delivered to another consumer.
 */
export class HeldMessages {
  private readonly held = new Map<NatsRawMessage, Held>();
  private timer: NodeJS.Timeout | undefined;

  get size(): number {
    return this.held.size;
  }

  hold(message: NatsRawMessage, reply: string): void {
    this.held.set(message, { reply, since: performance.now() });
  }

  /** The ack subjects of `messages` this instance holds, now no longer held. */
  release(messages: readonly NatsRawMessage[]): string[] {
    const replies: string[] = [];
    for (const message of messages) {
      const held = this.held.get(message);
      if (held === undefined) continue;
      this.held.delete(message);
      replies.push(held.reply);
    }
    return replies;
  }

  /** Every ack subject held, now no longer held: for the hand-back on stop(). */
  releaseAll(): string[] {
    const replies = [...this.held.values()].map((held) => held.reply);
    this.held.clear();
    return replies;
  }

  startWorking(connection: () => NatsConnection | undefined, ackWaitMs: number): void {
    this.stopWorking();
    const everyMs = Math.max(100, Math.floor(ackWaitMs / 3));
    this.timer = setInterval(() => {
      const nc = connection();
      if (nc === undefined || this.held.size === 0) return;
      const due = performance.now() - everyMs;
      for (const held of this.held.values()) {
        if (held.since > due) continue;
        // Buffered by the client while reconnecting; JetStream has the ack timer either way.
        nc.publish(held.reply, "+WPI");
        held.since = performance.now();
      }
    }, everyMs);
    this.timer.unref();
  }

  stopWorking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
