// Types for server.mjs: start and stop a throwaway PostgreSQL server for tests.

/** The folder holding initdb and postgres; throws a message saying what to install. */
export declare function postgresBinDir(): string;

export interface StartPostgresServerOptions {
  /** Progress lines; default: written to stderr with a "[postgres]" prefix. */
  log?: (line: string) => void;
}

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser, trust auth, loopback only. */
  readonly url: string;
  readonly port: number;
  /** PID of the postmaster. */
  readonly pid: number;
  /** Fresh temp folder: data, socket and server.log. */
  readonly dir: string;
  readonly exited: Promise<{ code: number | null; signal: string | null; error?: Error }>;
  /** Fast shutdown by the postmaster's pid (SIGINT, SIGKILL after 30 s), then removes dir. Idempotent. */
  stop(): Promise<void>;
}

/** initdb into a temp dir, postgres on a free loopback port; resolves once it accepts connections. */
export declare function startPostgresServer(
  options?: StartPostgresServerOptions,
): Promise<PostgresServer>;
