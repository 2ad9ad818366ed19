import assert from "node:assert/strict";
import { Semaphore } from "../../../lib/run/semaphore.ts";

Deno.test("Semaphore serves waiters by priority, highest first, and first come first served among equals", async () => {
  const semaphore = new Semaphore(1);
  const held = await semaphore.acquire();
  const served: string[] = [];
  const wait = (name: string, priority?: number) =>
    semaphore.acquire({ priority }).then((permit) => {
      served.push(name);
      permit.release();
    });
  const all = [wait("low", 1), wait("none"), wait("high-1", 5), wait("mid", 3), wait("high-2", 5)];
  assert.equal(semaphore.waiting, 5);
  held.release();
  await Promise.all(all);
  assert.deepEqual(served, ["high-1", "high-2", "mid", "low", "none"]);
  assert.equal(semaphore.available, 1);
});

Deno.test("Semaphore: an aborted waiter leaves the queue and the next by priority is served", async () => {
  const semaphore = new Semaphore(1);
  const held = await semaphore.acquire();
  const controller = new AbortController();
  const aborted = semaphore.acquire({ priority: 9, signal: controller.signal });
  const next = semaphore.acquire({ priority: 1 });
  controller.abort(new Error("gone"));
  await assert.rejects(aborted, /gone/);
  held.release();
  (await next).release();
  assert.equal(semaphore.available, 1);
});
