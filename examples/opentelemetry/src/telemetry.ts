// The OpenTelemetry SDK of this example: spans kept in memory (to print them), metrics served
// to Prometheus by OTel's exporter, mounted on a plain HTTP server of the app's own.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

export async function startTelemetry(port = 9464) {
  // Makes a handler's span the active one across its awaits (a publish in it joins the trace).
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
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
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    tracerProvider,
    meterProvider,
    metricsUrl: `http://127.0.0.1:${bound}/metrics`,
    finishedSpans: () => spans.getFinishedSpans(),
    async shutdown() {
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
