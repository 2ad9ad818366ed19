/**
 * paceHeap() collects an isolate once its heap and outside buffers have grown past the threshold since the last
 * collection, counts growth from a lower point when V8 collected on its own, does nothing without V8's gc(), and,
 * run with --expose-gc, really frees the garbage.
 */
import assert from "node:assert/strict";
import { paceHeap } from "../../../lib/core/heap_pacer.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** A pacer over a fake isolate: `used` bytes, a collection that leaves `live`, ticks run by hand. */
function fakePacer(growthBytes: number, growthShare = 0.25) {
  const isolate = { used: 100, live: 100, collections: 0, stopped: false };
  let tick = () => {};
  const stop = paceHeap({
    growthBytes,
    growthShare,
    collect: () => {
      isolate.collections++;
      isolate.used = isolate.live;
    },
    measure: () => isolate.used,
    every: (fn, ms) => {
      assert.equal(ms, 1000);
      tick = fn;
      return () => isolate.stopped = true;
    },
  });
  return { isolate, tick: () => tick(), stop };
}

Deno.test("paceHeap: collects when the growth since the last collection passes the threshold, then counts anew", () => {
  const { isolate, tick, stop } = fakePacer(50);
  isolate.used = 149;
  tick();
  assert.equal(isolate.collections, 0, "49 bytes of growth: not yet");
  isolate.used = 150;
  isolate.live = 120;
  tick();
  assert.equal(isolate.collections, 1);
  isolate.used = 169;
  tick();
  assert.equal(isolate.collections, 1, "growth counts from the 120 bytes left live");
  isolate.used = 171;
  tick();
  assert.equal(isolate.collections, 2);
  stop();
  assert.ok(isolate.stopped);
});

Deno.test("paceHeap: a large live heap is collected after a quarter of it, not after the fixed growth", () => {
  const { isolate, tick } = fakePacer(10);
  isolate.used = 124;
  tick();
  assert.equal(isolate.collections, 0, "24 bytes over 100 live: under a quarter (25), over the fixed 10");
  isolate.live = 400;
  isolate.used = 125;
  tick();
  assert.equal(isolate.collections, 1);
  isolate.used = 499;
  tick();
  assert.equal(isolate.collections, 1, "99 bytes over 400 live: under a quarter (100)");
  isolate.used = 500;
  tick();
  assert.equal(isolate.collections, 2);
});

Deno.test("paceHeap: after V8 collected on its own, growth counts from the lower point", () => {
  const { isolate, tick } = fakePacer(50);
  isolate.used = 60;
  tick();
  isolate.used = 109;
  tick();
  assert.equal(isolate.collections, 0, "49 bytes above 60");
  isolate.used = 111;
  tick();
  assert.equal(isolate.collections, 1);
});

Deno.test("paceHeap: without V8's gc() (no --expose-gc) nothing is paced", () => {
  let scheduled = false;
  const stop = paceHeap({ every: () => (scheduled = true, () => {}) });
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined", "the tests run without --expose-gc");
  assert.equal(scheduled, false);
  stop();
});

Deno.test("paceHeap: with --expose-gc, a tick past the threshold frees the isolate's garbage", async () => {
  const dir = await tempDir("reel-heap-pacer-");
  const script = `${dir}/pace.ts`;
  await Deno.writeTextFile(
    script,
    `import { paceHeap } from "${new URL("../../../lib/core/heap_pacer.ts", import.meta.url)}";\n` +
      `let tick = () => {};\n` +
      `paceHeap({ growthBytes: 16 * 1024 * 1024, every: (fn) => { tick = fn; return () => {}; } });\n` +
      `let junk = [];\n` +
      `for (let i = 0; i < 400_000; i++) junk.push({ i, text: "garbage " + i });\n` +
      `junk = [];\n` +
      `const before = Deno.memoryUsage().heapUsed;\n` +
      `tick();\n` +
      `console.log(JSON.stringify({ before, after: Deno.memoryUsage().heapUsed }));\n`,
  );
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--v8-flags=--expose-gc,--max-semi-space-size=64", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const { before, after } = JSON.parse(new TextDecoder().decode(stdout));
  assert.ok(before > 30_000_000, `the garbage is in the heap before the tick (${before} bytes)`);
  assert.ok(after < 10_000_000, `and gone after it (${after} bytes)`);
});
