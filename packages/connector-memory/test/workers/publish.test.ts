import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { killLeftoverApps, type Line, runApp } from "./run-app.js";

const entry = fileURLToPath(new URL("./publish-app.ts", import.meta.url));

afterEach(killLeftoverApps);

describe("romeways.publish in worker processes (memory connector, real child processes)", () => {
  test("the parent publishes to a worker's queue; the worker's handler publishes back to the parent's queues", async () => {
    const app = runApp(["--import", "tsx", entry], { ORDERS: "3" });
    const { pid: parent } = await app.waitFor((l) => l.event === "parent:started");
    const invoices = await app.waitForCount((l: Line) => l.invoiced !== undefined, 3);
    const audits = await app.waitForCount((l: Line) => l.audit !== undefined, 3);
    const published = app.lines.filter((l) => l.published !== undefined);
    // Published in the worker, handled in the parent.
    expect(published.every((l) => l.pid !== parent)).toBe(true);
    expect(invoices.every((l) => l.pid === parent)).toBe(true);
    const orders = invoices.map((l) => l.invoiced as { order: string; worker: number });
    expect(orders.map((o) => o.order).sort()).toEqual(["o-0", "o-1", "o-2"]);
    expect(orders.every((o) => o.worker === published[0]?.pid)).toBe(true);
    for (const line of invoices) {
      expect(line.key).toBe((line.invoiced as { order: string }).order);
      expect(line.from).toBe("worker");
      // delayMs: held by the parent's consumer until the due time the worker wrote.
      expect(line.at as number).toBeGreaterThanOrEqual(line.notBefore as number);
    }
    expect(audits.map((l) => l.audit).sort()).toEqual([
      "order o-0 invoiced",
      "order o-1 invoiced",
      "order o-2 invoiced",
    ]);
    const forwarded = await app.waitForCount((l: Line) => l.event === "message:published", 3);
    expect(forwarded.every((l) => l.pid === parent)).toBe(true);
    console.log(
      `worker ${published[0]?.pid} published ${invoices.length} invoices and ${audits.length} audit lines to parent ${parent}`,
    );
    app.child.kill("SIGTERM");
    await app.exited;
  });
});
