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
  /** Time a worker gets past the shutdown deadline to report and exit before it is killed. */
  workerExitGraceMs: 2_000,
});
