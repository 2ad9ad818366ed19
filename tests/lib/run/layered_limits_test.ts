import assert from "node:assert/strict";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { LayeredLimits } from "../../../lib/run/layered_limits.ts";
import { summarizeLimits } from "../../../lib/plan/limits.ts";
import { ProviderLimiter } from "../../../lib/run/provider_limiter.ts";
import { runPlan } from "../../../lib/run/scheduler.ts";
import { FakeExecutor, seededRandom } from "../../_support/fake_executor.ts";
import { MemoryStore } from "../../_support/memory_store.ts";
import { gridWorkflow } from "../../_support/workflows.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const ffmpeg = { ffmpeg: "/bin/false", ffprobe: "/bin/false" };

/** A step as the layers see it: in video `v`, section `v/<section>`; an image call with no CPU slot unless told. */
function layeredStep(provider: string, section: string, options: { kind?: string; cpu?: boolean } = {}) {
  return {
    kind: options.kind ?? "image",
    scope: { item: "v", part: `v/${section}` },
    provider,
    cpu: options.cpu ?? false,
    tokenCost: 0,
  };
}

Deno.test("summarizeLimits() multiplies the layers and caps them with the global bound", () => {
  assert.deepEqual(
    summarizeLimits({
      videos: 2,
      sections: 4,
      api: 2,
      global: 8,
      custom: 2,
      workers: 2,
      cpu: 2,
      minFreeMemory: 0,
    }),
    {
      product: 16,
      bound: 8,
    },
  );
  assert.deepEqual(
    summarizeLimits({
      videos: 1,
      sections: 2,
      api: 1,
      global: 8,
      custom: 2,
      workers: 2,
      cpu: 2,
      minFreeMemory: 0,
    }),
    {
      product: 2,
      bound: 2,
    },
  );
});

Deno.test("LayeredLimits.acquire() releases what it holds when aborted while waiting", async () => {
  const limits = new LayeredLimits({
    videos: 1,
    sections: 1,
    api: 1,
    global: 1,
    custom: 1,
    workers: 1,
    cpu: 1,
    minFreeMemory: 0,
  });
  const step = {
    kind: "speech" as const,
    scope: { item: "a", part: "a/s1" },
    provider: "p",
    cpu: true,
    tokenCost: 0,
  };
  limits.register(step);
  limits.register(step);
  const first = await limits.acquire(step);
  const controller = new AbortController();
  const waiting = limits.acquire(step, { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  first.release();
  // Everything was given back: the same permits can be taken again at once.
  const again = await limits.acquire(step);
  again.release();
});

for (let seed = 1; seed <= 40; seed++) {
  Deno.test(`layered limits hold and never deadlock (seed ${seed})`, async () => {
    const random = seededRandom(seed);
    const pick = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const limits = {
      videos: pick(1, 3),
      sections: pick(1, 3),
      api: pick(1, 2),
      global: pick(1, 6),
      custom: 2,
      workers: 2,
      cpu: pick(1, 3),
    };
    const formats = ["16:9", "9:16", "1:1"].slice(0, pick(1, 3));
    const workflow = await gridWorkflow({
      videos: pick(1, 4),
      sections: pick(1, 5),
      formats,
      limits,
      images: true,
    });
    const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
    const executor = new FakeExecutor(plan, { random });
    const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
    assert.equal(executor.started.length, plan.steps.length);
    const { peaks } = executor;
    assert.ok(peaks.videos <= limits.videos, `videos ${peaks.videos} > ${limits.videos}`);
    assert.ok(
      peaks.sectionsPerVideo <= limits.sections,
      `sections ${peaks.sectionsPerVideo} > ${limits.sections}`,
    );
    assert.ok(peaks.apiPerSection <= limits.api, `api ${peaks.apiPerSection} > ${limits.api}`);
    assert.ok(peaks.global <= limits.global, `global ${peaks.global} > ${limits.global}`);
    assert.ok(peaks.global <= summarizeLimits({ ...limits, minFreeMemory: 0 }).bound);
    assert.ok(peaks.cpu <= limits.cpu, `cpu ${peaks.cpu} > ${limits.cpu}`);
  });
}

Deno.test("layered limits are reached, not just respected, on a wide plan", async () => {
  const limits = {
    videos: 2,
    sections: 2,
    api: 2,
    global: 3,
    custom: 2,
    workers: 2,
    cpu: 8,
    minFreeMemory: 0,
  };
  // Steps last random times: whether three calls overlap depends on them, so several runs are made.
  const peaks = [];
  for (const seed of [5, 6, 7, 8]) {
    const plan = planWorkflows([
      await gridWorkflow({ videos: 3, sections: 3, formats: ["16:9", "9:16"], limits, images: true }),
    ], { toolchain: TEST_TOOLCHAIN });
    const executor = new FakeExecutor(plan, { random: seededRandom(seed) });
    await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
    peaks.push(executor.peaks);
  }
  assert.equal(Math.max(...peaks.map((peak) => peak.global)), 3);
  assert.deepEqual(peaks.map((peak) => peak.videos), [2, 2, 2, 2]);
});

Deno.test("LayeredLimits: calls to a paused provider hold no global permit that another provider needs", async () => {
  const clock = new VirtualClock();
  const paused = new ProviderLimiter(
    { concurrency: 4, requests: null, tokens: null, per: 60_000, burst: 1 },
    {
      clock,
    },
  );
  const fast = new ProviderLimiter({ concurrency: 4, requests: null, tokens: null, per: 60_000, burst: 1 }, {
    clock,
  });
  for (let i = 0; i < 4; i++) paused.succeeded();
  paused.rateLimited(60_000);
  const gates = new Map([["paused", paused], ["fast", fast]]);
  const limits = new LayeredLimits({
    videos: 1,
    sections: 4,
    api: 4,
    global: 2,
    custom: 1,
    workers: 1,
    cpu: 4,
    minFreeMemory: 0,
  }, {
    providerGate: (name) => gates.get(name) ?? null,
  });
  const steps = [layeredStep("paused", "s1"), layeredStep("paused", "s2"), layeredStep("fast", "s3")];
  for (const each of steps) limits.register(each);
  const waiting = [limits.acquire(steps[0]!), limits.acquire(steps[1]!)];
  const fastPermit = await limits.acquire(steps[2]!);
  assert.equal(
    clock.now(),
    0,
    "the fast provider's call went at once: the two paused calls hold none of the 2 global permits",
  );
  fastPermit.release();
  for (const permit of await Promise.all(waiting)) permit.release();
  assert.ok(clock.now() >= 60_000, "the paused provider waited out its pause");
});

Deno.test("LayeredLimits: a call that got its permits during another's 429 pause waits it out holding none of them", async () => {
  const clock = new VirtualClock();
  // No rate set: only the pause can hold its calls back.
  const paused = new ProviderLimiter(
    { concurrency: 4, requests: null, tokens: null, per: 60_000, burst: 1 },
    {
      clock,
    },
  );
  for (let i = 0; i < 4; i++) paused.succeeded();
  const gates = new Map([["paused", paused]]);
  const limits = new LayeredLimits({
    videos: 1,
    sections: 4,
    api: 4,
    global: 1,
    custom: 1,
    workers: 1,
    cpu: 4,
    minFreeMemory: 0,
  }, {
    providerGate: (name) => gates.get(name) ?? null,
  });
  const [first, second, other] = [
    layeredStep("paused", "s1"),
    layeredStep("paused", "s2"),
    layeredStep("other", "s3"),
  ];
  for (const each of [first!, second!, other!]) limits.register(each);
  const inFlight = await limits.acquire(first!);
  // Admitted by its provider, it waits for the one global permit; another provider's call waits behind it.
  const waiting = limits.acquire(second!);
  const otherWaiting = limits.acquire(other!);
  // The call in flight is answered 429, Retry-After 60 s, and frees its permits.
  paused.rateLimited(60_000);
  inFlight.release();
  const otherPermit = await otherWaiting;
  assert.equal(clock.now(), 0, "the other provider's call did not wait for the paused provider's pause");
  otherPermit.release();
  (await waiting).release();
  assert.ok(
    clock.now() >= 60_000,
    `the paused provider's call left at ${clock.now()} ms, before the pause ended`,
  );
});

/** A provider "paced" at 60 calls a minute with its window grown to 4, and layers of `sections` and `global`. */
function pacedLayers(clock: VirtualClock, layers: { sections: number; global: number }) {
  const paced = new ProviderLimiter({ concurrency: 4, requests: 60, tokens: null, per: 60_000, burst: 1 }, {
    clock,
  });
  for (let i = 0; i < 4; i++) paced.succeeded();
  const gates = new Map([["paced", paced]]);
  const limits = new LayeredLimits({
    videos: 1,
    api: 4,
    custom: 1,
    workers: 1,
    cpu: 4,
    minFreeMemory: 0,
    ...layers,
  }, {
    providerGate: (name) => gates.get(name) ?? null,
  });
  return { paced, limits };
}

Deno.test("LayeredLimits: a call waiting for its rate slot when another's 429 pauses the provider lets go of its permits", async () => {
  // rv33: it slept through the whole Retry-After in the rate meter, holding its global permit; a call of another
  // provider that asked after the 429 waited the minute for it.
  const clock = new VirtualClock();
  const { paced, limits } = pacedLayers(clock, { sections: 4, global: 2 });
  const [first, second, other, another] = [
    layeredStep("paced", "s1"),
    layeredStep("paced", "s2"),
    layeredStep("other", "s3"),
    layeredStep("other", "s4"),
  ];
  for (const each of [first!, second!, other!, another!]) limits.register(each);
  const sent = await limits.acquire(first!);
  // The second holds the other global permit and waits a second for its slot in the rate.
  const waiting = limits.acquire(second!);
  await clock.sleep(10);
  // The first is answered 429, Retry-After 60 s, and frees its permit; two calls of another provider ask.
  paced.rateLimited(60_000);
  sent.release();
  const running = await limits.acquire(other!);
  const took = await limits.acquire(another!);
  assert.ok(clock.now() < 60_000, `the other provider's second call got its permit at ${clock.now()} ms`);
  took.release();
  running.release();
  (await waiting).release();
  assert.ok(clock.now() >= 60_000, `the paced call left at ${clock.now()} ms, inside the pause`);
});

Deno.test("LayeredLimits reserves the rate slot last: calls that waited for global permits leave spaced by the rate", async () => {
  const clock = new VirtualClock();
  const { limits } = pacedLayers(clock, { sections: 8, global: 4 });
  const step = (provider: string, i: number) => layeredStep(provider, `s${i}`);
  // Four calls of another provider hold every global permit for 10 s; four paced calls wait behind them.
  const blockers = [0, 1, 2, 3].map((i) => step("other", i));
  const calls = [4, 5, 6, 7].map((i) => step("paced", i));
  for (const each of [...blockers, ...calls]) limits.register(each);
  const held = await Promise.all(blockers.map((each) => limits.acquire(each)));
  const sends: number[] = [];
  const sent = Promise.all(calls.map(async (each) => {
    const permit = await limits.acquire(each);
    sends.push(clock.now());
    permit.release();
  }));
  await clock.sleep(10_000);
  for (const permit of held) permit.release();
  await sent;
  assert.ok(sends[0]! >= 10_000, `the first paced call left at ${sends[0]} ms`);
  const gaps = sends.slice(1).map((at, i) => at - sends[i]!);
  assert.ok(gaps.every((gap) => gap >= 1000), `gaps between sends: ${gaps.join(", ")} ms`);
});

Deno.test("LayeredLimits: local steps waiting for the CPU pool hold no section, API or global permit", async () => {
  const limits = new LayeredLimits({
    videos: 1,
    sections: 1,
    api: 1,
    global: 1,
    custom: 1,
    workers: 2,
    cpu: 1,
    minFreeMemory: 0,
  });
  const local = (section: string) => layeredStep("local/slides@1", section, { kind: "slide", cpu: true });
  const call = layeredStep("images", "s3");
  for (const step of [local("s1"), local("s2"), call]) limits.register(step);
  const running = await limits.acquire(local("s1"));
  const waiting = limits.acquire(local("s2"));
  let slideGotIn = false;
  waiting.then(() => slideGotIn = true);
  // The call goes ahead (were it blocked, the test would end with its promise pending): the slide of another
  // section that waits for the one CPU slot holds nothing it needs, and still waits.
  const sent = await limits.acquire(call);
  assert.equal(slideGotIn, false, "the second slide got the one CPU slot while the first held it");
  sent.release();
  running.release();
  (await waiting).release();
});

Deno.test("LayeredLimits: an HTTP provider's step keeps its provider window and global permits, CPU flag or not", async () => {
  const clock = new VirtualClock();
  const provider = new ProviderLimiter({
    concurrency: 1,
    requests: null,
    tokens: null,
    per: 60_000,
    burst: 1,
  }, {
    clock,
  });
  const limits = new LayeredLimits({
    videos: 1,
    sections: 4,
    api: 4,
    global: 4,
    custom: 1,
    workers: 2,
    cpu: 4,
    minFreeMemory: 0,
  }, { providerGate: (name) => name === "images" ? provider : null });
  const [first, second] = [
    layeredStep("images", "s1", { cpu: true }),
    layeredStep("images", "s2", { cpu: true }),
  ];
  for (const step of [first, second]) limits.register(step);
  const running = await limits.acquire(first);
  let admitted = false;
  const waiting = limits.acquire(second).then((permit) => {
    admitted = true;
    return permit;
  });
  // Four CPU slots are free, yet the provider takes one call at a time.
  for (let turn = 0; turn < 50; turn++) await null;
  assert.equal(admitted, false, "the second call waits for the provider's one place");
  running.release();
  (await waiting).release();
  assert.equal(admitted, true);
});

/** Limits of `cpu` CPU slots (and as many workers), with no other bound in the way. */
function cpuLimits(cpu: number): LayeredLimits {
  return new LayeredLimits({
    videos: 4,
    sections: 4,
    api: 1,
    global: 1,
    custom: 1,
    workers: cpu,
    cpu,
    minFreeMemory: 0,
  });
}

/** A local slide step of section `section`, CPU-heavy. */
const slide = (section: string) => layeredStep("local/slides@1", section, { kind: "slide", cpu: true });

Deno.test("LayeredLimits: a step that can use several cores gets the CPU slots idle when it starts, up to its count", async () => {
  const limits = cpuLimits(4);
  const encode = {
    kind: "narration",
    scope: { item: "v", part: null },
    provider: null,
    cpu: true,
    tokenCost: 0,
  };
  for (const step of [encode, slide("s1"), slide("s2"), slide("s3")]) limits.register(step);
  // Alone, a narration that can use 3 cores gets 3 of the 4 slots; a step of one core gets the last.
  const wide = await limits.acquire({ ...encode, cores: 3 });
  assert.equal(wide.cores, 3);
  const first = await limits.acquire(slide("s1"));
  assert.equal(first.cores, 1);
  // The next slide waits for a slot, and gets one when the narration's three are freed.
  const waiting = limits.acquire(slide("s2"));
  wide.release();
  const second = await waiting;
  // Two slots idle: a step of a kind that says nothing takes one; a wide one then gets the last and no more.
  const plain = await limits.acquire(encode);
  assert.equal(plain.cores, 1);
  const again = await limits.acquire({ ...encode, cores: 4 });
  assert.equal(again.cores, 1);
  for (const permit of [plain, again]) permit.release();
  // With the two idle again, it gets both.
  const both = await limits.acquire({ ...encode, cores: 4 });
  assert.equal(both.cores, 2);
  // Every slot held: a wide step waits like any other, and starts on the one slot freed.
  const queued = limits.acquire({ ...encode, cores: 4 });
  first.release();
  const late = await queued;
  assert.equal(late.cores, 1);
  for (const permit of [both, second, late]) permit.release();
});

/**
 * Limits with one global permit and a provider `paced` of one request a minute whose slot of this minute is free,
 * on a virtual clock, and two of its steps registered.
 */
function pacedLimits() {
  const clock = new VirtualClock();
  const paced = new ProviderLimiter({ concurrency: 4, requests: 1, tokens: null, per: 60_000, burst: 1 }, {
    clock,
  });
  paced.succeeded();
  const limits = new LayeredLimits({
    videos: 1,
    sections: 8,
    api: 4,
    global: 1,
    custom: 1,
    workers: 1,
    cpu: 4,
    minFreeMemory: 0,
  }, { providerGate: (name) => name === "paced" ? paced : null });
  const steps = [layeredStep("paced", "s1"), layeredStep("paced", "s2")] as const;
  for (const each of steps) limits.register(each);
  return { clock, limits, steps };
}

Deno.test("LayeredLimits: a step no longer wanted once its permits are held gives them back and takes no rate slot", async () => {
  // A review: a render whose key was claimed away while it waited still took the provider's slot, and its next real
  // call waited a minute at 1 request a minute.
  const { clock, limits, steps: [lost, real] } = pacedLimits();
  assert.equal(await limits.acquire(lost, { wanted: () => Promise.resolve(false) }), null);
  // Its global permit was given back (there is one), and the slot is still there: the real call leaves at once.
  const permit = await limits.acquire(real);
  assert.equal(clock.now(), 0);
  permit.release();
});

Deno.test("LayeredLimits: a step claimed away while it waits for its rate slot is not sent", async () => {
  // A review: asked only before the slot, a claim lost during a minute's wait for it went unnoticed, and the call
  // was paid twice.
  const { clock, limits, steps: [first, second] } = pacedLimits();
  (await limits.acquire(first)).release();
  let held = true;
  const lost = clock.sleep(30_000).then(() => held = false);
  assert.equal(await limits.acquire(second, { wanted: () => Promise.resolve(held) }), null);
  await lost;
  assert.ok(clock.now() >= 60_000, "it waited for its slot");
});

Deno.test("LayeredLimits.lendCore() lends an idle CPU slot, behind every step that waits for one", async () => {
  const limits = cpuLimits(2);
  for (const section of ["s1", "s2", "s3"]) limits.register(slide(section));
  const signal = new AbortController().signal;
  const first = await limits.acquire(slide("s1"));
  // A slot is idle: lent at once.
  const lent = await limits.lendCore(signal);
  // None idle: the ask waits, and a step that comes to wait after it goes first.
  const asked = limits.lendCore(signal);
  let given = false;
  void asked.then(() => given = true);
  const waiting = limits.acquire(slide("s2"));
  // Its earlier permits are taken first: it waits for the CPU pool once the event loop has turned.
  await new Promise((resolve) => setTimeout(resolve, 0));
  lent.release();
  const second = await waiting;
  await Promise.resolve();
  assert.equal(given, false);
  first.release();
  (await asked).release();
  // Withdrawn while it waits: it leaves the queue, holding nothing.
  const third = await limits.acquire(slide("s3"));
  const withdraw = new AbortController();
  const withdrawn = limits.lendCore(withdraw.signal);
  withdraw.abort(new Error("withdrawn"));
  await assert.rejects(withdrawn, /withdrawn/);
  for (const permit of [second, third]) permit.release();
  const both = await limits.acquire({ ...slide("s1"), cores: 2 });
  assert.equal(both.cores, 2);
  both.release();
});
