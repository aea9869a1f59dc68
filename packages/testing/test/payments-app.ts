// The app of the README's "Testing your handlers", exactly as production would build it.
import { MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, type Message, ResendError } from "@romeways/core";

interface Payment {
  id: number;
  status: "settled" | "pending" | "invalid";
}

export async function handlePayment(message: Message): Promise<void> {
  const payment = JSON.parse(message.payload) as Payment;
  if (payment.status === "pending") throw new ResendError("not settled yet");
  if (payment.status === "invalid") throw new Error(`payment ${payment.id} is invalid`);
}

export function createPaymentsApp() {
  const romeways = createRomeways();
  romeways.queueConsumer(
    "payments",
    { connectorName: "main", frequency: 60, maxResends: 2, deadLetterQueue: "payments.dead" },
    handlePayment,
  );
  romeways.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "main" },
    spawnProcess: true,
  });
  return romeways;
}
