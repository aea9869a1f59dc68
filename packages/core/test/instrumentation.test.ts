import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { describe, expect, test } from "vitest";
import {
  createRomeways,
  type Instrumentation,
  type Logger,
  type OutgoingMessage,
  ResendError,
} from "../src/index.js";
import { collectEvents } from "./support.js";

function recordingLogger() {
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (_fields, message) => errors.push(String(message)),
  };
  return { errors, logger };
}

function appWith(instrumentation: Instrumentation, logger: Logger) {
  const app = createRomeways({ logger, handleSignals: false, instrumentation });
  app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
  return app;
}

describe("instrumentation hooks", () => {
  test("each hook sees what it is documented to: the app, the handler, each chunk, each resend", async () => {
    const { logger } = recordingLogger();
    const seen: string[] = [];
    const outgoing: OutgoingMessage[] = [];
    const queue = new MemoryQueue();
    const instrumentation: Instrumentation = {
      attach: (app) => seen.push(`attach ${app.isWorker}`),
      wrapHandler: (handler, ref) => {
        seen.push(`wrap ${ref.connectorName}/${ref.queueName}`);
        return (message) => {
          seen.push(`handle ${message.payload}`);
          return handler(message);
        };
      },
      received: (chunk, ref) => seen.push(`chunk ${ref.queueName} ${chunk.length}`),
      sending: (message) => {
        outgoing.push(message);
        message.headers.traceparent = "set-by-hook";
      },
    };
    const app = appWith(instrumentation, logger);
    const received: (Record<string, string> | undefined)[] = [];
    app.queueConsumer("q", { connectorName: "mem", queue, resendDelayMs: 0 }, (message) => {
      received.push(message.raw.headers);
      if (message.rwResendTimes === 0) throw new ResendError("again");
    });
    const done = collectEvents(app, "message:outcome", 2);
    const original = { origin: "producer" };
    queue.put("a", { headers: original });
    await app.start();
    await done;
    await app.stop();
    expect(seen).toEqual([
      "attach false",
      "wrap mem/q",
      "chunk q 1",
      "handle a",
      "chunk q 1",
      "handle a",
    ]);
    expect(outgoing).toHaveLength(1);
    expect(outgoing[0]).toMatchObject({ kind: "resend", connectorName: "mem", queueName: "q" });
    expect(outgoing[0]?.source?.payload).toBe("a");
    expect(received[1]).toMatchObject({ origin: "producer", traceparent: "set-by-hook" });
    // The delivered message's own headers object is not the one the hook wrote to.
    expect(original).toEqual({ origin: "producer" });
  });

  test("a hook that throws is logged and changes nothing for the message", async () => {
    const { errors, logger } = recordingLogger();
    const queue = new MemoryQueue();
    const app = appWith(
      {
        wrapHandler: () => {
          throw new Error("wrap broke");
        },
        received: () => {
          throw new Error("received broke");
        },
        sending: () => {
          throw new Error("sending broke");
        },
      },
      logger,
    );
    app.queueConsumer("q", { connectorName: "mem", queue, resendDelayMs: 0 }, (message) => {
      if (message.rwResendTimes === 0) throw new ResendError("again");
    });
    const done = collectEvents(app, "message:outcome", 2);
    queue.put("a");
    await app.start();
    const outcomes = await done;
    await app.stop();
    expect(outcomes.map((event) => event.outcome.outcome)).toEqual(["resent", "handled"]);
    expect(errors).toContain("the instrumentation's wrapHandler() threw: wrap broke");
    expect(errors).toContain("the instrumentation's received() threw: received broke");
    expect(errors).toContain("the instrumentation's sending() threw: sending broke");
  });
});
