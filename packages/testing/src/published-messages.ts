import { type RawMessage, type Romeways, redirectPublishing } from "@romeways/core";
import { decodeSent, type SentMessage } from "./sent-message.js";

/** A message the app published (`romeways.publish`, a producer's), decoded as a handler reads it. */
export interface PublishedMessage extends SentMessage {
  connectorName: string;
  queueName: string;
}

/**
 * What the app under test publishes. Handlers publish through the user's own app object, not
 * the harness's running copy: `record` sends those publishes to the copy (its fake
 * connectors, its virtual clock for `delayMs`) and keeps each one the copy sent.
 */
export class PublishedMessages {
  private readonly published: PublishedMessage[] = [];

  /** Redirects `original`'s publishes to `copy` and records the copy's; returns what undoes both. */
  record(original: Romeways, copy: Romeways): () => void {
    const restore = redirectPublishing(original, copy);
    const listener = (event: { connectorName: string; queueName: string; raw: RawMessage }) => {
      const { connectorName, queueName, raw } = event;
      this.published.push({ ...decodeSent(raw), connectorName, queueName });
    };
    copy.events.on("message:published", listener);
    return () => {
      restore();
      copy.events.off("message:published", listener);
    };
  }

  /** The published messages (to `queueName`), oldest first. */
  of(queueName?: string): PublishedMessage[] {
    return queueName === undefined
      ? [...this.published]
      : this.published.filter((message) => message.queueName === queueName);
  }
}
