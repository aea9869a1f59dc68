// Types for server.mjs: start and stop an ElasticMQ (SQS-compatible) server for tests.

export interface StartSqsServerOptions {
  /** Keep queues and messages in the server's dir (H2), so that they survive halt()/resume(). Default false. */
  persist?: boolean;
  /** Progress lines (fetching, ready); default: written to stderr with an "[sqs]" prefix. */
  log?: (line: string) => void;
}

export interface SqsServerExit {
  code: number | null;
  signal: string | null;
  /** Set when java could not be spawned at all. */
  error?: Error;
}

export interface SqsServer {
  /** "http://127.0.0.1:<port>", the same across halt()/resume(). */
  readonly endpoint: string;
  readonly port: number;
  /** PID of the running JVM (a new one after resume()). */
  readonly pid: number;
  /** Fresh temp folder: config, log and, with persist, the data. */
  readonly dataDir: string;
  readonly persist: boolean;
  /** Settles when the current JVM exits, for whatever reason. */
  readonly exited: Promise<SqsServerExit>;
  /** Ends the JVM by its pid (default SIGKILL; another signal gets SIGKILL after 10 s); the dir stays. */
  halt(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the JVM again on the same port and dir; resolves once it answers. */
  resume(): Promise<void>;
  /** halt(), then removes dataDir. Idempotent. */
  stop(): Promise<void>;
}

/** ElasticMQ's version, from pom.xml. */
export declare const ELASTICMQ_VERSION: string;

/** Fetches the jars with Maven once (cached under ~/.cache/romeways) and returns their folder. */
export declare function ensureElasticMqJars(options?: {
  log?: (line: string) => void;
}): Promise<string>;

/** Starts ElasticMQ on a free loopback port in a fresh temp dir; resolves once it answers HTTP. */
export declare function startSqsServer(options?: StartSqsServerOptions): Promise<SqsServer>;
