/**
 * How the connector's producer writes (publishes, resends, dead letters): set as
 * `producer` in the Kafka connector config. One producer serves every queue of a connector.
 */
export interface KafkaProducerOptions {
  /**
   * Which replicas must have a message before the broker acknowledges it, and so before
   * `publish` (and a resend) resolves: `"all"` (default): every in-sync replica; `1`: the
   * partition leader only; `0`: nobody (the send resolves once written to the socket: a broker
   * failure loses it, and at-least-once no longer holds for resends).
   */
  acks?: "all" | 1 | 0;
  /**
   * The idempotent producer: the broker drops the duplicates a retried send would write, so
   * each message lands once per partition. Needs `acks: "all"`; sends one request at a time.
   * Default false.
   */
  idempotent?: boolean;
  /** Milliseconds the broker waits for the replicas `acks` asks for. Default 30 000. */
  ackTimeoutMs?: number;
}

/** The producer options checked, as the Kafka client takes them. */
export interface ProducerSettings {
  /** Kafka's protocol value: -1 is "all". */
  acks: -1 | 1 | 0;
  idempotent: boolean;
  ackTimeoutMs: number;
}

/** Checks `producer` of the connector config; `fail` throws a ConfigError naming the field. */
export function resolveProducerSettings(
  options: KafkaProducerOptions | undefined,
  fail: (field: string, message: string) => never,
): ProducerSettings {
  if (options === undefined) return { acks: -1, idempotent: false, ackTimeoutMs: 30_000 };
  if (typeof options !== "object" || options === null) {
    fail("producer", 'producer must be an object: { acks?: "all" | 1 | 0, idempotent?: boolean }');
  }
  const known = new Set(["acks", "idempotent", "ackTimeoutMs"]);
  for (const name of Object.keys(options)) {
    if (!known.has(name)) {
      fail(`producer.${name}`, `unknown producer option; the options are ${[...known].join(", ")}`);
    }
  }
  const { acks = "all", idempotent = false, ackTimeoutMs = 30_000 } = options;
  if (acks !== "all" && acks !== 1 && acks !== 0) {
    fail("producer.acks", `producer.acks must be "all", 1 or 0, got ${JSON.stringify(acks)}`);
  }
  if (typeof idempotent !== "boolean") {
    fail("producer.idempotent", "producer.idempotent must be true or false");
  }
  if (idempotent && acks !== "all") {
    fail(
      "producer.acks",
      `the idempotent producer needs acks "all" (got ${JSON.stringify(acks)}): remove acks or set it to "all"`,
    );
  }
  if (!Number.isInteger(ackTimeoutMs) || ackTimeoutMs < 1) {
    fail(
      "producer.ackTimeoutMs",
      `producer.ackTimeoutMs must be an integer >= 1, got ${String(ackTimeoutMs)}`,
    );
  }
  return { acks: acks === "all" ? -1 : acks, idempotent, ackTimeoutMs };
}
