import {
  MemoryQueue,
  type MemoryQueueConfig,
  MemoryQueueConnector,
} from "@romeways/connector-memory";
import { afterEach, describe, expect, test } from "vitest";
import {
  type ConnectorConfig,
  createRomeways,
  type RawMessage,
  ResendError,
  type Romeways,
  romewaysHeaders,
} from "../src/index.js";
import { bodyText, collectEvents, nextEvent, silentLogger, steppingClock } from "./support.js";

/** What kafkajs throws for a message over the topic's max.message.bytes: never worth retrying. */
function tooLarge(): Error {
  return Object.assign(
    new Error(
      "The request included a message larger than the max message size the server will accept",
    ),
    {
      retriable: false,
    },
  );
}

/** A memory connector whose own queue refuses every publish (a resend) with `refusal()`. */
function refusingConnector(refusal: () => Error) {
  const attempts: string[] = [];
  const sent: RawMessage[] = [];
  class Refusing extends MemoryQueueConnector {
    constructor(
      config: ConnectorConfig,
      queueConfig: MemoryQueueConfig,
      private readonly name: string,
    ) {
      super(config, queueConfig, name);
    }
    override async sendMessage(message: RawMessage) {
      attempts.push(`${this.name} ${bodyText(message)}`);
      if (this.name === "orders") throw refusal();
      sent.push(message);
      return super.sendMessage(message);
    }
  }
  return { attempts, sent, Connector: Refusing };
}

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

function start(withDeadLetters: boolean, refusal: () => Error) {
  const { clock } = steppingClock();
  app = createRomeways({ logger: silentLogger, handleSignals: false, clock });
  const queue = new MemoryQueue();
  const { attempts, sent, Connector } = refusingConnector(refusal);
  app.connectorRegister({ connector: Connector, config: { connectorName: "mem" } });
  const handled: string[] = [];
  app.queueConsumer(
    "orders",
    {
      connectorName: "mem",
      queue,
      resendDelayMs: 0,
      ...(withDeadLetters ? { deadLetterQueue: "orders-dlq" } : {}),
    },
    async (message) => {
      if (message.payload === "too big") throw new ResendError("not ready");
      handled.push(message.payload);
    },
  );
  return { app, queue, attempts, sent, handled };
}

describe("a resend the broker refuses for good does not block the queue", () => {
  test("it is dead-lettered with reason send-failed, and the next message is handled", async () => {
    const { app, queue, attempts, sent, handled } = start(true, tooLarge);
    const dead = nextEvent(app, "message:dead-lettered");
    const nextHandled = nextEvent(app, "message:handled", {
      where: (e) => e.queueName === "orders",
    });
    queue.put("too big");
    queue.put("next");
    await app.start();
    const event = await dead;
    expect(event.reason).toBe("send-failed");
    expect(event.error.message).toMatch(/refused the resend .* for good: .*max message size/);
    // The resend is the Python envelope around the payload; three refusals, then the dead letter.
    expect(attempts.filter((a) => a.startsWith("orders "))).toHaveLength(3);
    expect(attempts.at(-1)).toBe("orders-dlq too big");
    expect(sent[0]?.headers?.[romewaysHeaders.deadLetterReason]).toBe("send-failed");
    expect((await nextHandled).message.payload).toBe("next");
    expect(handled).toEqual(["next"]);
  });

  test("without a dead-letter queue it fails, named, and the next message is handled", async () => {
    const { app, queue, handled } = start(false, tooLarge);
    const failed = nextEvent(app, "message:failed");
    const nextHandled = nextEvent(app, "message:handled");
    queue.put("too big");
    queue.put("next");
    await app.start();
    const event = await failed;
    expect(event.error.message).toMatch(/refused the resend/);
    expect((event.error.cause as Error).message).toMatch(/max message size/);
    expect((await nextHandled).message.payload).toBe("next");
    expect(handled).toEqual(["next"]);
  });

  test("an error that may pass is retried until the publish lands", async () => {
    let refusals = 0;
    const transient = () => new Error(`broker unreachable (${++refusals})`);
    const { app, queue } = start(false, transient);
    const errors = collectEvents(app, "connector:error", 5);
    queue.put("too big");
    await app.start();
    // Five refusals, past the three a permanent refusal gets: still retried, still sending.
    expect((await errors).map((e) => e.phase)).toEqual(["send", "send", "send", "send", "send"]);
  });
});
