import { ConfigError, RomewaysError } from "./errors/index.js";

/**
 * Why `start()` cannot run now, in words. Not a `ConfigError`: nothing in the config is wrong,
 * the call came at the wrong time.
 */
export function startRefusal(
  state: "starting" | "running" | "stopping" | "stopped",
): RomewaysError {
  const why: Record<typeof state, string> = {
    starting: "start() was already called and is still starting: await that first call instead",
    running: "start() was already called: the app is running (stop() stops it)",
    stopping: "the app is stopping: an app starts once; create a new one with createRomeways()",
    stopped:
      "the app was started and stopped: an app starts once; create a new one with createRomeways()",
  };
  return new RomewaysError("ROMEWAYS_ALREADY_STARTED", why[state]);
}

/** The error a failed `start()` rejects with; everything it started was stopped again. */
export function startFailure(error: Error): Error {
  if (ConfigError.isInstance(error) || RomewaysError.isInstance(error)) return error;
  return new RomewaysError(
    "ROMEWAYS_CONNECTOR_START",
    `a connector failed to start: ${error.message} (everything started was stopped; start() may be called again)`,
    { cause: error },
  );
}

/** Defaults the shipped Kubernetes manifests (`deploy/`) are checked against. */
export const lifecycleDefaults = Object.freeze({
  /** How long `stop()` waits for in-flight handlers. */
  shutdownTimeoutMs: 30_000,
  /**
   * Past the shutdown deadline, how long core still waits for connectors to acknowledge and
   * stop (a broker that is gone or frozen may never answer) before it leaves them behind.
   */
  stopMarginMs: 5_000,
  /** Time a worker gets past the shutdown deadline to stop (its own margin) and exit. */
  workerExitGraceMs: 6_000,
});

/** What `bounded` resolves to when the deadline came first. */
export const pastDeadline: unique symbol = Symbol("past the deadline");

/** `work`, or `pastDeadline` if `deadline` resolves first; `work` is left running. */
export function bounded<T>(
  work: Promise<T>,
  deadline: Promise<void>,
): Promise<T | typeof pastDeadline> {
  const late: Promise<typeof pastDeadline> = deadline.then(() => pastDeadline);
  return Promise.race([work, late]);
}
