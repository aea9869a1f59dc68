// Types for broker.mjs: fetch, start and stop a single-node Apache Kafka 4.x broker for tests.

/** Kafka version named in scripts/kafka/pom.xml, e.g. "4.1.1". */
export declare const KAFKA_VERSION: string;

export interface EnsureKafkaJarsOptions {
  /** Progress lines (fetch timing); default: written to stderr with a "[kafka]" prefix. */
  log?: (line: string) => void;
}

/**
 * Makes sure the broker jars are in the cache (copied by Maven on first use) and
 * returns the libs folder: `${ROMEWAYS_KAFKA_CACHE ?? ~/.cache/romeways/kafka-<version>}/libs`.
 */
export declare function ensureKafkaJars(options?: EnsureKafkaJarsOptions): Promise<string>;

export interface StartKafkaBrokerOptions {
  /** JVM heap (-Xms and -Xmx) in MiB; default 384. */
  heapMb?: number;
  /** How long to wait for the broker to serve clients, format included; default 120000. */
  readyTimeoutMs?: number;
  /** Progress lines (format, ready, stop timing); default: written to stderr with a "[kafka]" prefix. */
  log?: (line: string) => void;
}

export interface KafkaBrokerExit {
  code: number | null;
  signal: string | null;
  /** Set when the java process could not be spawned at all. */
  error?: Error;
}

export interface KafkaBroker {
  /** Bootstrap servers for clients, "127.0.0.1:<port>". */
  readonly brokers: string;
  /** PID of the broker's current java process (also in `${dataDir}/broker.pid`). */
  readonly pid: number;
  /** Fresh temp folder: server.properties, broker.log, broker.pid and the log dirs. */
  readonly dataDir: string;
  /** Settles when the current java process exits, for whatever reason. */
  readonly exited: Promise<KafkaBrokerExit>;
  /**
   * Ends the broker process (SIGTERM, SIGKILL after 30 s) and keeps its data dir and ports,
   * for fault tests: `resume()` runs it again as the same broker.
   */
  halt(): Promise<void>;
  /** Starts a halted broker again on the same data dir and ports; resolves once it serves clients. */
  resume(): Promise<void>;
  /** SIGTERM to the broker, SIGKILL after 30 s, then removes dataDir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a fresh single-node KRaft broker (combined broker + controller) on free
 * loopback ports and resolves once it serves clients (Metadata lists it, the group
 * coordinator and producer ids are available). Rejects with the tail of the broker
 * log if it exits early or is not ready within `readyTimeoutMs`.
 */
export declare function startKafkaBroker(options?: StartKafkaBrokerOptions): Promise<KafkaBroker>;
