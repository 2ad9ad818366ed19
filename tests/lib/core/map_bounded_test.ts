/** mapBounded keeps its bound, the items' order, and stops starting calls after a failure or an abort. */
import assert from "node:assert/strict";
import { mapBounded } from "../../../lib/core/map_bounded.ts";

/** A call that ends when the test says, so that the order calls end in is the test's. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => open = resolve);
  return { opened, open };
}

Deno.test("mapBounded() runs at most `concurrency` calls at once and keeps the items' order", async () => {
  const gates = [0, 1, 2, 3, 4].map(gate);
  const started: number[] = [];
  const mapped = mapBounded([0, 1, 2, 3, 4], async (n) => {
    started.push(n);
    await gates[n]!.opened;
    return n * 10;
  }, { concurrency: 2 });
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  gates[1]!.open();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(started, [0, 1, 2]);
  for (const { open } of gates) open();
  assert.deepEqual(await mapped, [0, 10, 20, 30, 40]);
});

Deno.test("mapBounded() rejects with the first failure and starts no call after it", async () => {
  const started: number[] = [];
  await assert.rejects(
    mapBounded([0, 1, 2, 3], (n) => {
      started.push(n);
      return n === 1 ? Promise.reject(new Error("one")) : Promise.resolve(n);
    }, { concurrency: 1 }),
    /one/,
  );
  assert.deepEqual(started, [0, 1]);
});

Deno.test("mapBounded() starts nothing once aborted, and refuses a bound below 1", async () => {
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  let calls = 0;
  await assert.rejects(
    mapBounded([1, 2], () => Promise.resolve(calls++), { concurrency: 2, signal: controller.signal }),
    /stop/,
  );
  assert.equal(calls, 0);
  await assert.rejects(mapBounded([1], () => Promise.resolve(1), { concurrency: 0 }), RangeError);
  assert.deepEqual(await mapBounded([], () => Promise.resolve(1), { concurrency: 3 }), []);
});
