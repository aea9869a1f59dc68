// @romeways/opentelemetry on a real Kafka broker: 1,000 messages, a Prometheus scrape over HTTP,
// and the trace of resent messages through the topic.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { createRomeways, type Logger, ResendError } from "@romeways/core";
import { openTelemetry, W3CTraceContextPropagator } from "@romeways/opentelemetry";
import { collectEvents } from "@romeways/testing";
import { afterAll, beforeAll, expect, onTestFinished, test } from "vitest";
import {
  connectorConfig,
  createTestTopic,
  produce,
  queueConfig,
} from "../../connector-kafka/test/kafka-test-kit.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => context.disable());

const describeSpan = (span: ReadableSpan) =>
  `${span.name} trace=${span.spanContext().traceId} span=${span.spanContext().spanId} parent=${span.parentSpanContext?.spanId ?? "-"} links=${span.links.length > 3 ? `${span.links.length} (the chunk)` : `[${span.links.map((l) => l.context.spanId).join(",")}]`} partition=${span.attributes["messaging.destination.partition.id"] ?? "-"} offset=${span.attributes["messaging.kafka.offset"] ?? "-"} outcome=${span.attributes["romeways.outcome"] ?? "-"}`;

test("1,000 messages on Kafka: the scrape shows the outcome counters, and each resend's delivery is a child span of the first", async () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [prometheus] });
  const server = createServer((request, response) => {
    if (request.url === "/metrics") prometheus.getMetricsRequestHandler(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  });

  const topic = await createTestTopic({ partitions: 2 });
  const deadLetters = await createTestTopic();
  const romeways = createRomeways({
    logger: silent,
    handleSignals: false,
    instrumentation: openTelemetry({ tracerProvider, meterProvider }),
  });
  onTestFinished(() => romeways.stop());
  romeways.connectorRegister({ connector: KafkaQueueConnector, config: connectorConfig() });
  romeways.queueConsumer(
    topic.topic,
    queueConfig(topic, {
      maxChunkSize: 100,
      resendDelayMs: 0,
      deadLetterQueue: deadLetters.topic,
    }),
    (message) => {
      const n = Number(message.payload);
      if (n % 10 === 0 && message.rwResendTimes === 0) throw new ResendError("not yet");
      if (n % 25 === 1) throw new TypeError("bad order");
    },
  );
  // Message 7 comes from a traced producer: its span is a child of the producer's.
  const producer = tracerProvider.getTracer("test").startSpan("checkout");
  const traced: Record<string, string> = {};
  new W3CTraceContextPropagator().inject(trace.setSpan(ROOT_CONTEXT, producer), traced, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  producer.end();
  const outcomes = collectEvents(romeways, "message:outcome", 1_000 + 100, {
    timeoutMs: 100_000,
  });
  await romeways.start();
  await produce(
    topic.topic,
    Array.from({ length: 1_000 }, (_, n) => ({
      key: String(n % 50),
      value: String(n),
      headers: n === 7 ? traced : {},
    })),
  );
  await outcomes;

  const { port } = server.address() as AddressInfo;
  const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const counters = scrape.split("\n").filter((line) => line.startsWith("romeways_messages_total{"));
  console.log(counters.join("\n"));
  const count = (outcome: string) =>
    Number(
      counters
        .find((line) => line.includes(`romeways_outcome="${outcome}"`))
        ?.split(" ")
        .at(-1),
    );
  expect(count("handled")).toBe(960);
  expect(count("resent")).toBe(100);
  expect(count("dead-lettered")).toBe(40);
  expect(counters[0]).toContain('messaging_system="kafka"');
  expect(counters[0]).toContain(`messaging_destination_name="${topic.topic}"`);
  expect(counters[0]).toContain(`messaging_consumer_group_name="${topic.groupId}"`);

  const finished = spans.getFinishedSpans();
  const processed = finished.filter((span) => span.name === `process ${topic.topic}`);
  expect(processed).toHaveLength(1_100);
  const resent = processed.filter((span) => span.attributes["romeways.outcome"] === "resent");
  expect(resent).toHaveLength(100);
  for (const first of resent) {
    const second = processed.find(
      (span) => span.parentSpanContext?.spanId === first.spanContext().spanId,
    );
    expect(second?.attributes["romeways.outcome"]).toBe("handled");
    expect(second?.attributes["romeways.message.resend_times"]).toBe(1);
    expect(second?.spanContext().traceId).toBe(first.spanContext().traceId);
  }
  const fromProducer = processed.find(
    (span) => span.parentSpanContext?.spanId === producer.spanContext().spanId,
  );
  expect(fromProducer?.spanContext().traceId).toBe(producer.spanContext().traceId);

  const [first] = resent;
  const chain = finished.filter(
    (span) =>
      span.spanContext().traceId === first?.spanContext().traceId ||
      span.links.some((link) => link.context.spanId === first?.spanContext().spanId),
  );
  console.log(chain.map(describeSpan).join("\n"));
});
