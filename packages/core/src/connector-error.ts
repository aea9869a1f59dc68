import { toError } from "./errors/index.js";
import type { ConnectorPhase, QueueRef, RomewaysEmitter } from "./events.js";
import type { Logger } from "./logger.js";

/** A connector call failed: logged, and emitted as `connector:error`; never thrown. */
export function reportConnectorError(
  reporter: { logger: Logger; events: RomewaysEmitter },
  ref: QueueRef,
  phase: ConnectorPhase,
  thrown: unknown,
): void {
  const error = toError(thrown);
  reporter.logger.error({ ...ref, phase, error }, `connector ${phase} failed: ${error.message}`);
  reporter.events.emit("connector:error", { ...ref, phase, error });
}
