// Types for server.mjs: start and stop a redis-server for tests.

export interface StartRedisServerOptions {
  /** The redis-server binary; default $REDIS_SERVER, else "redis-server" on PATH. */
  binary?: string;
  /** Progress lines (ready, retries); default: written to stderr with a "[redis]" prefix. */
  log?: (line: string) => void;
}

export interface RedisServerExit {
  code: number | null;
  signal: string | null;
  /** Set when the binary could not be spawned at all. */
  error?: Error;
}

export interface RedisServer {
  /** "redis://127.0.0.1:<port>". */
  readonly url: string;
  readonly port: number;
  /** PID of redis-server (also in `${dataDir}/redis.pid`). */
  readonly pid: number;
  /** Fresh temp folder: redis.log and redis.pid; nothing is persisted. */
  readonly dataDir: string;
  /** Settles when redis-server exits, for whatever reason. */
  readonly exited: Promise<RedisServerExit>;
  /** SIGTERM to its pid, SIGKILL after 10 s, then removes dataDir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port in a fresh temp dir (no RDB, no AOF) and
 * resolves once it answers PING. Rejects with the tail of its log if it exits early.
 */
export declare function startRedisServer(options?: StartRedisServerOptions): Promise<RedisServer>;
