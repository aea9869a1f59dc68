import type { Connector, ConnectorContext } from "@romeways/core";
import { conformancePlan } from "./conformance-runner.js";
import type { ConformanceSession } from "./conformance-session.js";

/** vitest's (or jest's) `describe`; passed in so that this package does not import a runner. */
export type DescribeFunction = (name: string, body: () => void) => unknown;
/** vitest's (or jest's) `test`/`it`: name, body, timeout in milliseconds. */
export type TestFunction = (name: string, body: () => Promise<void>, timeoutMs?: number) => unknown;

/** What a connector promises beyond the contract's core; every flag defaults to what ours do. */
export interface ConnectorCapabilities {
  /**
   * Messages outlive the process: one taken and never acknowledged reaches a new instance
   * even when the old one never stopped (it crashed). Default false. See `crash`.
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
  /** Run the group that builds a romeways app over the connector (resends, dead letters, stop). Default true. */
  core?: boolean;
  /**
   * Run core's `spawnProcess` over the connector: two worker processes share one queue. Needs
   * a program for the workers to re-run (see `ConformanceWorkers`); absent, the test is left out.
   */
  workers?: ConformanceWorkers;
}

/** The program the `spawnProcess` test runs: its workers re-run it, as they re-run a user's. */
export interface ConformanceWorkers {
  /** Absolute path of a module that calls `runConformanceApp({ connector })` from this package. */
  entry: string;
  /** Node flags for the program. Default: `["--import", "tsx"]` for a `.ts` entry, none otherwise. */
  execArgv?: string[];
  /** More environment for the program, e.g. the broker's URL. */
  env?: Record<string, string>;
}

/** Builds a new, unstarted instance on `queueName`; `context` is what core would pass as the 4th argument. */
export type ConnectorFactory<C extends Connector = Connector> = (
  queueName: string,
  context: ConnectorContext,
) => C | Promise<C>;

export interface ConnectorConformanceOptions<C extends Connector = Connector>
  extends ConnectorCapabilities {
  describe: DescribeFunction;
  test: TestFunction;
  /** Names the connector in the `describe` block. */
  name: string;
  /**
   * Builds a new, unstarted instance on `queueName`. Called several times per queue (a
   * restart, a second consumer, a send-only instance, the instances of a romeways app):
   * instances on one name share the queue.
   */
  connector: ConnectorFactory<C>;
  /** Makes a fresh, empty queue for one test (a topic, a folder) and returns its name. Default: a random name. */
  createQueue?: () => string | Promise<string>;
  /** Removes a queue after its test. */
  removeQueue?: (queueName: string) => void | Promise<void>;
  /**
   * Ends an instance as a killed process would, for the `durable` test: cut its connections so
   * that it neither commits nor renews anything. Without it the instance is only abandoned
   * (never stopped), which is a crash only for a connector whose claim on a message lives in
   * the process. A connector that holds messages under a lease, a heartbeat or a group
   * membership that the live instance keeps renewing (Kafka, Redis with XAUTOCLAIM, a
   * PostgreSQL lease renewed by a timer) needs `crash`: the abandoned instance would hold its
   * messages forever.
   */
  crash?: (connector: C) => void | Promise<void>;
  /** Messages in the "nothing is lost" test. Default 2 000. */
  manyMessages?: number;
  /** Each test's timeout in milliseconds (a real broker is slower). Default 10 000. */
  timeoutMs?: number;
  /**
   * Registers the tests only this connector needs, inside the suite's `describe` block, each
   * with a session of its own (queues and instances cleaned up after it), as unstorage's
   * `additionalTests` does.
   */
  additionalTests?: (suite: AdditionalTests<C>) => void;
}

/** What `additionalTests` gets: a `test` whose body receives a fresh session. */
export interface AdditionalTests<C extends Connector = Connector> {
  test(name: string, body: (session: ConformanceSession<C>) => Promise<void>): void;
}

/** The flags with their defaults applied, as the tests read them. */
export interface ResolvedCapabilities {
  durable: boolean;
  redelivery: boolean;
  ordered: boolean;
  headers: boolean;
  key: boolean;
  maxBodyBytes: number;
  manyMessages: number;
  core: boolean;
  workers: ConformanceWorkers | undefined;
  /** Whether the author gave a `crash`; the durable test's failure says to when not. */
  crashGiven: boolean;
}

/** The area a promise belongs to: one file of promises each, one `describe` block each. */
export type PromiseArea =
  | "delivery"
  | "acknowledgement"
  | "waiting"
  | "bytes"
  | "core over the connector";

/** One promise of the contract: a test, run when the connector claims what it needs. */
export interface ConnectorPromise {
  area: PromiseArea;
  name: string | ((capabilities: ResolvedCapabilities) => string);
  appliesTo?: (capabilities: ResolvedCapabilities) => boolean;
  /** A floor for this test's timeout: starting processes takes longer than a poll. */
  minTimeoutMs?: number;
  run: (session: ConformanceSession, capabilities: ResolvedCapabilities) => Promise<void>;
}

/**
 * Registers the connector conformance suite: a `describe` block with one test per promise of
 * the connector contract, grouped by area, then your `additionalTests`. Call it from a test
 * file with your runner's `describe` and `test`:
 *
 * ```ts
 * import { describe, test } from "vitest";
 * testConnector({ describe, test, name: "FolderConnector", durable: true,
 *   connector: (queueName, context) =>
 *     new FolderConnector({ connectorName: "f", directory }, { connectorName: "f" }, queueName, context) });
 * ```
 */
export function testConnector<C extends Connector>(options: ConnectorConformanceOptions<C>): void {
  const plan = conformancePlan(options);
  options.describe(`${options.name} keeps the connector contract`, () => {
    for (const [area, tests] of plan.byArea) {
      options.describe(area, () => {
        for (const planned of tests) options.test(planned.name, planned.run, planned.timeoutMs);
      });
    }
    options.additionalTests?.({
      test: (name, body) => options.test(name, () => plan.withSession(body), plan.timeoutMs),
    });
  });
}
