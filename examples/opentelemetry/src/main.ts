// Metrics and traces of a romeways app with @romeways/opentelemetry: 20 orders, one resent once.
// It scrapes its own Prometheus endpoint and prints the outcome counters and the resent
// order's trace (its second delivery is a child span of its first), then stops.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, ResendError } from "@romeways/core";
import { openTelemetry } from "@romeways/opentelemetry";
import { startTelemetry } from "./telemetry.js";

const telemetry = await startTelemetry(Number(process.env.METRICS_PORT ?? 0));
const romeways = createRomeways({
  instrumentation: openTelemetry({
    tracerProvider: telemetry.tracerProvider,
    meterProvider: telemetry.meterProvider,
  }),
});
const queue = new MemoryQueue();
romeways.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
romeways.queueConsumer("orders", { connectorName: "mem", queue, resendDelayMs: 0 }, (message) => {
  if (message.payload === "order 7" && message.rwResendTimes === 0) {
    throw new ResendError("stock not there yet");
  }
});

let outcomes = 0;
romeways.events.on("message:outcome", () => {
  if (++outcomes === 21) void report();
});
await romeways.start();
for (let n = 1; n <= 20; n++) queue.put(`order ${n}`);

async function report() {
  const scrape = await (await fetch(telemetry.metricsUrl)).text();
  for (const line of scrape.split("\n")) {
    const counter = /^romeways_messages_total\{.*romeways_outcome="([\w-]+)".*\} (\d+)$/.exec(line);
    if (counter !== null) console.log(`romeways_messages_total ${counter[1]} ${counter[2]}`);
  }
  await romeways.stop();
  const spans = telemetry.finishedSpans().filter((span) => span.name === "process orders");
  const resent = spans.find((span) => span.attributes["romeways.outcome"] === "resent");
  const again = spans.find(
    (span) => span.parentSpanContext?.spanId === resent?.spanContext().spanId,
  );
  console.log(`span ${resent?.name}: ${resent?.attributes["romeways.outcome"]}`);
  console.log(
    `child span ${again?.name}: ${again?.attributes["romeways.outcome"]}, same trace: ${again?.spanContext().traceId === resent?.spanContext().traceId}`,
  );
  await telemetry.shutdown();
}
