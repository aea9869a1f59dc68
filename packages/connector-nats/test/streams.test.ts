// Streams the user made: one stream for several queues' subjects, and `declare: false`.
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { NatsQueueConnector } from "@romeways/connector-nats";
import { type RawMessage, RomewaysError } from "@romeways/core";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { connectorConfig, natsUrl, queueConfig, uniqueSubject } from "./nats-test-kit.js";

const text = (message: RawMessage): string => Buffer.from(message.body ?? []).toString("utf8");

let nc: NatsConnection;
beforeAll(async () => {
  nc = await connect({ servers: natsUrl() });
});
afterAll(() => nc?.close());

/** A stream of the test's own for `<prefix>.>`, deleted when the test ends. */
async function wildcardStream(): Promise<{ name: string; prefix: string }> {
  const prefix = uniqueSubject("orders");
  const name = `${prefix}-all`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${prefix}.>`] });
  onTestFinished(async () => {
    await jsm.streams.delete(name);
  });
  return { name, prefix };
}

async function started(connector: NatsQueueConnector): Promise<NatsQueueConnector> {
  await connector.start();
  onTestFinished(() => connector.stop());
  return connector;
}

describe("streams the user made", () => {
  test("queues whose subjects one stream captures share it, each with its own consumer", async () => {
    const { name, prefix } = await wildcardStream();
    const queues = [`${prefix}.placed`, `${prefix}.paid`];
    const [placed, paid] = await Promise.all(
      queues.map((queue, i) =>
        started(
          new NatsQueueConnector(connectorConfig(), queueConfig(queue, { group: `g${i}` }), queue),
        ),
      ),
    );
    await placed?.sendMessage({ body: new TextEncoder().encode("placed 1") });
    await paid?.sendMessage({ body: new TextEncoder().encode("paid 1") });
    const fromPaid = await paid?.getMessages(10, AbortSignal.timeout(10_000));
    expect(fromPaid?.map(text)).toEqual(["paid 1"]);
    expect(fromPaid?.[0]).toMatchObject({ stream: name, subject: `${prefix}.paid` });
    const fromPlaced = await placed?.getMessages(10, AbortSignal.timeout(10_000));
    expect(fromPlaced?.map(text)).toEqual(["placed 1"]);
    const info = await (await jetstreamManager(nc)).streams.info(name);
    expect(info.state.messages).toBe(2);
    expect(
      (await (await jetstreamManager(nc)).streams.names().next()).includes(`${prefix}_paid`),
    ).toBe(false);
  });

  test("declare: false makes nothing, and start() names what is missing", async () => {
    const queue = uniqueSubject();
    const connector = new NatsQueueConnector(
      connectorConfig({ declare: false }),
      queueConfig(queue),
      queue,
    );
    const error = await connector.start().catch((caught: unknown) => caught);
    expect(RomewaysError.isInstance(error) && error.code).toBe("ROMEWAYS_NATS_CONSUMER");
    expect(String(error)).toContain(`stream "${queue}" does not exist, and declare is false`);
    expect(await (await jetstreamManager(nc)).streams.names().next()).not.toContain(queue);
  });
});
