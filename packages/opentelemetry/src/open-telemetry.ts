import {
  type MeterProvider,
  metrics,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { ConfigError, type Instrumentation, type Romeways } from "@romeways/core";
import { MessageSpans } from "./message-spans.js";
import { MessagingAttributes } from "./messaging-attributes.js";
import { QueueMetrics } from "./queue-metrics.js";
import { type Headers, W3CTraceContextPropagator } from "./trace-context.js";

/** The instrumentation scope spans and metrics are recorded under. */
export const instrumentationScope = "@romeways/opentelemetry";

export interface OpenTelemetryOptions {
  /** Where spans go. Default: the global tracer provider (`trace.setGlobalTracerProvider`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.setGlobalMeterProvider`). */
  meterProvider?: MeterProvider;
  /**
   * How trace context is read from and written to message headers. Default: W3C Trace
   * Context (`traceparent`, `tracestate`); pass `propagation` of `@opentelemetry/api` to use
   * the global propagator (with baggage, say).
   */
  propagator?: TextMapPropagator;
  /**
   * `messaging.system` per connectorName, where the default (from the connector class:
   * "kafka", "memory", "rabbitmq", "aws_sqs", ...) is not what your backend expects.
   */
  messagingSystems?: Record<string, string>;
  /** Record spans. Default true. */
  traces?: boolean;
  /** Record metrics (in the parent process only: workers' events reach it). Default true. */
  metrics?: boolean;
  /** A `receive <queue>` span per poll, linked to each message of the chunk. Default true. */
  receiveSpans?: boolean;
}

/**
 * Metrics and traces of a romeways app on the OpenTelemetry API:
 * `createRomeways({ instrumentation: openTelemetry() })`. One instrumentation per app.
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Instrumentation {
  let app: Romeways | undefined;
  let spans: MessageSpans | undefined;
  return {
    attach(attached) {
      if (app !== undefined && app !== attached) {
        throw new ConfigError(
          "this openTelemetry() instrumentation already serves another app: call openTelemetry() once per createRomeways()",
          { field: "instrumentation" },
        );
      }
      app = attached;
      const attributes = new MessagingAttributes(attached, options.messagingSystems);
      if (options.traces !== false) {
        const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
          instrumentationScope,
        );
        const propagator = (options.propagator ??
          new W3CTraceContextPropagator()) as TextMapPropagator<Headers>;
        const messageSpans = new MessageSpans(tracer, propagator, attributes);
        spans = messageSpans;
        attached.events.on("message:outcome", ({ message, outcome }) =>
          messageSpans.settled(message, outcome),
        );
      }
      // A worker's events are forwarded to its parent, which counts them: counting here too
      // would count each message twice.
      if (options.metrics !== false && !attached.isWorker) {
        const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
          instrumentationScope,
        );
        new QueueMetrics(meter, attributes, attached).listen();
      }
    },
    wrapHandler: (handler, ref) => spans?.wrapHandler(handler, ref) ?? handler,
    received(chunk, ref) {
      if (options.receiveSpans !== false) spans?.received(chunk, ref);
    },
    sending: (outgoing) => spans?.sending(outgoing),
  };
}
