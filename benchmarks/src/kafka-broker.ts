import { type KafkaBroker, startKafkaBroker } from "../../scripts/kafka/broker.mjs";

/**
 * The Kafka broker of a benchmark run: the one in KAFKA_BROKERS, else a fresh single-node
 * broker from scripts/kafka, started when a benchmark first asks and stopped at the end.
 */
export class KafkaBrokerOnDemand {
  private starting: Promise<KafkaBroker> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  async brokers(): Promise<string> {
    const given = process.env.KAFKA_BROKERS;
    if (given !== undefined && given.length > 0) return given;
    if (this.starting === undefined) {
      const started = performance.now();
      this.log("starting a broker (scripts/kafka/broker.mjs)");
      this.starting = startKafkaBroker({ log: this.log });
      const broker = await this.starting;
      this.log(`${broker.brokers} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    return (await this.starting).brokers;
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    if (starting === undefined) return;
    const broker = await starting.catch(() => undefined);
    await broker?.stop();
  }
}
