import type { Clock } from "./clock.js";
import { reportConnectorError } from "./connector-error.js";
import { toError } from "./errors/index.js";
import type { QueueRef, RomewaysEmitter } from "./events.js";
import { ConnectionState } from "./health/connection-state.js";
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
  /**
   * The broker cannot be reached. The first call of an outage emits `connector:error` with
   * phase `"connection"` and logs one warn line; later calls of the same outage log at debug
   * only, so a client that retries every 100 ms does not flood the logs. Health reports the
   * queue not connected (not ready) until `reportReconnected()`. Never throws.
   */
  reportDisconnected(cause: unknown): void;
  /**
   * The outage is over: emits `connector:reconnected` with `downMs` and logs an info line.
   * A no-op when `reportDisconnected` was not called since the last reconnection.
   */
  reportReconnected(): void;
}

type Reporter = { logger: Logger; events: RomewaysEmitter; clock?: Pick<Clock, "now"> };

/** Each context's connection state, for health; connectors never see it. */
const connectionStates = new WeakMap<ConnectorContext, ConnectionState>();

/** The connection state a context of `createConnectorContext` keeps; undefined for others. */
export function connectionStateOf(context: ConnectorContext): ConnectionState | undefined {
  return connectionStates.get(context);
}

/** The context core gives the connector instance of one queue. */
export function createConnectorContext(reporter: Reporter, ref: QueueRef): ConnectorContext {
  const { logger, events } = reporter;
  const now = () => (reporter.clock ?? performance).now();
  const state = new ConnectionState();
  const withRef =
    (write: Logger["info"]) =>
    (context: object, message: string): void =>
      write.call(logger, { ...ref, ...context }, message);
  const context: ConnectorContext = {
    connectorName: ref.connectorName,
    queueName: ref.queueName,
    logger: {
      debug: withRef(logger.debug),
      info: withRef(logger.info),
      warn: withRef(logger.warn),
      error: withRef(logger.error),
    },
    reportError: (error) => reportConnectorError(reporter, ref, "background", error),
    reportDisconnected: (cause) => {
      const error = toError(cause);
      if (!state.disconnected(now(), error.message)) {
        logger.debug({ ...ref, error }, `still disconnected: ${error.message}`);
        return;
      }
      logger.warn(
        { ...ref, phase: "connection", error },
        `connector lost its connection: ${error.message}`,
      );
      events.emit("connector:error", { ...ref, phase: "connection", error });
    },
    reportReconnected: () => {
      const downMs = state.reconnected(now());
      if (downMs === undefined) return;
      logger.info(
        { ...ref, downMs: Math.round(downMs) },
        `connector reconnected after ${Math.round(downMs)} ms`,
      );
      events.emit("connector:reconnected", { ...ref, downMs });
    },
  };
  connectionStates.set(context, state);
  return context;
}
