import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RomewaysError, toError } from "../errors/index.js";
import type { Logger } from "../logger.js";
import { healthDefaults, type RomewaysHealth } from "./health-types.js";

/** A running health endpoint; `close()` stops it (the app closes its own at the end of `stop()`). */
export interface HealthServer {
  /** The port it listens on (the one picked, with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  port?: number;
  host?: string;
}

/**
 * `/livez` and `/readyz` for Kubernetes probes: 200 when live (ready), else 503, with the
 * health snapshot as JSON either way, so `curl` shows the reasons. Anything else is 404.
 */
export async function serveHealth(
  read: () => Promise<RomewaysHealth>,
  options: HealthServerOptions,
  logger: Logger,
): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const check =
      path === healthDefaults.livenessPath
        ? "live"
        : path === healthDefaults.readinessPath
          ? "ready"
          : undefined;
    if (check === undefined || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    read().then(
      (health) => {
        const body = `${JSON.stringify(health, null, 2)}\n`;
        response
          .writeHead(health[check] ? 200 : 503, {
            "content-type": "application/json",
            "cache-control": "no-store",
          })
          .end(request.method === "HEAD" ? undefined : body);
      },
      (error: unknown) => {
        response
          .writeHead(503, { "content-type": "application/json" })
          .end(
            `${JSON.stringify({ live: false, ready: false, reasons: [toError(error).message] })}\n`,
          );
      },
    );
  });
  const wanted = options.port ?? healthDefaults.port;
  try {
    await listen(server, wanted, options.host);
  } catch (thrown) {
    const error = toError(thrown);
    throw new RomewaysError(
      "ROMEWAYS_HEALTH_PORT",
      `the health endpoint cannot listen on port ${wanted}: ${error.message} (set health: { port } to another port)`,
      { cause: error },
    );
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, `health endpoint listening on port ${port} (/livez, /readyz)`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = () => {
      server.off("error", reject);
      resolve();
    };
    if (host === undefined) server.listen(port, done);
    else server.listen(port, host, done);
  });
}
