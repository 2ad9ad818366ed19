import assert from "node:assert/strict";
import { ProgressModel } from "../../../lib/report/progress_model.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { ev } from "./_events.ts";

function modelOf(events: RunEvent[]): ProgressModel {
  const model = new ProgressModel();
  for (const event of events) model.apply(event);
  return model;
}

Deno.test("ProgressModel counts done, cached, failed and skipped steps", () => {
  const model = modelOf([
    ev.runStarted(0, 6, 2),
    ev.started(0, "a", { worker: 1 }),
    ev.finished(100, "a", { worker: 1, elapsed: 100 }),
    ev.finished(100, "b", { cached: true }),
    ev.started(100, "c", { worker: 2 }),
    ev.failed(150, "c", { worker: 2, retrying: true }),
    ev.started(160, "c", { worker: 2, attempt: 2 }),
    ev.failed(200, "c", { worker: 2, retrying: false }),
    ev.skipped(200, "d", "c"),
  ]);
  assert.equal(model.total, 6);
  assert.equal(model.workers, 2);
  assert.equal(model.done, 2);
  assert.equal(model.cached, 1);
  assert.equal(model.failed, 1);
  assert.equal(model.skipped, 1);
  assert.equal(model.settled, 4);
  assert.equal(model.lastAt, 200);
  assert.deepEqual(model.running, []);
});

Deno.test("ProgressModel tracks the step each worker runs", () => {
  const model = modelOf([
    ev.runStarted(0, 3, 2),
    ev.started(10, "s2", { worker: 2, kind: "speech" }),
    ev.started(20, "s1", { worker: 1, kind: "clip", attempt: 2 }),
  ]);
  assert.deepEqual(model.running, [
    { worker: 1, step: "s1", kind: "clip", startedAt: 20, attempt: 2 },
    { worker: 2, step: "s2", kind: "speech", startedAt: 10, attempt: 1 },
  ]);
  assert.equal(model.peakBusy, 2);
  model.apply(ev.finished(30, "s2", { worker: 2, kind: "speech", elapsed: 20 }));
  assert.deepEqual(model.running.map((r) => r.step), ["s1"]);
  model.apply(ev.crashed(40, 1));
  assert.deepEqual(model.running, []);
});

Deno.test("ProgressModel moves a step started again on another worker (its first cluster worker died) off the first", () => {
  const model = modelOf([
    ev.runStarted(0, 1, 2),
    ev.started(10, "s1", { worker: "h:1:1" }),
    ev.started(70, "s1", { worker: "h:2:1" }),
  ]);
  assert.deepEqual(model.running.map((r) => [r.worker, r.step]), [["h:2:1", "s1"]]);
  model.apply(ev.finished(100, "s1", { worker: "h:2:1", elapsed: 30 }));
  assert.deepEqual(model.running, []);
});

Deno.test("ProgressModel counts a step once when it settles twice", () => {
  const model = modelOf([
    ev.runStarted(0, 2, 1),
    ev.finished(10, "a", { elapsed: 10 }),
    ev.finished(11, "a", { elapsed: 10 }),
    ev.failed(12, "a"),
  ]);
  assert.equal(model.done, 1);
  assert.equal(model.failed, 0);
});

Deno.test("ProgressModel adds expanded children to the total", () => {
  const model = modelOf([ev.runStarted(0, 3, 1), ev.expanded(5, "t/split", ["t/c1", "t/c2", "t/c3"])]);
  assert.equal(model.total, 6);
});

Deno.test("ProgressModel records a cancelled finish", () => {
  const model = modelOf([ev.runStarted(0, 3, 1), ev.started(1, "a"), ev.runFinished(5, { cancelled: true })]);
  assert.equal(model.finished, true);
  assert.equal(model.cancelled, true);
  assert.deepEqual(model.running, []);
  assert.equal(model.eta(5), 0);
});

Deno.test("ProgressModel.eta() is null before the run starts and before any step has run", () => {
  const model = new ProgressModel();
  assert.equal(model.eta(0), null);
  model.apply(ev.runStarted(0, 3, 2));
  assert.equal(model.eta(0), null);
  model.apply(ev.finished(0, "a", { cached: true }));
  assert.equal(model.eta(0), null, "cached steps say nothing about time");
});

Deno.test("ProgressModel.eta() is 0 once every step settled", () => {
  const model = modelOf([ev.runStarted(0, 1, 1), ev.finished(50, "a", { elapsed: 50 })]);
  assert.equal(model.eta(50), 0);
});

Deno.test("ProgressModel.eta() costs remaining steps at their kind's average", () => {
  const model = modelOf([
    ev.runStarted(0, 6, 1),
    ev.started(0, "s1", { kind: "speech" }),
    ev.finished(1000, "s1", { kind: "speech", elapsed: 1000 }),
    ev.started(1000, "c1", { kind: "clip" }),
    ev.finished(4000, "c1", { kind: "clip", elapsed: 3000 }),
    ev.queued(4000, "s2", "speech"),
    ev.queued(4000, "c2", "clip"),
    ev.queued(4000, "c3", "clip"),
  ]);
  // 1 speech × 1000 + 2 clips × 3000 + 1 step of unknown kind at the overall mean (2000), one worker busy at most.
  assert.equal(model.eta(4000), 9000);
});

Deno.test("ProgressModel.eta() costs the steps not queued yet by the plan's kinds, a kind not finished at the overall mean", () => {
  // Before, every step not queued was costed at the mean of all kinds: a batch's narrations (one a video, the
  // longest steps) at a speech's time, once the first had finished.
  const model = modelOf([
    ev.runStarted(0, 7, 1, 0, { speech: 4, narration: 2, video: 1 }),
    ev.started(0, "a/s1", { kind: "speech" }),
    ev.finished(100, "a/s1", { kind: "speech", elapsed: 100 }),
    ev.started(100, "a/narration", { kind: "narration" }),
    ev.finished(1000, "a/narration", { kind: "narration", elapsed: 900 }),
  ]);
  // 3 speeches × 100 + 1 narration × 900 + 1 video (none finished) at the overall mean (500).
  assert.equal(model.eta(1000), 1700);
});

Deno.test("ProgressModel.eta() costs nothing for the steps the store held at the start", () => {
  // fi8: a re-render of one edited section (8 of 10 steps stored) foresaw the whole lesson's time.
  const model = modelOf([
    ev.runStarted(0, 10, 1, 8),
    ev.started(0, "s1", { kind: "speech" }),
    ev.finished(1000, "s1", { kind: "speech", elapsed: 1000 }),
  ]);
  // 9 steps to settle, 8 of them stored: one more to run, at the mean of 1000 (before: 9 × 1000).
  assert.equal(model.eta(1000), 1000);
  for (const [i, step] of ["a", "b", "c", "d"].entries()) {
    model.apply(ev.finished(1000 + i, step, { cached: true }));
  }
  assert.equal(model.eta(1004), 1000, "the stored steps found: the same one left to run");
  model.apply(ev.queued(1004, "v", "video"));
  assert.equal(model.eta(1004), 1000);
});

Deno.test("ProgressModel.eta() subtracts what a running step has already run", () => {
  const model = modelOf([
    ev.runStarted(0, 3, 1),
    ev.started(0, "c1"),
    ev.finished(3000, "c1", { elapsed: 3000 }),
    ev.started(3000, "c2"),
    ev.queued(3000, "c3", "clip"),
  ]);
  assert.equal(model.eta(3000), 6000);
  assert.equal(model.eta(4000), 5000);
  assert.equal(model.eta(9000), 3000, "an overrunning step counts as nearly done, never negative");
});

Deno.test("ProgressModel.eta() divides by the most workers seen busy at once", () => {
  const model = modelOf([
    ev.runStarted(0, 10, 4),
    ev.started(0, "a", { worker: 1 }),
    ev.started(0, "b", { worker: 2 }),
    ev.finished(1000, "a", { worker: 1, elapsed: 1000 }),
    ev.finished(1000, "b", { worker: 2, elapsed: 1000 }),
  ]);
  // 8 unseen steps × 1000 ms over 2 workers seen busy (of 4 in the pool).
  assert.equal(model.peakBusy, 2);
  assert.equal(model.eta(1000), 4000);
});

Deno.test("ProgressModel.eta() is never below the longest running step's remainder", () => {
  const model = modelOf([
    ev.runStarted(0, 5, 3),
    ev.started(0, "a", { worker: 1 }),
    ev.started(0, "b", { worker: 2 }),
    ev.started(0, "c", { worker: 3 }),
    ev.finished(1000, "a", { worker: 1, elapsed: 1000 }),
    ev.finished(1000, "b", { worker: 2, elapsed: 1000 }),
    ev.started(1000, "slow", { worker: 1, kind: "concat" }),
    ev.finished(9000, "slow", { worker: 1, kind: "concat", elapsed: 8000 }),
    ev.started(9000, "slow2", { worker: 1, kind: "concat" }),
  ]);
  // c: 1000 - 9000 → 0 left; slow2: 8000 left; sum 8000 / 3 workers < 8000.
  assert.equal(model.eta(9000), 8000);
});

Deno.test("ProgressModel.eta() restarts a step's cost after a retry or a crash", () => {
  const model = modelOf([
    ev.runStarted(0, 2, 1),
    ev.finished(1000, "a", { elapsed: 1000 }),
    ev.started(1000, "b"),
  ]);
  assert.equal(model.eta(1600), 400);
  model.apply(ev.failed(1600, "b", { retrying: true }));
  assert.equal(model.eta(1600), 1000);
  model.apply(ev.started(1700, "b", { attempt: 2 }));
  model.apply(ev.crashed(1800, 1));
  assert.equal(model.eta(1900), 1000);
});

Deno.test("ProgressModel counts the steps of a kind and the media their runs went through, not the cached ones'", () => {
  const model = new ProgressModel();
  model.apply(ev.runStarted(0, 4, 2));
  model.apply(ev.queued(0, "a#0", "chunk"));
  model.apply(ev.queued(0, "a#1", "chunk"));
  model.apply(ev.started(1000, "a#0", { kind: "chunk" }));
  model.apply({ ...ev.finished(3000, "a#0", { kind: "chunk", elapsed: 2000 }), media: 30 });
  model.apply({ ...ev.finished(3000, "a#1", { kind: "chunk", cached: true }), media: 30 });
  assert.deepEqual(model.ofKind("chunk"), {
    total: 2,
    done: 2,
    cached: 1,
    media: 30,
    firstStartedAt: 1000,
    averageElapsed: 2000,
  });
  assert.equal(model.mediaRate("chunk", 4000), 10);
  assert.equal(model.mediaRate("clip", 4000), null);
  assert.equal(model.ofKind("clip").total, 0);
});
