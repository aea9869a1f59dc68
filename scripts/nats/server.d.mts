// Types for server.mjs: start, restart and stop a nats-server with JetStream for tests.

export interface StartNatsServerOptions {
  /** The nats-server binary; default $NATS_SERVER, else "nats-server" on PATH. */
  binary?: string;
  /** Progress lines (ready, retries); default: written to stderr with a "[nats] " prefix. */
  log?: (line: string) => void;
}

export interface NatsServerExit {
  code: number | null;
  signal: string | null;
  /** Set when the binary could not be spawned at all. */
  error?: Error;
}

export interface NatsServer {
  /** "nats://127.0.0.1:<port>"; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** PID of the running nats-server (a new one after each restart). */
  readonly pid: number;
  /** Fresh temp folder: nats.conf, nats.log, nats.pid and the JetStream store (jetstream/). */
  readonly dataDir: string;
  /** Settles when the current nats-server process exits, for whatever reason. */
  readonly exited: Promise<NatsServerExit>;
  /** Stops it (SIGTERM to its pid) and starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, SIGKILL after 10 s), keeping port and store for resume(). */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port and store. */
  resume(): Promise<void>;
  /** SIGTERM to its pid, SIGKILL after 10 s, then removes dataDir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts nats-server -js on a free loopback port, its store in a fresh temp dir, and resolves
 * once it answers PING. Rejects with the tail of its log if it exits early.
 */
export declare function startNatsServer(options?: StartNatsServerOptions): Promise<NatsServer>;
