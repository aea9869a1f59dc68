import type { Connector } from "@romeways/core";
import type {
  ConnectorConformanceOptions,
  PromiseArea,
  ResolvedCapabilities,
} from "./conformance.js";
import { ConformanceSession } from "./conformance-session.js";
import { connectorPromises } from "./connector-promises.js";

/** The suite's options without a runner: what `runConformance` takes. */
export type ConformanceRunOptions<C extends Connector = Connector> = Omit<
  ConnectorConformanceOptions<C>,
  "describe" | "test" | "additionalTests"
> & {
  /** Runs only the promises whose name this accepts. Default: all that apply. */
  only?: (promiseName: string) => boolean;
  /** Stops after the first promise that fails. Default false. */
  stopAtFirstFailure?: boolean;
};

/** How one promise went in `runConformance`. */
export interface PromiseResult {
  area: PromiseArea;
  name: string;
  passed: boolean;
  /** Why it failed. */
  error?: Error;
  durationMs: number;
}

interface PlannedTest {
  area: PromiseArea;
  name: string;
  timeoutMs: number;
  run: () => Promise<void>;
}

/** Every promise that applies to the connector, ready to run, with the session each gets. */
export function conformancePlan<C extends Connector>(
  options: Omit<ConnectorConformanceOptions<C>, "describe" | "test">,
) {
  const capabilities: ResolvedCapabilities = {
    durable: options.durable ?? false,
    redelivery: options.redelivery ?? true,
    ordered: options.ordered ?? true,
    headers: options.headers ?? true,
    key: options.key ?? true,
    maxBodyBytes: Math.min(options.maxBodyBytes ?? 1024 * 1024, 1024 * 1024),
    manyMessages: options.manyMessages ?? 2_000,
    core: options.core ?? true,
    workers: options.workers,
    crashGiven: options.crash !== undefined,
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Takes give up a little before the runner does, so the failure names what was missing.
  const waitFor = (testMs: number) => Math.max(100, testMs - Math.min(2_000, testMs / 5));
  const waitMs = waitFor(timeoutMs);
  const withSession = async (
    body: (session: ConformanceSession<C>) => Promise<void>,
    sessionWaitMs = waitMs,
  ) => {
    const session = new ConformanceSession(options, sessionWaitMs);
    try {
      await body(session);
    } catch (error) {
      throw session.explain(error);
    } finally {
      await session.close();
    }
  };
  const tests: PlannedTest[] = [];
  for (const promise of connectorPromises) {
    if (promise.appliesTo !== undefined && !promise.appliesTo(capabilities)) continue;
    const name = typeof promise.name === "string" ? promise.name : promise.name(capabilities);
    const testMs = Math.max(timeoutMs, promise.minTimeoutMs ?? 0);
    tests.push({
      area: promise.area,
      name,
      timeoutMs: testMs,
      run: () =>
        withSession(
          (session) => promise.run(session as unknown as ConformanceSession, capabilities),
          waitFor(testMs),
        ),
    });
  }
  const byArea = new Map<PromiseArea, PlannedTest[]>();
  for (const planned of tests)
    byArea.set(planned.area, [...(byArea.get(planned.area) ?? []), planned]);
  return { capabilities, timeoutMs, waitMs, tests, byArea, withSession };
}

/**
 * Runs the suite's promises without a test runner, one after the other, and returns how each
 * went. A take gives up as in the suite; a test that hangs fails after twice its timeout. For
 * checking that a deliberately broken connector fails the suite, or for a runner this package
 * does not know.
 */
export async function runConformance<C extends Connector>(
  options: ConformanceRunOptions<C>,
): Promise<PromiseResult[]> {
  const plan = conformancePlan(options);
  const results: PromiseResult[] = [];
  for (const planned of plan.tests) {
    if (options.only !== undefined && !options.only(planned.name)) continue;
    const guardMs = planned.timeoutMs * 2;
    const started = performance.now();
    let error: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        planned.run(),
        new Promise<never>((_, reject) => {
          // Only for a test that hangs: a take that comes up short fails by itself, with what it got.
          timer = setTimeout(
            () => reject(new Error(`the test took longer than ${guardMs} ms`)),
            guardMs,
          );
        }),
      ]);
    } catch (thrown) {
      error = thrown instanceof Error ? thrown : new Error(String(thrown));
    } finally {
      clearTimeout(timer);
    }
    const result: PromiseResult = {
      area: planned.area,
      name: planned.name,
      passed: error === undefined,
      durationMs: performance.now() - started,
    };
    if (error !== undefined) result.error = error;
    results.push(result);
    if (error !== undefined && options.stopAtFirstFailure === true) break;
  }
  return results;
}
