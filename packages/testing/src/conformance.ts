import type { Connector } from "@romeways/core";
import { ConformanceSession } from "./conformance-session.js";
import { connectorPromises } from "./connector-promises.js";

/** vitest's (or jest's) `describe`; passed in so that this package does not import a runner. */
export type DescribeFunction = (name: string, body: () => void) => unknown;
/** vitest's (or jest's) `test`/`it`: name, body, timeout in milliseconds. */
export type TestFunction = (name: string, body: () => Promise<void>, timeoutMs?: number) => unknown;

/** What a connector promises beyond the contract's core; every flag defaults to what ours do. */
export interface ConnectorCapabilities {
  /**
   * Messages outlive the process: one taken and never acknowledged reaches a new instance
   * even when the old one never stopped (it crashed). Default false.
   */
  durable?: boolean;
  /** Messages taken and not acknowledged are delivered again once their instance stops. Default true. */
  redelivery?: boolean;
  /** Messages come back in the order they were sent. Default true. */
  ordered?: boolean;
  /** `headers` come back as sent. Default true. */
  headers?: boolean;
  /** `key` comes back as sent (as bytes or text). Default true. */
  key?: boolean;
  /** The largest body the connector carries; the large-body test uses min(1 MiB, this). */
  maxBodyBytes?: number;
}

export interface ConnectorConformanceOptions extends ConnectorCapabilities {
  describe: DescribeFunction;
  test: TestFunction;
  /** Names the connector in the `describe` block. */
  name: string;
  /**
   * Builds a new, unstarted instance on `queueName`. Called several times per queue (a
   * restart, a second consumer, a send-only instance): instances on one name share the queue.
   */
  connector: (queueName: string) => Connector | Promise<Connector>;
  /** Makes a fresh, empty queue for one test (a topic, a folder) and returns its name. Default: a random name. */
  createQueue?: () => string | Promise<string>;
  /** Removes a queue after its test. */
  removeQueue?: (queueName: string) => void | Promise<void>;
  /**
   * Ends an instance as a crashed process would (for the durable test), e.g. drops its
   * connection without committing. Default: the instance is abandoned, never stopped.
   */
  crash?: (connector: Connector) => void | Promise<void>;
  /** Messages in the "nothing is lost" test. Default 2 000. */
  manyMessages?: number;
  /** Each test's timeout in milliseconds (a real broker is slower). Default 10 000. */
  timeoutMs?: number;
}

/** The flags with their defaults applied, as the tests read them. */
export type ResolvedCapabilities = Required<Omit<ConnectorCapabilities, "maxBodyBytes">> & {
  maxBodyBytes: number;
  manyMessages: number;
};

/** One promise of the contract: a test, run when the connector claims what it needs. */
export interface ConnectorPromise {
  name: string | ((capabilities: ResolvedCapabilities) => string);
  appliesTo?: (capabilities: ResolvedCapabilities) => boolean;
  run: (session: ConformanceSession, capabilities: ResolvedCapabilities) => Promise<void>;
}

/**
 * Registers the connector conformance suite: a `describe` block with one test per promise of
 * the connector contract. Call it from a test file with your runner's `describe` and `test`:
 *
 * ```ts
 * import { describe, test } from "vitest";
 * testConnector({ describe, test, name: "FolderConnector", durable: true,
 *   connector: (queueName) => new FolderConnector({ connectorName: "f", directory }, { connectorName: "f" }, queueName) });
 * ```
 */
export function testConnector(options: ConnectorConformanceOptions): void {
  const capabilities: ResolvedCapabilities = {
    durable: options.durable ?? false,
    redelivery: options.redelivery ?? true,
    ordered: options.ordered ?? true,
    headers: options.headers ?? true,
    key: options.key ?? true,
    maxBodyBytes: Math.min(options.maxBodyBytes ?? 1024 * 1024, 1024 * 1024),
    manyMessages: options.manyMessages ?? 2_000,
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Takes give up a little before the runner does, so the failure names what was missing.
  const waitMs = Math.max(100, timeoutMs - Math.min(2_000, timeoutMs / 5));
  options.describe(`${options.name} keeps the connector contract`, () => {
    for (const promise of connectorPromises) {
      if (promise.appliesTo !== undefined && !promise.appliesTo(capabilities)) continue;
      const name = typeof promise.name === "string" ? promise.name : promise.name(capabilities);
      options.test(
        name,
        async () => {
          const session = new ConformanceSession(options, waitMs);
          try {
            await promise.run(session, capabilities);
          } finally {
            await session.close();
          }
        },
        timeoutMs,
      );
    }
  });
}
