// Stops and starts the test broker mid-test: the one of the global setup (over its control
// URL), or, when AMQP_URL points elsewhere, a private broker this test file starts.
import { inject, onTestFinished } from "vitest";
import { startAmqpServer } from "../../../scripts/amqp/server.mjs";
import { amqpUrl } from "./amqp-test-kit.js";

export interface BrokerControl {
  url: string;
  halt(): Promise<void>;
  resume(): Promise<void>;
}

export async function restartableBroker(): Promise<BrokerControl> {
  const control = inject("amqpControlUrl");
  if (control !== "") {
    const post = async (action: string) => {
      const response = await fetch(`${control}/${action}`, { method: "POST" });
      if (!response.ok) throw new Error(`${action}: ${response.status} ${await response.text()}`);
    };
    // Whatever happens in the test, the next one finds the broker up.
    onTestFinished(() => post("resume"));
    return { url: amqpUrl(), halt: () => post("halt"), resume: () => post("resume") };
  }
  const server = await startAmqpServer();
  onTestFinished(() => server.stop());
  return { url: server.url, halt: () => server.halt(), resume: () => server.resume() };
}
