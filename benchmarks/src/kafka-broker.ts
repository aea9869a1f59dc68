import { type KafkaBroker, startKafkaBroker } from "../../scripts/kafka/broker.mjs";
import { warmUpBroker } from "./kafka-warm-up.js";

/**
 * The Kafka broker of a benchmark run: the one in KAFKA_BROKERS, else a fresh single-node
 * broker from scripts/kafka, started when a benchmark first asks and stopped at the end.
 * Either way it is warmed up first (except in a --quick run).
 */
export class KafkaBrokerOnDemand {
  private starting: Promise<KafkaBroker> | undefined;
  private ready: Promise<string> | undefined;

  /** @param warmUp run traffic through the broker before the first benchmark gets it */
  constructor(
    private readonly log: (line: string) => void,
    private readonly warmUp: boolean,
  ) {}

  brokers(): Promise<string> {
    this.ready ??= this.prepare();
    return this.ready;
  }

  private async prepare(): Promise<string> {
    const given = process.env.KAFKA_BROKERS;
    const brokers = given !== undefined && given.length > 0 ? given : await this.start();
    if (this.warmUp) await warmUpBroker(brokers, this.log);
    return brokers;
  }

  private async start(): Promise<string> {
    const started = performance.now();
    this.log("starting a broker (scripts/kafka/broker.mjs)");
    this.starting = startKafkaBroker({ log: this.log });
    const broker = await this.starting;
    this.log(`${broker.brokers} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return broker.brokers;
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    if (starting === undefined) return;
    const broker = await starting.catch(() => undefined);
    await broker?.stop();
  }
}
