// A third-party connector in use: a durable queue in a folder, registered as "folder" by
// importing it. Messages are files, so what was not handled outlives the process.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRomeways, type Message, ResendError } from "@romeways/core";
import { QueueFolder } from "./index.js";

const directory = await mkdtemp(join(tmpdir(), "romeways-folder-demo-"));
const romeways = createRomeways();
const greetings = ["hello", "hola", "hallo"];
let handled = 0;

romeways.queueConsumer(
  "greetings",
  { connectorName: "files", frequency: 0.1, maxChunkSize: 5, sequential: true },
  async (message: Message) => {
    // A resend goes back into the folder as a new file, in the envelope Python romeways reads.
    if (message.payload === "hola" && message.rwResendTimes === 0) {
      throw new ResendError("say it twice");
    }
    console.log(`handled ${message.payload} (rwResendTimes=${message.rwResendTimes})`);
    if (++handled === greetings.length) void romeways.stop();
  },
);

romeways.connectorRegister({ connector: "folder", config: { connectorName: "files", directory } });

const stopped = new Promise((resolve) => romeways.events.once("app:stopped", resolve));
await romeways.start();
const queue = new QueueFolder(directory, "greetings");
for (const text of greetings) await queue.put({ body: new TextEncoder().encode(text) });
await stopped;
const left = await readdir(join(directory, "greetings", "ready"));
console.log(`stopped: ${left.length} message files left in ${directory}`);
await rm(directory, { recursive: true, force: true });
