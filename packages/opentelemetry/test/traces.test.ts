// Spans on the real OTel trace SDK (in-memory exporter), messages on the memory connector.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { ConfigError, createRomeways, type Logger, ResendError } from "@romeways/core";
import {
  openTelemetry,
  parseTraceparent,
  W3CTraceContextPropagator,
} from "@romeways/opentelemetry";
import { collectEvents } from "@romeways/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  await tracerProvider.shutdown();
});
beforeEach(() => exporter.reset());

/** An app on fresh memory queues, traced by `openTelemetry({ tracerProvider })`. */
function tracedApp() {
  const romeways = createRomeways({
    logger: silent,
    handleSignals: false,
    instrumentation: openTelemetry({ tracerProvider, metrics: false }),
  });
  romeways.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
  return romeways;
}

const processSpans = () =>
  exporter.getFinishedSpans().filter((span) => span.name.startsWith("process "));
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe("traces of @romeways/opentelemetry", () => {
  test("a resent message's second delivery span is a child of its first, and linked to it, through traceparent", async () => {
    const romeways = tracedApp();
    const queue = new MemoryQueue();
    const sent: Record<string, string>[] = [];
    romeways.queueConsumer(
      "orders",
      { connectorName: "mem", queue, resendDelayMs: 0 },
      (message) => {
        sent.push({ ...message.raw.headers });
        if (message.rwResendTimes === 0) throw new ResendError("stock not there yet");
      },
    );
    const outcomes = collectEvents(romeways, "message:outcome", 2);
    queue.put("order 1");
    await romeways.start();
    await outcomes;
    await romeways.stop();

    const [first, second] = processSpans();
    if (first === undefined || second === undefined) throw new Error("two process spans expected");
    expect(first.name).toBe("process orders");
    expect(first.kind).toBe(SpanKind.CONSUMER);
    expect(first.attributes).toMatchObject({
      "messaging.system": "memory",
      "messaging.destination.name": "orders",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "romeways.outcome": "resent",
      "romeways.message.resend_times": 0,
    });
    expect(first.parentSpanContext).toBeUndefined();
    expect(second.attributes).toMatchObject({
      "romeways.outcome": "handled",
      "romeways.message.resend_times": 1,
    });
    // The resend carried the first delivery's context: the second delivery continues its trace.
    expect(parseTraceparent(sent[1]?.traceparent)?.spanId).toBe(idOf(first));
    expect(second.spanContext().traceId).toBe(first.spanContext().traceId);
    expect(second.parentSpanContext?.spanId).toBe(idOf(first));
    expect(second.links.map((link) => link.context.spanId)).toEqual([idOf(first)]);
    console.log(
      exporter
        .getFinishedSpans()
        .map(
          (s) =>
            `${s.name} trace=${s.spanContext().traceId} span=${idOf(s)} parent=${s.parentSpanContext?.spanId ?? "-"} links=[${s.links.map((l) => l.context.spanId).join(",")}] outcome=${s.attributes["romeways.outcome"] ?? "-"}`,
        )
        .join("\n"),
    );
  });

  test("a delivered message's traceparent makes its span a child of the producer's", async () => {
    const romeways = tracedApp();
    const queue = new MemoryQueue();
    romeways.queueConsumer("payments", { connectorName: "mem", queue }, () => {});
    const producer = tracerProvider.getTracer("test").startSpan("checkout");
    const headers: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(trace.setSpan(ROOT_CONTEXT, producer), headers, {
      set: (carrier, key, value) => {
        carrier[key] = value;
      },
    });
    producer.end();
    const done = collectEvents(romeways, "message:outcome", 1);
    queue.put("paid", { headers });
    await romeways.start();
    await done;
    await romeways.stop();
    const [span] = processSpans();
    expect(span?.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(span?.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(span?.parentSpanContext?.isRemote).toBe(true);
  });

  test("a publish inside a handler continues its trace: a create span under the handler's, then the next delivery", async () => {
    const romeways = tracedApp();
    const queue = new MemoryQueue();
    const shipped = new MemoryQueue();
    romeways.queueConsumer("paid", { connectorName: "mem", queue }, async () => {
      await romeways.publish("ship", "parcel 9");
    });
    romeways.queueConsumer("ship", { connectorName: "mem", queue: shipped }, () => {});
    const done = collectEvents(romeways, "message:outcome", 2);
    queue.put("order 9");
    await romeways.start();
    await done;
    await romeways.stop();
    const spans = exporter.getFinishedSpans();
    const paid = spans.find((s) => s.name === "process paid");
    const create = spans.find((s) => s.name === "create ship");
    const ship = spans.find((s) => s.name === "process ship");
    expect(create?.kind).toBe(SpanKind.PRODUCER);
    expect(create?.attributes["messaging.operation.name"]).toBe("publish");
    expect(create?.parentSpanContext?.spanId).toBe(paid?.spanContext().spanId);
    expect(ship?.parentSpanContext?.spanId).toBe(create?.spanContext().spanId);
    expect(ship?.spanContext().traceId).toBe(paid?.spanContext().traceId);
  });

  test("a chunk gets one receive span linked to the context of each of its messages", async () => {
    const romeways = tracedApp();
    const queue = new MemoryQueue();
    romeways.queueConsumer("batch", { connectorName: "mem", queue, maxChunkSize: 3 }, () => {});
    const tracer = tracerProvider.getTracer("test");
    const producers = ["a", "b", "c"].map((name) => tracer.startSpan(`produce ${name}`));
    const propagator = new W3CTraceContextPropagator();
    for (const producer of producers) {
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, producer), headers, {
        set: (carrier, key, value) => {
          carrier[key] = value;
        },
      });
      producer.end();
      queue.put("m", { headers });
    }
    const done = collectEvents(romeways, "message:outcome", 3);
    await romeways.start();
    await done;
    await romeways.stop();
    const receive = exporter.getFinishedSpans().find((s) => s.name === "receive batch");
    expect(receive?.attributes["messaging.batch.message_count"]).toBe(3);
    expect(receive?.attributes["messaging.operation.type"]).toBe("receive");
    expect(receive?.links.map((link) => link.context.spanId)).toEqual(
      producers.map((producer) => producer.spanContext().spanId),
    );
  });

  test("a dead letter carries the failed delivery's trace context, and its span says why", async () => {
    const romeways = tracedApp();
    const queue = new MemoryQueue();
    romeways.queueConsumer(
      "invoices",
      { connectorName: "mem", queue, deadLetterQueue: "invoices.dlq" },
      () => {
        throw new TypeError("no customer");
      },
    );
    // The dead letter goes to the memory queue of that name, which this consumer reads.
    romeways.queueConsumer("invoices.dlq", { connectorName: "mem" }, () => {});
    const done = collectEvents(romeways, "message:outcome", 2);
    queue.put("invoice 7");
    await romeways.start();
    // The dead letter may be handled before its source's outcome is emitted: pick them by queue.
    const outcomes = await done;
    const failed = outcomes.find((o) => o.queueName === "invoices");
    const dead = outcomes.find((o) => o.queueName === "invoices.dlq");
    await romeways.stop();
    const failedSpan = processSpans().find((s) => s.name === "process invoices");
    const deadSpan = processSpans().find((s) => s.name === "process invoices.dlq");
    expect(failed?.outcome.outcome).toBe("dead-lettered");
    expect(failedSpan?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failedSpan?.attributes).toMatchObject({
      "romeways.outcome": "dead-lettered",
      "romeways.dead_letter.reason": "failed",
      "error.type": "TypeError",
    });
    expect(failedSpan?.events.map((event) => event.name)).toContain("exception");
    expect(parseTraceparent(dead?.raw.headers?.traceparent)?.spanId).toBe(
      failedSpan?.spanContext().spanId,
    );
    expect(deadSpan?.parentSpanContext?.spanId).toBe(failedSpan?.spanContext().spanId);
  });

  test("a message that says where it sits (Kafka's partition and offset) has them on its span", async () => {
    const romeways = createRomeways({
      logger: silent,
      handleSignals: false,
      instrumentation: openTelemetry({ tracerProvider, metrics: false }),
    });
    class PartitionedConnector extends MemoryQueueConnector {
      override async getMessages(max: number, signal: AbortSignal) {
        const messages = await super.getMessages(max, signal);
        return messages.map((raw) => Object.assign(raw, { partition: 3, offset: "1207" }));
      }
    }
    romeways.connectorRegister({ connector: PartitionedConnector, config: { connectorName: "p" } });
    const queue = new MemoryQueue();
    romeways.queueConsumer("events", { connectorName: "p", queue }, () => {});
    const done = collectEvents(romeways, "message:outcome", 1);
    queue.put("e");
    await romeways.start();
    await done;
    await romeways.stop();
    expect(processSpans()[0]?.attributes).toMatchObject({
      "messaging.system": "partitioned",
      "messaging.destination.partition.id": "3",
      "messaging.kafka.offset": 1207,
    });
  });

  test("with propagator: propagation, the global propagator reads and writes the headers", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const romeways = createRomeways({
        logger: silent,
        handleSignals: false,
        instrumentation: openTelemetry({ tracerProvider, metrics: false, propagator: propagation }),
      });
      romeways.connectorRegister({
        connector: MemoryQueueConnector,
        config: { connectorName: "g" },
      });
      const queue = new MemoryQueue();
      romeways.queueConsumer("global", { connectorName: "g", queue, resendDelayMs: 0 }, (m) => {
        if (m.rwResendTimes === 0) throw new ResendError("again");
      });
      const done = collectEvents(romeways, "message:outcome", 2);
      queue.put("x");
      await romeways.start();
      await done;
      await romeways.stop();
      const [first, second] = processSpans();
      expect(second?.parentSpanContext?.spanId).toBe(first?.spanContext().spanId);
    } finally {
      propagation.disable();
    }
  });

  test("one openTelemetry() serves one app: a second app is a ConfigError naming the field", () => {
    const instrumentation = openTelemetry({ tracerProvider });
    createRomeways({ logger: silent, handleSignals: false, instrumentation });
    let thrown: unknown;
    try {
      createRomeways({ logger: silent, handleSignals: false, instrumentation });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).field).toBe("instrumentation");
  });

  test("without an instrumentation, a resend carries no trace header and no span is recorded", async () => {
    const romeways = createRomeways({ logger: silent, handleSignals: false });
    romeways.connectorRegister({
      connector: MemoryQueueConnector,
      config: { connectorName: "mem" },
    });
    const queue = new MemoryQueue();
    const seen: (Record<string, string> | undefined)[] = [];
    romeways.queueConsumer("plain", { connectorName: "mem", queue }, (message) => {
      seen.push(message.raw.headers);
      if (message.rwResendTimes === 0) throw new ResendError("again");
    });
    const done = collectEvents(romeways, "message:outcome", 2);
    queue.put("x");
    await romeways.start();
    await done;
    await romeways.stop();
    expect(seen[1]?.traceparent).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
