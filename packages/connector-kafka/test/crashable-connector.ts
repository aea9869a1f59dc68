// The Kafka connector as the conformance suite runs it. No vitest import: the suite's
// spawnProcess program (fixtures/conformance-app.ts) builds it too.
import { connect, Socket } from "node:net";
import {
  type KafkaConnectorConfig,
  type KafkaQueueConfig,
  KafkaQueueConnector,
} from "@romeways/connector-kafka";

/** The sockets of one instance, which a crash cuts for good. */
class Connections {
  private readonly sockets = new Set<Socket>();
  private cut = false;

  readonly socketFactory: NonNullable<KafkaConnectorConfig["socketFactory"]> = ({
    host,
    port,
    onConnect,
  }) => {
    if (this.cut) {
      const refused = new Socket();
      process.nextTick(() => refused.destroy(new Error("the process crashed")));
      return refused;
    }
    const socket = connect({ host, port }, onConnect);
    this.sockets.add(socket);
    return socket;
  };

  cutForGood(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
  }
}

/**
 * An instance of one queue's group (`<queue>-group`, from the beginning) whose connections can
 * be cut as a SIGKILL cuts a process's: it then neither commits nor heartbeats, and the broker
 * evicts it after its session timeout.
 */
export class CrashableKafkaConnector extends KafkaQueueConnector {
  private readonly connections: Connections;

  constructor(brokers: string, queueName: string, overrides: Partial<KafkaQueueConfig> = {}) {
    const connections = new Connections();
    super(
      {
        connectorName: "kafka-test",
        brokers,
        socketFactory: connections.socketFactory,
        // A crashed instance retries, fails and logs; the tests only care about the survivor.
        logLevel: 0,
      },
      {
        connectorName: "kafka-test",
        groupId: `${queueName}-group`,
        fromBeginning: true,
        sessionTimeout: 6_000,
        heartbeatInterval: 1_000,
        ...overrides,
      },
      queueName,
    );
    this.connections = connections;
  }

  /** Ends this instance as a killed process would end. */
  crash(): void {
    this.connections.cutForGood();
  }
}
