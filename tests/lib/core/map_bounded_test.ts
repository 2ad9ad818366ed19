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

Deno.test("mapBounded() runs a call more on each lane lent while calls are left, gives each back as it ends, and withdraws its ask", async () => {
  const gates = [0, 1, 2, 3, 4].map(gate);
  const started: number[] = [];
  const asks: { signal: AbortSignal; lend: () => void }[] = [];
  let held = 0;
  const mapped = mapBounded([0, 1, 2, 3, 4], async (n) => {
    started.push(n);
    await gates[n]!.opened;
    return n * 10;
  }, {
    concurrency: 1,
    borrow: (signal) =>
      new Promise((resolve) => {
        const lend = () => {
          held++;
          resolve({ release: () => held-- });
        };
        signal.addEventListener("abort", () => resolve(null), { once: true });
        asks.push({ signal, lend });
      }),
  });
  const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
  await turn();
  // One lane of its own, and one ask at a time.
  assert.deepEqual(started, [0]);
  assert.equal(asks.length, 1);
  asks[0]!.lend();
  await turn();
  // The lent lane takes the next call, and another is asked for.
  assert.deepEqual([started, asks.length, held], [[0, 1], 2, 1]);
  asks[1]!.lend();
  await turn();
  assert.deepEqual([started, asks.length, held], [[0, 1, 2], 3, 2]);
  // A lent lane runs one call: given back as it ends, it takes no other.
  gates[1]!.open();
  await turn();
  assert.deepEqual([started, held], [[0, 1, 2], 1]);
  gates[0]!.open();
  await turn();
  assert.deepEqual(started, [0, 1, 2, 3]);
  assert.equal(asks[2]!.signal.aborted, false);
  // Every call started: the open ask is withdrawn.
  gates[3]!.open();
  await turn();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(asks[2]!.signal.aborted, true);
  for (const { open } of gates) open();
  assert.deepEqual(await mapped, [0, 10, 20, 30, 40]);
  assert.equal(held, 0);
});

Deno.test("mapBounded() stops asking for lanes when told none will come; a lent lane's failure, or the ask's, is thrown", async () => {
  let asked = 0;
  const items = await mapBounded([1, 2, 3], (n) => Promise.resolve(n), {
    concurrency: 1,
    borrow: () => {
      asked++;
      return Promise.resolve(null);
    },
  });
  assert.deepEqual(items, [1, 2, 3]);
  assert.equal(asked, 1);
  const one = gate();
  let held = 0;
  await assert.rejects(
    mapBounded([0, 1], async (n) => {
      if (n === 0) return await one.opened;
      one.open();
      throw new Error("the lent lane's");
    }, {
      concurrency: 1,
      borrow: () => {
        held++;
        return Promise.resolve({ release: () => held-- });
      },
    }),
    /the lent lane's/,
  );
  assert.equal(held, 0);
  // An ask that fails fails the map, and no call starts after it.
  const begun: number[] = [];
  await assert.rejects(
    mapBounded([0, 1, 2, 3], async (n) => {
      begun.push(n);
      await Promise.resolve();
    }, { concurrency: 1, borrow: () => Promise.reject(new Error("cannot lend")) }),
    /cannot lend/,
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(begun, [0]);
});

Deno.test("mapBounded() ends once every call in flight has ended, and asks no more lanes once aborted", async () => {
  // rv19: a failed map returned while its lent calls ran on; aborted, a lender that answered late was asked again
  // and again.
  const slow = gate();
  let running = 0;
  const failing = mapBounded([0, 1], async (n) => {
    running++;
    try {
      if (n === 1) throw new Error("one");
      await slow.opened;
    } finally {
      running--;
    }
  }, { concurrency: 2 });
  let settled = false;
  void failing.catch(() => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual([settled, running], [false, 1]);
  slow.open();
  await assert.rejects(failing, /one/);
  assert.equal(running, 0);

  const stop = new AbortController();
  let asked = 0;
  const first = gate();
  const aborted = mapBounded([0, 1, 2, 3], async (n) => {
    if (n === 0) await first.opened;
  }, {
    concurrency: 1,
    signal: stop.signal,
    // Lends whatever it is told, its signal ignored.
    borrow: () => {
      asked++;
      return Promise.resolve({ release: () => {} });
    },
  });
  stop.abort(new Error("stopped"));
  first.open();
  await assert.rejects(aborted, /stopped/);
  const after = asked;
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(asked, after);
  assert.ok(after <= 2, `${after} asks`);
});

Deno.test("mapBounded() tells the calls in flight to stop when one fails, and takes an ask that fails once withdrawn as withdrawn", async () => {
  // rv20: a sibling that waits for its stop (an encoder the map's failure kills) kept a failed map waiting.
  const told: unknown[] = [];
  await assert.rejects(
    mapBounded([0, 1], (n, _index, signal) => {
      if (n === 1) return Promise.reject(new Error("one"));
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          told.push(signal.reason);
          reject(new Error("stopped"));
        }, { once: true })
      );
    }, { concurrency: 2 }),
    /one/,
  );
  assert.equal(told.length, 1);
  // A lender that rejects its withdrawn ask (as `lendCore` does): every call done, the map is not failed.
  const done = await mapBounded([1, 2, 3], (n) => Promise.resolve(n * 2), {
    concurrency: 1,
    borrow: (signal) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason), { once: true })
      ),
  });
  assert.deepEqual(done, [2, 4, 6]);
});
