import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { type AmqpServer, startAmqpServer } from "../../../scripts/amqp/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the RabbitMQ broker the tests use. */
    amqpUrl: string;
    /**
     * `http://127.0.0.1:<port>` to POST `/halt` and `/resume` to, stopping and starting the
     * broker this setup started (tests run in another process); "" when AMQP_URL was given.
     */
    amqpControlUrl: string;
  }
}

/** Uses the broker in AMQP_URL, else starts a fresh one and stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.AMQP_URL;
  if (given !== undefined && given.length > 0) {
    project.provide("amqpUrl", given);
    project.provide("amqpControlUrl", "");
    return async () => {};
  }
  const server = await startAmqpServer();
  const control = await controlServer(server);
  project.provide("amqpUrl", server.url);
  project.provide("amqpControlUrl", `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  return async () => {
    control.close();
    await server.stop();
  };
}

/** The broker-restart test's remote control: the broker is a child of this process. */
function controlServer(broker: AmqpServer): Promise<Server> {
  const server = createServer((request, response) => {
    const action =
      request.url === "/halt" ? broker.halt() : request.url === "/resume" ? broker.resume() : null;
    if (request.method !== "POST" || action === null) {
      response.writeHead(404).end();
      return;
    }
    action.then(
      () => response.writeHead(204).end(),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
