import { Socket } from "node:net";
import { PostgresQueueConnector } from "@romeways/connector-postgres";
import type { ConnectorContext } from "@romeways/core";

/**
 * A connector whose connections can be cut for good, as a SIGKILL cuts a process's: it then
 * neither renews its leases nor hands anything back, and its messages come back when the leases
 * run out (1.5 s here).
 */
export class CrashablePostgresConnector extends PostgresQueueConnector {
  private readonly sockets = new Set<Socket>();
  private crashed = false;

  constructor(databaseUrl: string, queueName: string, context?: ConnectorContext) {
    const stream = () => {
      const socket = new Socket();
      if (this.crashed) process.nextTick(() => socket.destroy(new Error("the process crashed")));
      else this.sockets.add(socket);
      return socket;
    };
    super(
      {
        connectorName: "conformance",
        connectionString: databaseUrl,
        visibilityTimeoutMs: 1_500,
        pool: { stream: () => stream() },
      },
      { connectorName: "conformance" },
      queueName,
      context,
    );
  }

  crash(): void {
    this.crashed = true;
    for (const socket of this.sockets) socket.destroy();
  }
}
