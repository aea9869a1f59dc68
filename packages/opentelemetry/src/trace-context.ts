import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from "@opentelemetry/api";

/** Message headers, as `RawMessage.headers` holds them. */
export type Headers = Record<string, string>;

const traceparentHeader = "traceparent";
const tracestateHeader = "tracestate";
// version "00": exactly 55 characters; a later version may append fields after a "-".
const traceparentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C Trace Context (`traceparent`, `tracestate`) on message headers. The default propagator
 * of `openTelemetry()`, so a trace crosses the broker even where no global propagator is set
 * (the API's default one writes nothing); pass `propagator: propagation` to use the global one.
 */
export class W3CTraceContextPropagator implements TextMapPropagator<Headers> {
  inject(context: Context, carrier: Headers, setter: TextMapSetter<Headers>): void {
    const span = trace.getSpanContext(context);
    if (span === undefined || !isSpanContextValid(span)) return;
    const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, "0");
    setter.set(carrier, traceparentHeader, `00-${span.traceId}-${span.spanId}-${flags}`);
    const state = span.traceState?.serialize();
    if (state) setter.set(carrier, tracestateHeader, state);
  }

  extract(context: Context, carrier: Headers, getter: TextMapGetter<Headers>): Context {
    const parent = parseTraceparent(single(getter.get(carrier, traceparentHeader)));
    if (parent === undefined) return context;
    const state = getter.get(carrier, tracestateHeader);
    const joined = Array.isArray(state) ? state.join(",") : state;
    if (joined) parent.traceState = createTraceState(joined);
    return trace.setSpanContext(context, parent);
  }

  fields(): string[] {
    return [traceparentHeader, tracestateHeader];
  }
}

/** The span context a `traceparent` value names; undefined for anything malformed. */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (value === undefined) return undefined;
  const match = traceparentPattern.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  // "ff" is forbidden; version 00 has no trailing fields.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(context) ? context : undefined;
}

/** Reads headers by exact name first, then ignoring case (brokers and proxies vary). */
export const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    const lower = key.toLowerCase();
    for (const name of Object.keys(carrier)) {
      if (name.toLowerCase() === lower) return carrier[name];
    }
    return undefined;
  },
};

/** Writes a header, replacing one of the same name in another case (an old trace context). */
export const headerSetter: TextMapSetter<Headers> = {
  set(carrier, key, value) {
    const lower = key.toLowerCase();
    for (const name of Object.keys(carrier)) {
      if (name !== key && name.toLowerCase() === lower) delete carrier[name];
    }
    carrier[key] = value;
  },
};

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
