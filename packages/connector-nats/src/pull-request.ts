import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";

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
  /** Its own inbox's subscription; undefined when it uses the instance's shared inbox. */
  private readonly sub: Subscription | undefined;
  /** The reply subject of the request. */
  readonly inbox: string;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: PullOptions,
    private readonly shared?: SharedInbox,
  ) {
    this.done = new Promise<Msg[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (shared !== undefined) this.inbox = shared.attach(this);
    else {
      this.inbox = createInbox();
      this.sub = nc.subscribe(this.inbox, { callback: (error, msg) => this.receive(error, msg) });
    }
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
        reply: this.inbox,
      },
    );
  }

  /** A message or status for this request (from its own subscription or the shared inbox). */
  receive(error: Error | null, msg: Msg): void {
    if (error !== null) this.finish(error);
    // Statuses come on the inbox itself; messages on the subject they were published to.
    else if (msg.subject === this.inbox) this.status(msg);
    else if (this.finished) this.handBack(msg);
    else {
      this.messages.push(msg);
      if (this.messages.length >= this.options.batch) this.finish();
    }
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
    handBack(this.nc, msg);
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
    const sub = this.sub;
    if (sub === undefined) {
      this.shared?.detach(this);
      return;
    }
    // drain: UNSUB, then what was already sent to the inbox still arrives (and is handed back).
    const draining = sub.drain().catch(() => sub.unsubscribe());
    const timeout = setTimeout(() => sub.unsubscribe(), drainTimeoutMs);
    void draining.finally(() => clearTimeout(timeout));
  }
}

function handBack(nc: NatsConnection, msg: Msg): void {
  if (msg.reply !== undefined) nc.publish(msg.reply, "-NAK");
}

/**
 * One subscription per instance (`<inbox>.*`) for its `no_wait` pulls, which the server always
 * ends itself (404 or 408): no subscription is made and drained per chunk. Only one of an
 * instance's pulls runs at a time, so a message belongs to the one attached; JetStream sends
 * messages with their own subject, and only statuses name the request's reply subject. A
 * message with no pull attached (one the server sent after its overdue end) is handed back.
 * A pull that may have to be abandoned while the server still holds it (the long poll) has an
 * inbox of its own instead, whose unsubscription tells the server to drop it.
 */
export class SharedInbox {
  private readonly prefix = createInbox();
  private readonly sub: Subscription;
  private current: PullRequest | undefined;
  private requests = 0;

  constructor(nc: NatsConnection) {
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => {
        const current = this.current;
        if (error !== null) current?.receive(error, msg);
        else if (msg.subject.startsWith(`${this.prefix}.`)) {
          // A status: only the attached request's counts (an overdue one's may come late).
          if (msg.subject === current?.inbox) current.receive(null, msg);
        } else if (current !== undefined) current.receive(null, msg);
        else handBack(nc, msg);
      },
    });
  }

  /** The reply subject of `request`, which now gets what arrives. */
  attach(request: PullRequest): string {
    this.current = request;
    return `${this.prefix}.${++this.requests}`;
  }

  detach(request: PullRequest): void {
    if (this.current === request) this.current = undefined;
  }

  close(): void {
    this.sub.unsubscribe();
  }
}
