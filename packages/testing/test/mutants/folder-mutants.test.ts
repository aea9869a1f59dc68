// The conformance suite run over the example's folder connector broken on purpose.
import { mkdtempSync, rmSync } from "node:fs";
import { readdir, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConformanceRunOptions } from "@romeways/testing";
import { afterAll, describe, expect, test } from "vitest";
import { FolderConnector, QueueFolder } from "../../../../examples/custom-connector/src/index.js";
import { promiseNames, wrapperMutants } from "./broken-connectors.js";
import { expectKilled } from "./kill-mutant.js";

const directory = mkdtempSync(join(tmpdir(), "romeways-folder-mutants-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const config = { connectorName: "folder", directory };
const folder = (queueName: string) =>
  new FolderConnector(config, { connectorName: "folder" }, queueName);

const started = new Set<string>();

/** A group created at the end of the queue on its first consumer's start: what waits is skipped. */
class StartsAtTheEnd extends FolderConnector {
  constructor(private readonly queueName: string) {
    super(config, { connectorName: "folder" }, queueName);
  }
  override async start(): Promise<void> {
    if (!started.has(this.queueName)) {
      started.add(this.queueName);
      const queueFolder = new QueueFolder(directory, this.queueName);
      await queueFolder.create();
      for (const name of await readdir(queueFolder.ready))
        await unlink(join(queueFolder.ready, name));
    }
    await super.start();
  }
}

/**
 * Leaves in flight what this live process holds, as a lease broker leaves a message to a
 * holder that keeps renewing: an instance that was only abandoned never lets go.
 */
class LeaseHeldWhileAlive extends FolderConnector {
  constructor(queueName: string) {
    super(config, { connectorName: "folder" }, queueName);
    // The example keeps its folder private; the mutant reaches in to turn recovery off.
    const queueFolder = Reflect.get(this, "folder") as QueueFolder;
    queueFolder.recoverOrphans = async () => 0;
  }
}

const base: Omit<ConformanceRunOptions, "connector"> = {
  name: "folder mutant",
  timeoutMs: 3_000,
  manyMessages: 200,
  durable: true,
  removeQueue: (queueName) => rm(join(directory, queueName), { recursive: true, force: true }),
};

describe("the conformance suite fails the folder connector broken on purpose", () => {
  test.each(wrapperMutants)("$name", async (mutant) => {
    await expectKilled("folder", mutant, {
      ...base,
      connector: (queueName) => mutant.wrap(folder(queueName)),
    });
  });

  test("a group that starts at the end of the queue", async () => {
    await expectKilled(
      "folder",
      {
        name: "group starts at the end of the queue",
        killedBy: promiseNames.sentBeforeConsumer,
        because: /did not reach its first consumer/,
        evades: [promiseNames.neverStartedSends],
      },
      { ...base, connector: (queueName) => new StartsAtTheEnd(queueName) },
    );
  });

  test("a lease held while the process lives, without a crash option, fails with the hint to pass one", async () => {
    const results = await expectKilled(
      "folder",
      {
        name: "lease held by a live instance, no crash",
        killedBy: promiseNames.crash,
        because: /pass `crash` to testConnector/,
      },
      { ...base, connector: (queueName) => new LeaseHeldWhileAlive(queueName) },
    );
    const crash = results.find((result) => result.name === promiseNames.crash);
    expect(crash?.error?.message).toMatch(/pass `crash` to testConnector/);
  });
});
