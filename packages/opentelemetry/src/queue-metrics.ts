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

/** What the gauges read of `romeways.health()` (the core's `QueueHealth`), where the app has it. */
interface QueueHealthFields extends QueueRef {
  inFlight: number;
  heldForDelay?: number;
  lag?: number;
}

type HealthReader = () => Promise<{ queues: readonly QueueHealthFields[] }>;

/** OTel's recommended buckets for messaging durations, in seconds. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

type OutcomeEvent = RomewaysEvents["message:outcome"][0];

/**
 * The app's metrics, from its events (in the parent, workers' events arrive forwarded, so one
 * process counts every worker): `romeways.messages` by `romeways.outcome`,
 * `messaging.client.consumed.messages`, `messaging.process.duration`; and, at each
 * collection, `romeways.messages.in_flight`, `romeways.messages.held` and
 * `romeways.consumer.lag` from `romeways.health()` (in flight from events where the app
 * has no `health()`).
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
  /** Received minus settled per queue, from events: in flight where health() is missing. */
  private readonly counted = new Map<string, { ref: QueueRef; inFlight: number }>();
  private readonly health: HealthReader | undefined;

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
    const health = (app as { health?: unknown }).health;
    this.health = typeof health === "function" ? (health.bind(app) as HealthReader) : undefined;
  }

  /** Starts counting: listens to the app's events and observes the gauges. */
  listen(): void {
    const { events } = this.app;
    events.on("message:outcome", (event) => this.record(event));
    events.on("message:published", (event) =>
      this.sent.add(1, this.sentAttributes(event, "publish")),
    );
    if (this.health === undefined) {
      events.on("message:received", (event) => this.count(event, 1));
    }
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
    if (event.message !== undefined) {
      this.duration.record(event.durationMs / 1000, attributes);
      if (this.health === undefined) this.count(event, -1);
    }
  }

  private count(ref: QueueRef, by: number): void {
    const id = `${ref.connectorName}\u0000${ref.queueName}`;
    let entry = this.counted.get(id);
    if (entry === undefined) {
      entry = { ref: { connectorName: ref.connectorName, queueName: ref.queueName }, inFlight: 0 };
      this.counted.set(id, entry);
    }
    entry.inFlight = Math.max(0, entry.inFlight + by);
  }

  private async observe(result: BatchObservableResult): Promise<void> {
    if (this.health === undefined) {
      for (const { ref, inFlight } of this.counted.values()) {
        result.observe(this.inFlight, inFlight, this.attributes.of(ref));
      }
      return;
    }
    const totals = new Map<string, QueueHealthFields & { lagKnown: boolean }>();
    for (const queue of (await this.health()).queues) {
      const id = `${queue.connectorName}\u0000${queue.queueName}`;
      const total = totals.get(id) ?? {
        connectorName: queue.connectorName,
        queueName: queue.queueName,
        inFlight: 0,
        heldForDelay: 0,
        lag: 0,
        lagKnown: false,
      };
      total.inFlight += queue.inFlight;
      total.heldForDelay = (total.heldForDelay ?? 0) + (queue.heldForDelay ?? 0);
      if (queue.lag !== undefined) {
        total.lag = (total.lag ?? 0) + queue.lag;
        total.lagKnown = true;
      }
      totals.set(id, total);
    }
    for (const total of totals.values()) {
      const attributes = this.attributes.of(total);
      result.observe(this.inFlight, total.inFlight, attributes);
      result.observe(this.held, total.heldForDelay ?? 0, attributes);
      if (total.lagKnown) result.observe(this.lag, total.lag ?? 0, attributes);
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
