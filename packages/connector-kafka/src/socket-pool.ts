import * as net from "node:net";
import * as tls from "node:tls";

export interface SocketRequest {
  host: string;
  port: number;
  ssl: tls.ConnectionOptions;
  onConnect: () => void;
}

export type SocketMaker = (request: SocketRequest) => net.Socket;

// Kafka's own clients keep idle connections alive with TCP keep-alive after a minute.
const keepAliveDelayMs = 60_000;

const connect: SocketMaker = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect(
        { host, port, ...(net.isIP(host) === 0 ? { servername: host } : {}), ...ssl },
        onConnect,
      )
    : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, keepAliveDelayMs);
  return socket;
};

/**
 * The sockets of one kafkajs client, so that a stop that the broker does not answer (frozen,
 * or gone with retries pending) can end them: kafkajs's requests then fail at once and its
 * disconnect returns, instead of waiting out requestTimeout and every retry.
 */
export class SocketPool {
  private readonly open = new Set<net.Socket>();
  private closed = false;

  /** @param make the user's socketFactory, if any */
  constructor(private readonly make: SocketMaker = connect) {}

  readonly factory: SocketMaker = (request) => {
    const socket = this.closed ? new net.Socket() : this.make(request);
    if (this.closed) {
      // kafkajs treats it as a failed connect; nothing reconnects after closeAll().
      process.nextTick(() => socket.destroy(new Error("the connector closed its connections")));
      return socket;
    }
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
    return socket;
  };

  /** Destroys every socket and refuses new ones. */
  closeAll(): void {
    this.closed = true;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }
}
