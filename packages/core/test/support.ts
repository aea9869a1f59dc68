import {
  MemoryQueue,
  type MemoryQueueConfig,
  MemoryQueueConnector,
} from "@romeways/connector-memory";
import {
  type Clock,
  type ConnectorConfig,
  createRomeways,
  type Logger,
  type RawMessage,
} from "@romeways/core";

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Every call a test wants to see, recorded by `RecordingMemoryConnector`. */
export interface ConnectorCalls {
  polls: number;
  acked: RawMessage[];
  sent: { queueName: string; message: RawMessage }[];
  stopped: number;
  /** "send <queue> <body>" and "ack <body>" in the order the calls happened. */
  log: string[];
}

/** The memory connector, recording its calls in `calls` (keyed by the connector's queue name). */
export function recordingConnector() {
  const calls: ConnectorCalls = { polls: 0, acked: [], sent: [], stopped: 0, log: [] };
  class RecordingMemoryConnector extends MemoryQueueConnector {
    constructor(
      config: ConnectorConfig,
      queueConfig: MemoryQueueConfig,
      private readonly queueName: string,
    ) {
      super(config, queueConfig, queueName);
    }
    override getMessages(max: number, signal: AbortSignal) {
      calls.polls++;
      return super.getMessages(max, signal);
    }
    override async sendMessage(message: RawMessage) {
      calls.sent.push({ queueName: this.queueName, message });
      calls.log.push(`send ${this.queueName} ${bodyText(message)}`);
      return super.sendMessage(message);
    }
    override async ack(messages: RawMessage[]) {
      calls.acked.push(...messages);
      for (const message of messages) calls.log.push(`ack ${bodyText(message)}`);
      return super.ack(messages);
    }
    override async stop() {
      calls.stopped++;
      return super.stop();
    }
  }
  return { calls, Connector: RecordingMemoryConnector };
}

/** An app on a fresh memory queue with a recording connector named "mem". */
export function memoryApp(
  options: { clock?: Clock; shutdownTimeoutMs?: number; logger?: Logger } = {},
) {
  const app = createRomeways({ logger: silentLogger, handleSignals: false, ...options });
  const queue = new MemoryQueue();
  const { calls, Connector } = recordingConnector();
  app.connectorRegister({ connector: Connector, config: { connectorName: "mem" } });
  return { app, queue, calls };
}

// The event helpers live in @romeways/testing, where connector authors get them too.
export { collectEvents, nextEvent } from "@romeways/testing";

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** A clock the test drives: `sleep` records the wait and jumps the time forward at once. */
export function steppingClock() {
  let now = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) return;
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms), time: () => now };
}

export const bodyText = (message: RawMessage) =>
  message.body === null ? null : new TextDecoder().decode(message.body);
