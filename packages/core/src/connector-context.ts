import { reportConnectorError } from "./connector-error.js";
import type { QueueRef, RomewaysEmitter } from "./events.js";
import type { Logger } from "./logger.js";

/**
 * What core hands a connector as the 4th constructor argument: the app's logger and a way to
 * report errors that happen outside any call of core's (a failed lease renewal, a dropped
 * connection noticed by a heartbeat), which would otherwise only be swallowed.
 */
export interface ConnectorContext {
  readonly connectorName: string;
  readonly queueName: string;
  /** The app's logger; every line carries `connectorName` and `queueName`. */
  readonly logger: Logger;
  /**
   * Logs `error` and emits it as `connector:error` with phase `"background"`. Never throws;
   * it does not stop the poll loop: throw from the next call instead if the connector is broken.
   */
  reportError(error: unknown): void;
}

/** The context core gives the connector instance of one queue. */
export function createConnectorContext(
  reporter: { logger: Logger; events: RomewaysEmitter },
  ref: QueueRef,
): ConnectorContext {
  const { logger } = reporter;
  const withRef =
    (write: Logger["info"]) =>
    (context: object, message: string): void =>
      write.call(logger, { ...ref, ...context }, message);
  return {
    connectorName: ref.connectorName,
    queueName: ref.queueName,
    logger: {
      debug: withRef(logger.debug),
      info: withRef(logger.info),
      warn: withRef(logger.warn),
      error: withRef(logger.error),
    },
    reportError: (error) => reportConnectorError(reporter, ref, "background", error),
  };
}
