import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  ObservableGauge,
} from "@opentelemetry/api";
import type { Outcome, QueueRef, Romeways, RomewaysEvents } from "@romeways/core";
import { attributeNames, type MessagingAttributes } from "./messaging-attributes.js";

/** OTel's recommended buckets for messaging durations, in seconds. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

type OutcomeEvent = RomewaysEvents["message:outcome"][0];

/** One queue's gauges, summed over the processes (workers) that run it. */
interface QueueTotals extends QueueRef {
  inFlight: number;
  held: number;
  /** Undefined when no instance of the queue reports a lag. */
  lag: number | undefined;
}

/**
 * The app's metrics, from its events (in the parent, workers' events arrive forwarded, so one
 * process counts every worker): `romeways.messages` by `romeways.outcome`,
 * `messaging.client.consumed.messages`, `messaging.client.sent.messages`,
 * `messaging.process.duration`; and, at each collection, `romeways.messages.in_flight`,
 * `romeways.messages.held` and `romeways.consumer.lag` from `romeways.health()`.
 */
export class QueueMetrics {
  private readonly outcomes: Counter;
  private readonly consumed: Counter;
  private readonly sent: Counter;
  private readonly duration: Histogram;
  private readonly inFlight: ObservableGauge;
  private readonly held: ObservableGauge;
  private readonly lag: ObservableGauge;
  /** Attributes per queue, outcome and error type: one object each, not one per message. */
  private readonly outcomeAttributes = new Map<string, Attributes>();

  constructor(
    private readonly meter: Meter,
    private readonly attributes: MessagingAttributes,
    private readonly app: Romeways,
  ) {
    this.outcomes = meter.createCounter("romeways.messages", {
      description:
        "Messages by outcome (romeways.outcome): handled, resent, dead-lettered, failed, discarded",
      unit: "{message}",
    });
    this.consumed = meter.createCounter("messaging.client.consumed.messages", {
      description: "Messages delivered to the application",
      unit: "{message}",
    });
    this.sent = meter.createCounter("messaging.client.sent.messages", {
      description:
        "Messages romeways sent, by messaging.operation.name: publish, resend, dead-letter",
      unit: "{message}",
    });
    this.duration = meter.createHistogram("messaging.process.duration", {
      description: "Time a handler took on a message, until its outcome",
      unit: "s",
      advice: { explicitBucketBoundaries: durationBuckets },
    });
    this.inFlight = meter.createObservableGauge("romeways.messages.in_flight", {
      description: "Messages taken from the broker and not yet acknowledged",
      unit: "{message}",
    });
    this.held = meter.createObservableGauge("romeways.messages.held", {
      description: "Messages taken and held until their resend delay is due",
      unit: "{message}",
    });
    this.lag = meter.createObservableGauge("romeways.consumer.lag", {
      description: "Messages waiting for this consumer, where the broker tells",
      unit: "{message}",
    });
  }

  /** Starts counting: listens to the app's events and observes the gauges. */
  listen(): void {
    const { events } = this.app;
    events.on("message:outcome", (event) => this.record(event));
    events.on("message:published", (event) =>
      this.sent.add(1, this.sentAttributes(event, "publish")),
    );
    this.meter.addBatchObservableCallback(
      (result) => this.observe(result),
      [this.inFlight, this.held, this.lag],
    );
  }

  private record(event: OutcomeEvent): void {
    const { outcome } = event;
    const attributes = this.attributesOf(event, outcome);
    this.outcomes.add(1, attributes);
    this.consumed.add(1, attributes);
    if (outcome.outcome === "resent") this.sent.add(1, this.sentAttributes(event, "resend"));
    if (outcome.outcome === "dead-lettered") {
      const destination = {
        connectorName: event.connectorName,
        queueName: outcome.deadLetterQueue,
      };
      this.sent.add(1, this.sentAttributes(destination, "dead-letter"));
    }
    if (event.message !== undefined) this.duration.record(event.durationMs / 1000, attributes);
  }

  /** Each queue's gauges from one health snapshot (workers' queues included, over IPC). */
  private async observe(result: BatchObservableResult): Promise<void> {
    const totals = new Map<string, QueueTotals>();
    for (const queue of (await this.app.health()).queues) {
      const id = `${queue.connectorName}\u0000${queue.queueName}`;
      let total = totals.get(id);
      if (total === undefined) {
        const { connectorName, queueName } = queue;
        total = { connectorName, queueName, inFlight: 0, held: 0, lag: undefined };
        totals.set(id, total);
      }
      total.inFlight += queue.inFlight;
      total.held += queue.heldForDelay;
      if (queue.lag !== undefined) total.lag = (total.lag ?? 0) + queue.lag;
    }
    for (const total of totals.values()) {
      const attributes = this.attributes.of(total);
      result.observe(this.inFlight, total.inFlight, attributes);
      result.observe(this.held, total.held, attributes);
      if (total.lag !== undefined) result.observe(this.lag, total.lag, attributes);
    }
  }

  private sentAttributes(
    ref: QueueRef,
    operation: "publish" | "resend" | "dead-letter",
  ): Attributes {
    return this.attributes.withOperation(ref, "send", operation);
  }

  private attributesOf(ref: QueueRef, outcome: Outcome): Attributes {
    const errorType = "error" in outcome ? outcome.error.name || "_OTHER" : undefined;
    const reason = outcome.outcome === "dead-lettered" ? outcome.reason : undefined;
    const id = `${ref.connectorName}\u0000${ref.queueName}\u0000${outcome.outcome}\u0000${errorType ?? ""}\u0000${reason ?? ""}`;
    let attributes = this.outcomeAttributes.get(id);
    if (attributes === undefined) {
      attributes = {
        ...this.attributes.of(ref),
        [attributeNames.operationType]: "process",
        [attributeNames.operationName]: "process",
        [attributeNames.outcome]: outcome.outcome,
      };
      if (errorType !== undefined) attributes[attributeNames.errorType] = errorType;
      if (reason !== undefined) attributes[attributeNames.deadLetterReason] = reason;
      Object.freeze(attributes);
      this.outcomeAttributes.set(id, attributes);
    }
    return attributes;
  }
}
