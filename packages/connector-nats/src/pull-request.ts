import { createInbox, type Msg, type NatsConnection } from "@nats-io/transport-node";

/** One pull request's shape: `noWait` answers with what is there now; else it waits `expiresMs`. */
export interface PullOptions {
  stream: string;
  group: string;
  batch: number;
  noWait?: boolean;
  expiresMs?: number;
}

// How long after `expires` (or at once, for `no_wait`) the server's own end of a request (404,
// 408) is overdue: JetStream does not answer a pull for a consumer that is gone.
const overdueMarginMs = 5_000;
// Longest an ended request waits for messages still on their way to it (which it hands back).
const drainTimeoutMs = 1_000;

/**
 * A pull request to a durable consumer, on an inbox of its own, written without the client's
 * `fetch()` because that one waits for the whole batch: this one ends at once when the batch
 * is full or the server says no more (404 / 408), or when `end()` is called (an abort, a lost
 * connection). Unsubscribing tells the server to drop the request (it checks the reply
 * subject's interest before delivering), and messages already on their way are handed back
 * (`-NAK`) instead of lost until `ackWait`.
 */
export class PullRequest {
  readonly done: Promise<Msg[]>;
  private readonly messages: Msg[] = [];
  private finished = false;
  private resolve!: (messages: Msg[]) => void;
  private reject!: (error: Error) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly sub;

  constructor(
    private readonly nc: NatsConnection,
    options: PullOptions,
  ) {
    this.done = new Promise<Msg[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const inbox = createInbox();
    this.sub = nc.subscribe(inbox, {
      callback: (error, msg) => {
        if (error !== null) this.finish(error);
        // Statuses come on the inbox itself; messages on the subject they were published to.
        else if (msg.subject === inbox) this.status(msg);
        else if (this.finished) this.handBack(msg);
        else {
          this.messages.push(msg);
          if (this.messages.length >= options.batch) this.finish();
        }
      },
    });
    const request: Record<string, unknown> = { batch: options.batch };
    if (options.noWait === true) request.no_wait = true;
    if (options.expiresMs !== undefined) request.expires = options.expiresMs * 1_000_000;
    this.timer = setTimeout(
      () => {
        if (this.messages.length > 0) this.finish();
        else
          this.finish(
            new Error(
              `JetStream did not answer a pull from consumer "${options.group}" of stream "${options.stream}": are they gone?`,
            ),
          );
      },
      (options.expiresMs ?? 0) + overdueMarginMs,
    );
    nc.publish(
      `$JS.API.CONSUMER.MSG.NEXT.${options.stream}.${options.group}`,
      JSON.stringify(request),
      {
        reply: inbox,
      },
    );
  }

  /** Ends the request now; what it got so far is still its result. */
  end(): void {
    this.finish();
  }

  /** Ends the request and hands back (`-NAK`) what it got: for an aborted poll, which takes nothing. */
  cancel(): void {
    for (const msg of this.messages.splice(0)) this.handBack(msg);
    this.finish();
  }

  private status(msg: Msg): void {
    const code = msg.headers?.code ?? 0;
    // 100: an idle heartbeat; 404 no messages (no_wait); 408 expired; 409 ended by the server
    // (max waiting or batch exceeded, a leader change, server shutdown): poll again.
    if (code === 100) return;
    if (code === 404 || code === 408 || code === 409) {
      this.finish();
      return;
    }
    this.finish(new Error(`pull request failed: ${code} ${msg.headers?.description ?? ""}`.trim()));
  }

  private handBack(msg: Msg): void {
    if (msg.reply !== undefined) this.nc.publish(msg.reply, "-NAK");
  }

  private finish(error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    if (error === undefined) this.resolve(this.messages);
    else {
      this.reject(error);
      for (const msg of this.messages.splice(0)) this.handBack(msg);
    }
    // drain: UNSUB, then what was already sent to the inbox still arrives (and is handed back).
    const draining = this.sub.drain().catch(() => this.sub.unsubscribe());
    const timeout = setTimeout(() => this.sub.unsubscribe(), drainTimeoutMs);
    void draining.finally(() => clearTimeout(timeout));
  }
}
