import assert from "node:assert/strict";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { LayeredLimits } from "../../../lib/run/layered_limits.ts";
import { MemoryGate } from "../../../lib/run/memory_gate.ts";

const GB = 2 ** 30;
const limits = {
  videos: 4,
  sections: 4,
  api: 4,
  global: 4,
  custom: 4,
  workers: 4,
  cpu: 3,
  minFreeMemory: GB,
};
const heavy = (part: string) => ({
  kind: "encode",
  scope: { item: null, part },
  provider: null,
  cpu: true,
  tokenCost: 0,
});

/** Whether a promise has settled, looked at after pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => done = true, () => done = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

Deno.test("MemoryGate.admit() lets a step start at once when enough memory is available", async () => {
  let reads = 0;
  const gate = new MemoryGate({ minFree: GB, read: () => Promise.resolve(++reads && 2 * GB) });
  await gate.admit();
  await gate.admit();
  assert.equal(gate.held, 0);
  assert.equal(gate.running, 2);
  // The first found none running: memory was read for the second only.
  assert.equal(reads, 1);
});

Deno.test("MemoryGate.admit() never holds a step back when no other heavy step runs (nothing to wait for)", async () => {
  const gate = new MemoryGate({ minFree: GB, read: () => Promise.resolve(0) });
  await gate.admit();
  assert.equal(gate.held, 0);
  gate.released();
  assert.equal(gate.running, 0);
});

Deno.test("a heavy step waits while memory is short and another runs, and starts when that one ends", async () => {
  const gate = new MemoryGate({
    minFree: GB,
    read: () => Promise.resolve(GB / 2),
    clock: new VirtualClock(),
  });
  const layers = new LayeredLimits(limits, { memoryGate: gate });
  const first = await layers.acquire(heavy("a"));
  const second = layers.acquire(heavy("b"));
  assert.equal(await settled(second), false);
  assert.equal(gate.held, 1);
  first.release();
  (await second).release();
});

Deno.test("two heavy steps that take their CPU slots at once while memory is short do not wait for each other", async () => {
  const gate = new MemoryGate({
    minFree: GB,
    read: () => Promise.resolve(GB / 2),
    clock: new VirtualClock(),
  });
  const layers = new LayeredLimits(limits, { memoryGate: gate });
  // Before: each counted the other's slot as a step running, and both waited forever (a render hung, silent).
  const [a, b, c] = [layers.acquire(heavy("a")), layers.acquire(heavy("b")), layers.acquire(heavy("c"))];
  const started = await Promise.all([a, b, c].map(settled));
  assert.deepEqual(started, [true, false, false], "the first starts, the others wait for its end");
  // Its end lets one more in, not every waiting step (each is counted as it starts).
  (await a).release();
  assert.deepEqual(await Promise.all([b, c].map(settled)), [true, false]);
  (await b).release();
  (await c).release();
  assert.equal(gate.running, 0);
});

Deno.test("a held-back step starts when memory comes back, polled on the injected clock", async () => {
  let available = GB / 4;
  const clock = new VirtualClock();
  const gate = new MemoryGate({ minFree: GB, read: () => Promise.resolve(available), clock, pollMs: 1000 });
  const layers = new LayeredLimits(limits, { memoryGate: gate });
  const first = await layers.acquire(heavy("a"));
  const second = layers.acquire(heavy("b"));
  assert.equal(await settled(second), false);
  available = 2 * GB;
  const permit = await second;
  assert.ok(clock.now() >= 1000, "the gate looked again after its poll period");
  permit.release();
  first.release();
});

Deno.test("a step abandoned while held back gives its CPU slot back", async () => {
  const gate = new MemoryGate({ minFree: GB, read: () => Promise.resolve(0), clock: new VirtualClock() });
  const layers = new LayeredLimits({ ...limits, cpu: 2 }, { memoryGate: gate });
  const first = await layers.acquire(heavy("a"));
  const controller = new AbortController();
  const second = layers.acquire(heavy("b"), { signal: controller.signal });
  assert.equal(await settled(second), false);
  controller.abort(new Error("stop"));
  await assert.rejects(second, /stop/);
  // Its slot is free again: with the first one gone, a new step takes it at once.
  first.release();
  (await layers.acquire(heavy("c"))).release();
});

Deno.test("steps that are not CPU-heavy are never held back for memory", async () => {
  let reads = 0;
  const gate = new MemoryGate({ minFree: GB, read: () => Promise.resolve(++reads && 0) });
  const layers = new LayeredLimits(limits, { memoryGate: gate });
  const first = await layers.acquire(heavy("a"));
  (await layers.acquire({ ...heavy("b"), cpu: false })).release();
  first.release();
  assert.equal(reads, 0);
});

Deno.test("a workflow's limits.minFreeMemory reads sizes like 512MB", async () => {
  const { resolveWorkflow } = await import("../../../lib/workflow/resolve_workflow.ts");
  const input = {
    limits: { minFreeMemory: "512MB" },
    videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }],
  };
  const workflow = await resolveWorkflow(input, { file: "a.ts", moduleUrl: "file:///a.ts" });
  assert.equal(workflow.limits.minFreeMemory, 512e6);
  await assert.rejects(
    resolveWorkflow({ ...input, limits: { minFreeMemory: "lots" } }, {
      file: "a.ts",
      moduleUrl: "file:///a.ts",
    }),
    /limits\.minFreeMemory: Expected a size like "512MB"/,
  );
});

Deno.test("held-back steps look one at a time, each after a poll period or a step's end: one reading lets one in", async () => {
  // rv33: one step's end woke five held-back steps, and each read the memory that the first let in had not yet
  // taken: all five started at once.
  let available = GB / 2;
  const clock = new VirtualClock();
  const gate = new MemoryGate({ minFree: GB, read: () => Promise.resolve(available), clock, pollMs: 1000 });
  await gate.admit();
  const started: number[] = [];
  const waiting = [0, 1, 2, 3, 4].map(() => gate.admit().then(() => started.push(clock.now())));
  // A moment: every step has read the memory and waits.
  await clock.sleep(1);
  assert.equal(gate.held, 5);
  // The running step ends and memory is free: the first held-back step starts at once, each next a poll later.
  available = 2 * GB;
  const start = clock.now();
  gate.released();
  await Promise.all(waiting);
  assert.deepEqual(started.map((at) => at - start), [0, 1000, 2000, 3000, 4000]);
  assert.equal(gate.running, 5);
});
