import {
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type {
  Handler,
  Message,
  Outcome,
  OutgoingMessage,
  QueueRef,
  RawMessage,
} from "@romeways/core";
import { attributeNames, type MessagingAttributes, setPosition } from "./messaging-attributes.js";
import { type Headers, headerGetter, headerSetter } from "./trace-context.js";

/**
 * The spans of messages: `process <queue>` (CONSUMER) around each handler call, a child of the
 * trace context the message carries and linked to it; `receive <queue>` per poll, linked to
 * each message's context (the chunk); `create <queue>` (PRODUCER) per publish. A resend and a
 * dead letter carry the context of the delivery they come from, so the next delivery's span
 * is a child of it and one trace follows the message through its resends.
 */
export class MessageSpans {
  /** The span of each message being handled, until its outcome is final. */
  private readonly open = new WeakMap<Message, Span>();

  constructor(
    private readonly tracer: Tracer,
    private readonly propagator: TextMapPropagator<Headers>,
    private readonly attributes: MessagingAttributes,
  ) {}

  /** The handler, run with its message's span active (so what it publishes joins the trace). */
  wrapHandler(handler: Handler, ref: QueueRef): Handler {
    const name = `process ${ref.queueName}`;
    const attributes = this.attributes.withOperation(ref, "process", "process");
    return (message) => {
      const { raw } = message;
      const parent = this.extract(raw);
      const creation = trace.getSpanContext(parent);
      const span = this.tracer.startSpan(
        name,
        {
          kind: SpanKind.CONSUMER,
          attributes,
          links: creation === undefined ? [] : [{ context: creation }],
        },
        parent,
      );
      // Unsampled (or no SDK): the counter is not decoded for nothing.
      if (span.isRecording()) {
        span.setAttribute(attributeNames.bodySize, raw.body?.byteLength ?? 0);
        span.setAttribute(attributeNames.resendTimes, message.rwResendTimes);
        setPosition(raw, span);
      }
      this.open.set(message, span);
      return context.with(trace.setSpan(parent, span), handler, undefined, message);
    };
  }

  /** One poll's chunk: a `receive` span linked to the trace context of each message. */
  received(chunk: readonly RawMessage[], ref: QueueRef): void {
    const links: Link[] = [];
    for (const raw of chunk) {
      const creation = trace.getSpanContext(this.extract(raw));
      if (creation !== undefined) links.push({ context: creation });
    }
    const span = this.tracer.startSpan(
      `receive ${ref.queueName}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: this.attributes.withOperation(ref, "receive", "receive"),
        links,
      },
      ROOT_CONTEXT,
    );
    span.setAttribute(attributeNames.batchCount, chunk.length);
    span.end();
  }

  /**
   * A message core sends gets a trace context: a resend or dead letter the one of the
   * delivery it comes from; a publish a `create` span's, a child of the active context.
   */
  sending(outgoing: OutgoingMessage): void {
    const source = outgoing.source === undefined ? undefined : this.open.get(outgoing.source);
    if (source !== undefined) {
      this.inject(trace.setSpan(ROOT_CONTEXT, source), outgoing.headers);
      return;
    }
    const parent = context.active();
    const span = this.tracer.startSpan(
      `create ${outgoing.queueName}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: this.attributes.withOperation(outgoing, "create", outgoing.kind),
      },
      parent,
    );
    this.inject(trace.setSpan(parent, span), outgoing.headers);
    span.end();
  }

  /** The outcome is final: the message's span ends, saying how. */
  settled(message: Message | undefined, outcome: Outcome): void {
    if (message === undefined) return;
    const span = this.open.get(message);
    if (span === undefined) return;
    this.open.delete(message);
    span.setAttribute(attributeNames.outcome, outcome.outcome);
    switch (outcome.outcome) {
      case "resent":
        // The handler asked for it: recorded, but no error status.
        span.recordException(outcome.error);
        break;
      case "dead-lettered":
        span.setAttribute(attributeNames.deadLetterReason, outcome.reason);
        this.failed(span, outcome.error);
        break;
      case "failed":
        this.failed(span, outcome.error);
        break;
      default:
        break;
    }
    span.end();
  }

  private failed(span: Span, error: Error): void {
    span.recordException(error);
    span.setAttribute(attributeNames.errorType, error.name || "_OTHER");
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }

  private extract(raw: RawMessage): Context {
    const { headers } = raw;
    if (headers === undefined) return ROOT_CONTEXT;
    return this.propagator.extract(ROOT_CONTEXT, headers, headerGetter);
  }

  private inject(active: Context, headers: Headers): void {
    this.propagator.inject(active, headers, headerSetter);
  }
}
