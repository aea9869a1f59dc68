// Types for server.mjs: start, restart and stop a RabbitMQ broker for tests.

export interface StartAmqpServerOptions {
  /** The start script; default $RABBITMQ_SERVER, else /usr/lib/rabbitmq/bin/rabbitmq-server. */
  binary?: string;
  /** Progress lines (ready, restarts); default: written to stderr with an "[amqp]" prefix. */
  log?: (line: string) => void;
}

export interface AmqpServerExit {
  code: number | null;
  signal: string | null;
  /** Set when the binary could not be spawned at all. */
  error?: Error;
}

export interface AmqpServer {
  /** "amqp://guest:guest@127.0.0.1:<port>". */
  readonly url: string;
  readonly port: number;
  /** The node's name, "romeways-<hex>@localhost". */
  readonly nodeName: string;
  /** PID of the running broker (the Erlang VM); a new one after restart(). */
  readonly pid: number;
  /** Fresh temp folder: mnesia (the data), log, home (the cookie), config. */
  readonly dataDir: string;
  /** Settles when the current broker process exits, for whatever reason. */
  readonly exited: Promise<AmqpServerExit>;
  /** Stops the broker by its pid (SIGTERM, SIGKILL after 20 s); epmd and the data stay. */
  halt(): Promise<void>;
  /** Starts the broker again after halt(), on the same ports and data; resolves once it takes connections. */
  resume(): Promise<void>;
  /** halt() then resume(). */
  restart(): Promise<void>;
  /** Stops the broker and its epmd by their pids, then removes dataDir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a RabbitMQ node with its own node name, cookie, epmd and free loopback ports (AMQP,
 * distribution, epmd) in a fresh temp dir, and resolves once it takes AMQP connections.
 * Rejects with the tail of its logs if it exits early.
 */
export declare function startAmqpServer(options?: StartAmqpServerOptions): Promise<AmqpServer>;
