import { describe, expect, test } from "vitest";
import { MemoryQueue, MemoryQueueConnector } from "../src/index.js";

const text = (body: Uint8Array | null) => (body === null ? null : new TextDecoder().decode(body));

describe("MemoryQueue", () => {
  test("put takes strings and bytes; size counts what waits", () => {
    const queue = new MemoryQueue();
    queue.put("hello");
    queue.put(new Uint8Array([1, 2, 3]));
    expect(queue.size).toBe(2);
  });

  test("put refuses anything but a string or bytes, with a message that says so", () => {
    const queue = new MemoryQueue();
    expect(() => queue.put(42 as unknown as string)).toThrow(/string or a Uint8Array/);
  });

  test("take waits for the first message instead of returning empty at once", async () => {
    const queue = new MemoryQueue();
    const taking = queue.take(5, new AbortController().signal);
    queue.put("first");
    expect((await taking).map((m) => text(m.body))).toEqual(["first"]);
  });

  test("take returns an empty chunk at once when aborted", async () => {
    const queue = new MemoryQueue();
    const controller = new AbortController();
    const taking = queue.take(5, controller.signal);
    controller.abort();
    expect(await taking).toEqual([]);
    queue.put("kept");
    expect(queue.size).toBe(1);
  });

  test("two waiting takers never get the same message", async () => {
    const queue = new MemoryQueue();
    const signal = new AbortController().signal;
    const a = queue.take(1, signal);
    const b = queue.take(1, signal);
    queue.put("one");
    queue.put("two");
    const got = [...(await a), ...(await b)].map((m) => text(m.body));
    expect(got.sort()).toEqual(["one", "two"]);
  });

  test("stays FIFO across many messages and compactions", async () => {
    const queue = new MemoryQueue();
    for (let i = 0; i < 5000; i++) queue.put(String(i));
    const seen: string[] = [];
    const signal = new AbortController().signal;
    while (queue.size > 0)
      for (const m of await queue.take(7, signal)) seen.push(text(m.body) ?? "");
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
  });

  test("MemoryQueue.named gives one queue per name", () => {
    expect(MemoryQueue.named("a.b")).toBe(MemoryQueue.named("a.b"));
    expect(MemoryQueue.named("a.b")).not.toBe(MemoryQueue.named("a.c"));
  });
});

describe("MemoryQueueConnector", () => {
  const config = { connectorName: "mem" };

  test("what was taken and not acknowledged goes back to the front of the queue on stop", async () => {
    const queue = new MemoryQueue();
    for (const p of ["1", "2", "3", "4"]) queue.put(p);
    const connector = new MemoryQueueConnector(config, { connectorName: "mem", queue }, "q");
    await connector.start();
    const taken = await connector.getMessages(3, new AbortController().signal);
    await connector.ack(taken.slice(0, 1));
    await connector.stop();
    const again = await queue.take(10, new AbortController().signal);
    expect(again.map((m) => text(m.body))).toEqual(["2", "3", "4"]);
  });

  test("sendMessage without start() delivers to the queue named after the connector's queue", async () => {
    const connector = new MemoryQueueConnector(
      config,
      { connectorName: "mem" },
      "orders.dead-send",
    );
    await connector.sendMessage({ body: new TextEncoder().encode("x"), headers: { h: "1" } });
    const [message] = await MemoryQueue.named("orders.dead-send").take(
      1,
      new AbortController().signal,
    );
    expect(message?.headers).toEqual({ h: "1" });
  });
});
