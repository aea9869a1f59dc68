import { mkdir, readdir, readFile, rename, rmdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RawMessage } from "@romeways/core";
import { decodeMessageFile, encodeMessageFile } from "./message-file.js";

/** A message taken from the folder: its file now sits in this process's in-flight folder. */
export interface ClaimedMessage {
  name: string;
  path: string;
  message: RawMessage;
}

/**
 * One queue as a folder:
 *
 *   <queue>/ready/<name>            waiting messages; names sort in the order they were put
 *   <queue>/in-flight/<pid>/<name>  taken by process <pid>, not acknowledged yet
 *   <queue>/tmp/<name>              being written
 *
 * Every move is a rename, which is atomic on one file system: a message is in exactly one
 * place, and two consumers racing for it cannot both win.
 */
export class QueueFolder {
  readonly ready: string;
  private readonly inFlightRoot: string;
  private readonly ownInFlight: string;
  private readonly tmp: string;
  private created: Promise<void> | undefined;

  constructor(directory: string, queueName: string) {
    const root = join(directory, queueName);
    this.ready = join(root, "ready");
    this.inFlightRoot = join(root, "in-flight");
    this.ownInFlight = join(this.inFlightRoot, String(process.pid));
    this.tmp = join(root, "tmp");
  }

  /** Creates the folders once per instance (a failure is tried again by the next call). */
  create(): Promise<void> {
    this.created ??= Promise.all(
      [this.ready, this.ownInFlight, this.tmp].map((dir) => mkdir(dir, { recursive: true })),
    ).then(
      () => {},
      (error: unknown) => {
        this.created = undefined;
        throw error;
      },
    );
    return this.created;
  }

  /** Writes aside, then renames into `ready/`: a consumer never sees half a message. */
  async put(message: RawMessage): Promise<void> {
    await this.create();
    const name = nextFileName();
    await writeFile(join(this.tmp, name), encodeMessageFile(message));
    await rename(join(this.tmp, name), join(this.ready, name));
  }

  /** Takes up to `max` of the oldest waiting messages into this process's in-flight folder. */
  async claim(max: number): Promise<ClaimedMessage[]> {
    const claimed: ClaimedMessage[] = [];
    for (const name of (await readdir(this.ready)).sort()) {
      if (claimed.length >= max) break;
      const path = join(this.ownInFlight, name);
      // Another consumer won this one: it is gone from ready/.
      if (!(await ignoringMissing(rename(join(this.ready, name), path)))) continue;
      claimed.push({ name, path, message: decodeMessageFile(await readFile(path)) });
    }
    return claimed;
  }

  /** Acknowledged: the message is done with. */
  async remove(claimed: ClaimedMessage): Promise<void> {
    await ignoringMissing(unlink(claimed.path));
  }

  /** Not acknowledged: back under its old name, so it is next again. */
  async giveBack(claimed: ClaimedMessage): Promise<void> {
    await ignoringMissing(rename(claimed.path, join(this.ready, claimed.name)));
  }

  /**
   * Returns to `ready/` what processes that are gone left in flight, and what an earlier
   * instance in this process left (it crashed or was never stopped: core runs one consumer
   * per queue and process). Messages of other live processes stay theirs.
   */
  async recoverOrphans(): Promise<number> {
    let recovered = 0;
    for (const owner of await readdir(this.inFlightRoot)) {
      const pid = Number(owner);
      if (pid !== process.pid && isAlive(pid)) continue;
      const dir = join(this.inFlightRoot, owner);
      for (const name of await readdir(dir).catch(() => [])) {
        if (await ignoringMissing(rename(join(dir, name), join(this.ready, name)))) recovered++;
      }
      if (pid !== process.pid) await rmdir(dir).catch(() => {});
    }
    return recovered;
  }
}

let lastStamp = 0;
let sequence = 0;

/** Names that sort in the order this process put them: time, then a counter within the millisecond. */
function nextFileName(): string {
  const now = Math.max(Date.now(), lastStamp);
  sequence = now === lastStamp ? sequence + 1 : 0;
  lastStamp = now;
  const stamp = String(now).padStart(15, "0");
  return `${stamp}-${String(sequence).padStart(6, "0")}-${process.pid}.msg`;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs a file operation; false when the file was already gone (another consumer moved it). */
async function ignoringMissing(operation: Promise<unknown>): Promise<boolean> {
  try {
    await operation;
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
