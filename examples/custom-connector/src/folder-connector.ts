import { isAbsolute } from "node:path";
import {
  ConfigError,
  type Connector,
  type ConnectorConfig,
  type QueueConfig,
  type RawMessage,
} from "@romeways/core";
import { FolderWatch } from "./folder-watch.js";
import { type ClaimedMessage, QueueFolder } from "./queue-folder.js";

/** Connector config of the folder connector. */
export interface FolderConnectorConfig extends ConnectorConfig {
  /** Absolute path of the folder that holds one subfolder per queue. */
  directory: string;
  /** How often a waiting poll looks again when no file-system event came, in ms. Default 1 000. */
  rescanMs?: number;
}

const safeQueueName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A durable queue in a folder: each message is a file. A message taken and not acknowledged
 * goes back on `stop()`, and after a crash the next consumer to start takes it back.
 */
export class FolderConnector implements Connector {
  private readonly folder: QueueFolder;
  private readonly watch: FolderWatch;
  private readonly inFlight = new Map<RawMessage, ClaimedMessage>();
  private running = false;

  constructor(connectorConfig: FolderConnectorConfig, queueConfig: QueueConfig, queueName: string) {
    const { directory, connectorName } = connectorConfig;
    if (typeof directory !== "string" || !isAbsolute(directory)) {
      throw new ConfigError("directory must be an absolute path", {
        connectorName,
        queueName,
        field: "directory",
      });
    }
    if (!safeQueueName.test(queueName)) {
      throw new ConfigError("a folder queue name may use letters, digits, '.', '_' and '-' only", {
        connectorName: queueConfig.connectorName,
        queueName,
        field: "queueName",
      });
    }
    this.folder = new QueueFolder(directory, queueName);
    this.watch = new FolderWatch(connectorConfig.rescanMs ?? 1_000);
  }

  async start(): Promise<void> {
    await this.folder.create();
    await this.folder.recoverOrphans();
    this.watch.start(this.folder.ready);
    this.running = true;
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    while (this.running && !signal.aborted) {
      const seen = this.watch.version;
      const claimed = await this.folder.claim(maxChunkSize);
      if (claimed.length > 0) {
        // Stopped while claiming: nobody will acknowledge these, so they go straight back.
        if (!this.running) {
          await Promise.all(claimed.map((c) => this.folder.giveBack(c)));
          return [];
        }
        for (const c of claimed) this.inFlight.set(c.message, c);
        return claimed.map((c) => c.message);
      }
      await this.watch.changedSince(seen, signal);
    }
    return [];
  }

  // Works without start(): core sends dead letters through an instance it never starts.
  async sendMessage(message: RawMessage): Promise<void> {
    await this.folder.put(message);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    for (const message of messages) {
      const claimed = this.inFlight.get(message);
      if (claimed === undefined) continue;
      this.inFlight.delete(message);
      await this.folder.remove(claimed);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.watch.close();
    const unacknowledged = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const claimed of unacknowledged) await this.folder.giveBack(claimed);
  }
}
