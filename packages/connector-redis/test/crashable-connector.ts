// A Redis connector whose connections can be cut for good, as a SIGKILL cuts a process's.
import { randomUUID } from "node:crypto";
import { RedisQueueConnector } from "@romeways/connector-redis";
import { Redis } from "ioredis";

/**
 * An instance that neither renews nor hands back once crashed: its connections are killed on
 * the server and never come back, so its messages wait for another consumer's XAUTOCLAIM.
 */
export class CrashableRedisConnector extends RedisQueueConnector {
  private readonly switch: { crashed: boolean };
  private readonly connectionName: string;

  constructor(
    private readonly url: string,
    queueName: string,
  ) {
    const crashSwitch = { crashed: false };
    const connectionName = `crashable-${randomUUID().slice(0, 8)}`;
    super(
      {
        connectorName: "redis-test",
        url,
        connectionName,
        retryStrategy: (times) => (crashSwitch.crashed ? null : Math.min(times * 50, 500)),
      },
      // A crashed consumer's messages are claimed after a second.
      { connectorName: "redis-test", group: `${queueName}-group`, claimIdleMs: 1_000 },
      queueName,
      // A crashed instance fails to renew; the test only cares about the survivor.
      { reportError: () => {} },
    );
    this.switch = crashSwitch;
    this.connectionName = connectionName;
  }

  async crash(): Promise<void> {
    this.switch.crashed = true;
    const admin = new Redis(this.url, { protocol: 2 });
    try {
      const clients = String(await admin.call("CLIENT", "LIST")).split("\n");
      for (const line of clients) {
        if (!line.includes(` name=${this.connectionName} `)) continue;
        const id = /^id=(\d+)/.exec(line)?.[1];
        if (id !== undefined) await admin.call("CLIENT", "KILL", "ID", id);
      }
    } finally {
      await admin.quit();
    }
  }
}
