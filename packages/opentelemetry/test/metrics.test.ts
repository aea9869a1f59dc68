// Metrics on the real OTel metrics SDK: scraped over HTTP through OTel's Prometheus exporter,
// and read from an in-memory reader; messages on the memory connector.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import {
  AggregationTemporality,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { type ConnectorHealth, createRomeways, type Logger, ResendError } from "@romeways/core";
import { openTelemetry } from "@romeways/opentelemetry";
import { collectEvents } from "@romeways/testing";
import { afterEach, describe, expect, test } from "vitest";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An app on a memory queue whose metrics go to `meterProvider`. */
function meteredApp(meterProvider: MeterProvider) {
  const romeways = createRomeways({
    logger: silent,
    handleSignals: false,
    instrumentation: openTelemetry({ meterProvider, traces: false }),
  });
  romeways.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
  cleanups.push(() => romeways.stop());
  return romeways;
}

/** A reader the test collects from when it wants, with no timer. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
  async read(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect();
    expect(errors).toEqual([]);
    return resourceMetrics;
  }
}

function metricNamed(metrics: ResourceMetrics, name: string) {
  const found = metrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  return found;
}

describe("metrics of @romeways/opentelemetry", () => {
  test("a Prometheus scrape over HTTP shows the outcome counters after 1,000 messages", async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    cleanups.push(() => meterProvider.shutdown());
    // The exporter's handler on the app's own server (here on a free port).
    const server: Server = createServer((request, response) => {
      if (request.url === "/metrics") exporter.getMetricsRequestHandler(request, response);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;

    const romeways = meteredApp(meterProvider);
    const queue = new MemoryQueue();
    romeways.queueConsumer(
      "orders",
      { connectorName: "mem", queue, maxChunkSize: 50, deadLetterQueue: "orders.metrics-dlq" },
      (message) => {
        const n = Number(message.payload);
        if (n % 10 === 0 && message.rwResendTimes === 0) throw new ResendError("not yet");
        if (n % 25 === 1) throw new TypeError("bad order");
      },
    );
    // 1,000 messages: 100 resent once then handled, 40 dead-lettered; and 5 without a body.
    const outcomes = collectEvents(romeways, "message:outcome", 1_000 + 100 + 5);
    for (let n = 0; n < 1_000; n++) queue.put(String(n));
    for (let n = 0; n < 5; n++) queue.putRaw({ body: null });
    await romeways.start();
    await outcomes;

    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    console.log(
      text
        .split("\n")
        .filter((line) =>
          /^(# (HELP|TYPE) )?romeways_|^messaging_(process_duration_count|client_sent)/.test(line),
        )
        .join("\n"),
    );
    const counter = (outcome: string) => {
      const line = text
        .split("\n")
        .find(
          (l) =>
            l.startsWith("romeways_messages_total{") && l.includes(`romeways_outcome="${outcome}"`),
        );
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
    };
    expect(text).toContain("# TYPE romeways_messages_total counter");
    expect(counter("handled")).toBe(960);
    expect(counter("resent")).toBe(100);
    expect(counter("dead-lettered")).toBe(40);
    expect(counter("discarded")).toBe(5);
    expect(text).toMatch(
      /romeways_messages_total\{[^}]*messaging_system="memory"[^}]*messaging_destination_name="orders"[^}]*romeways_outcome="handled"[^}]*\} 960/,
    );
    expect(text).toMatch(
      /messaging_client_sent_messages_total\{[^}]*messaging_destination_name="orders"[^}]*messaging_operation_type="send",messaging_operation_name="resend"[^}]*\} 100/,
    );
    expect(text).toMatch(
      /messaging_client_sent_messages_total\{[^}]*messaging_destination_name="orders.metrics-dlq"[^}]*messaging_operation_name="dead-letter"[^}]*\} 40/,
    );
    expect(text).toMatch(
      /messaging_process_duration_count\{[^}]*romeways_outcome="handled"[^}]*\} 960/,
    );
  });

  test("the lag gauge shows what the connector's health() reports, per queue", async () => {
    const reader = new CollectingReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    cleanups.push(() => meterProvider.shutdown());
    const romeways = createRomeways({
      logger: silent,
      handleSignals: false,
      instrumentation: openTelemetry({ meterProvider, traces: false }),
    });
    cleanups.push(() => romeways.stop());
    class LaggingConnector extends MemoryQueueConnector {
      health(): ConnectorHealth {
        return { connected: true, lag: 42 };
      }
    }
    romeways.connectorRegister({
      connector: LaggingConnector,
      config: { connectorName: "lagging" },
    });
    romeways.queueConsumer(
      "behind",
      { connectorName: "lagging", queue: new MemoryQueue() },
      () => {},
    );
    await romeways.start();
    const lag = metricNamed(await reader.read(), "romeways.consumer.lag");
    expect(lag.dataPoints.map((point) => point.value)).toEqual([42]);
    expect(lag.dataPoints[0]?.attributes).toMatchObject({
      "messaging.system": "lagging",
      "messaging.destination.name": "behind",
    });
  });

  test("durations, consumed messages and in-flight messages, with messaging attributes", async () => {
    const reader = new CollectingReader({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    cleanups.push(() => meterProvider.shutdown());
    const romeways = meteredApp(meterProvider);
    const queue = new MemoryQueue();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    romeways.queueConsumer(
      "slow",
      { connectorName: "mem", queue, maxChunkSize: 3 },
      async (message) => {
        if (message.payload === "hold") await released;
      },
    );
    const handledFirst = collectEvents(romeways, "message:outcome", 2);
    queue.put("fast");
    queue.put("fast");
    await romeways.start();
    await handledFirst;
    const started = collectEvents(romeways, "message:received", 3);
    for (let n = 0; n < 3; n++) queue.put("hold");
    await started;

    const during = await reader.read();
    const inFlight = metricNamed(during, "romeways.messages.in_flight");
    expect(inFlight.dataPoints.map((point) => point.value)).toEqual([3]);
    expect(inFlight.dataPoints[0]?.attributes).toMatchObject({
      "messaging.system": "memory",
      "messaging.destination.name": "slow",
      "romeways.connector.name": "mem",
    });

    const done = collectEvents(romeways, "message:outcome", 3);
    release();
    await done;
    // (In flight counts until the acknowledgement, which follows the outcome.)
    const after = await reader.read();
    const consumed = metricNamed(after, "messaging.client.consumed.messages");
    expect(consumed.dataPoints[0]?.value).toBe(5);
    const duration = metricNamed(after, "messaging.process.duration");
    expect(duration.descriptor.unit).toBe("s");
    const point = duration.dataPoints[0] as { value: Histogram; attributes: object } | undefined;
    expect(point?.value.count).toBe(5);
    expect(point?.attributes).toMatchObject({
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "romeways.outcome": "handled",
    });
  });
});
