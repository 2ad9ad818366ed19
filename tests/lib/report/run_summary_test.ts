import assert from "node:assert/strict";
import { formatSummary, type RunSummary, summarizeEvents } from "../../../lib/report/run_summary.ts";
import { ev } from "./_events.ts";

function summaryWith(more: Partial<RunSummary>): RunSummary {
  return {
    outputs: [],
    failures: [],
    skipped: 0,
    done: 0,
    cached: 0,
    wallMs: 0,
    cpuMs: 0,
    peakRssBytes: null,
    cancelled: false,
    ...more,
  };
}

Deno.test("formatSummary() lists outputs with durations and sizes, aligned", () => {
  const text = formatSummary(summaryWith({
    outputs: [
      { path: "out/intro-16x9.mp4", duration: 83_400, bytes: 3_200_000 },
      { path: "out/intro.srt", duration: null, bytes: 12_000 },
    ],
    done: 38,
    cached: 5,
    wallMs: 12_300,
    cpuMs: 40_100,
    peakRssBytes: 210_000_000,
  }));
  const lines = text.split("\n");
  assert.equal(lines[0], "Outputs");
  assert.equal(lines[1], "  out/intro-16x9.mp4  1:23.4   3.2 MB");
  assert.equal(lines[2], "  out/intro.srt            -  12.0 kB");
  assert.ok(text.includes("38 done (33 ran, 5 cached), 0 failed, 0 skipped"));
  assert.ok(text.includes("Wall 0:12.3  CPU 0:40.1  Peak memory 210.0 MB"));
  assert.ok(text.endsWith("✔ Done: 2 outputs written\n"));
  assert.ok(!text.includes("Failures"));
});

Deno.test("formatSummary() tells shared steps apart from cached ones", () => {
  // nt2: a first render said "(2 cached)" of the steps it made once for two videos.
  const text = formatSummary(summaryWith({ done: 12, cached: 5, shared: 2 }));
  assert.ok(text.includes("12 done (7 ran, 3 cached, 2 shared), 0 failed, 0 skipped"), text);
});

Deno.test("formatSummary() lists what steps warned of, before the failures; a run with none has no such list", () => {
  const text = formatSummary(summaryWith({
    warnings: [{ step: "intro/s2/image", message: "drawn scaled" }, {
      step: "intro/s4/image",
      message: "square",
    }],
    failures: [{ step: "intro/s3/speech", kind: "speech", error: "espeak-ng exited with code 1" }],
    done: 3,
  }));
  assert.ok(
    text.startsWith("Warnings\n  ⚠ intro/s2/image: drawn scaled\n  ⚠ intro/s4/image: square\n\nFailures\n"),
    text,
  );
  assert.ok(!formatSummary(summaryWith({ done: 3 })).includes("Warnings"));
});

Deno.test("formatSummary() names every failed step with its cause on its own line", () => {
  const text = formatSummary(summaryWith({
    failures: [
      { step: "intro/s3/speech", kind: "speech", error: "espeak-ng exited with code 1" },
      { step: "intro/s5/clip@16x9", kind: "clip", error: "ffmpeg exited with code 1\nInvalid argument\n" },
    ],
    skipped: 3,
    done: 10,
  }));
  const lines = text.split("\n");
  assert.ok(lines.includes("Failures"));
  assert.ok(lines.includes("  ✖ intro/s3/speech (speech): espeak-ng exited with code 1"));
  assert.ok(lines.includes("  ✖ intro/s5/clip@16x9 (clip): ffmpeg exited with code 1"));
  assert.ok(lines.includes("      Invalid argument"), "a cause's later lines are indented under it");
  assert.ok(text.includes("10 done (10 ran, 0 cached), 2 failed, 3 skipped"));
  assert.ok(text.endsWith("✖ Failed: 2 steps failed, 3 skipped\n"));
  assert.ok(!text.includes("Peak memory"));
});

Deno.test("formatSummary() says which outputs were written and which the folder held already", () => {
  // nt: a render run again said "6 outputs written" under six "unchanged" lines.
  const outputs = ["a.mp4", "b.mp4", "c.srt"].map((path) => ({ path, duration: null, bytes: 1 }));
  const status = (unchanged?: number) =>
    formatSummary(summaryWith({ outputs, unchanged })).trimEnd().split("\n").at(-1);
  assert.equal(status(), "✔ Done: 3 outputs written");
  assert.equal(status(0), "✔ Done: 3 outputs written");
  assert.equal(status(3), "✔ Done: 3 outputs, all unchanged");
  assert.equal(status(2), "✔ Done: 3 outputs (1 written, 2 unchanged)");
  const events = summarizeEvents([
    ev.output(40, "a", "out/a.mp4"),
    { type: "output:written", at: 41, step: "b", path: "out/b.mp4", unchanged: true },
  ]);
  assert.deepEqual([events.outputPaths.length, events.unchanged], [2, 1]);
});

Deno.test("formatSummary() says when the run was cancelled", () => {
  const text = formatSummary(summaryWith({ cancelled: true, done: 1, skipped: 2 }));
  assert.ok(text.endsWith("✖ Cancelled: 1 step done, 2 skipped\n"));
  const cut = formatSummary(summaryWith({ cancelled: true, done: 1, stopped: ["slow", "a", "b", "c"] }));
  assert.ok(cut.endsWith("✖ Cancelled: 1 step done, 4 stopped while running (slow, a, b, 1 more)\n"), cut);
});

Deno.test("formatSummary() says which failures are bad input, what makes the exit code 2", () => {
  // rv18 left it to the reader: a run exited 2 and its summary read as any other failure's.
  const failures = [
    { step: "a/s1/speech", kind: "speech", error: "HTTP 503 (gave up after 6 attempts)" },
    {
      step: "b/probe",
      kind: "probe-input",
      error: "Cannot read b.mp4: it is empty (0 bytes)",
      badInput: true,
    },
  ];
  const mixed = formatSummary(summaryWith({ failures, done: 3 }));
  assert.ok(
    mixed.split("\n").includes(
      "  ✖ b/probe (probe-input, bad input): Cannot read b.mp4: it is empty (0 bytes)",
    ),
  );
  assert.ok(mixed.split("\n").includes("  ✖ a/s1/speech (speech): HTTP 503 (gave up after 6 attempts)"));
  assert.ok(mixed.endsWith("✖ Failed: 2 steps failed (1 for bad input: exit 2)\n"), mixed);
  const bad = formatSummary(summaryWith({ failures: failures.slice(1), skipped: 2 }));
  assert.ok(bad.endsWith("✖ Failed: 1 step failed (bad input: exit 2), 2 skipped\n"), bad);
  // Cancelled, the run exits 130 (rv22: it said "exit 2"); the step is still marked.
  const cancelled = formatSummary(summaryWith({ failures: failures.slice(1), done: 1, cancelled: true }));
  assert.ok(cancelled.endsWith("✖ Cancelled: 1 step done, 1 step failed\n"), cancelled);
  assert.ok(cancelled.includes("(probe-input, bad input)"));
  const none = formatSummary(summaryWith({ failures: failures.slice(0, 1) }));
  assert.ok(none.endsWith("✖ Failed: 1 step failed\n") && !none.includes("bad input"), none);
});

Deno.test("summarizeEvents() keeps a last failure's bad-input mark", () => {
  const summary = summarizeEvents([
    ev.runStarted(0, 2, 1),
    { ...ev.failed(10, "a", { kind: "custom", error: "not JSON" }), badInput: true },
    ev.failed(11, "b", { kind: "speech", error: "HTTP 500" }),
    ev.runFinished(20),
  ]);
  assert.deepEqual(summary.failures, [
    { step: "a", kind: "custom", error: "not JSON", badInput: true },
    { step: "b", kind: "speech", error: "HTTP 500" },
  ]);
});

Deno.test("summarizeEvents() counts settled steps once and ignores failures that were retried", () => {
  const summary = summarizeEvents([
    ev.runStarted(0, 5, 2),
    ev.finished(10, "a", { elapsed: 10 }),
    ev.finished(10, "b", { cached: true }),
    ev.finished(12, "b2", { madeBy: "b" }),
    ev.failed(20, "c", { kind: "speech", retrying: true, error: "HTTP 503" }),
    ev.failed(30, "c", { kind: "speech", error: "HTTP 400: bad voice" }),
    ev.failed(31, "c", { kind: "speech", error: "duplicate" }),
    ev.skipped(30, "d", "c"),
    ev.output(40, "a", "out/a.mp4"),
    ev.output(41, "b", "out/b.mp4"),
    ev.started(44, "e"),
    ev.started(45, "f"),
    ev.finished(46, "f", { elapsed: 1, warnings: ["drawn scaled"] }),
    ev.started(47, "g"),
    ev.failed(48, "g", { retrying: true, error: "busy" }),
    ev.runFinished(50, { cancelled: true }),
  ]);
  assert.deepEqual(summary, {
    outputPaths: ["out/a.mp4", "out/b.mp4"],
    unchanged: 0,
    failures: [{ step: "c", kind: "speech", error: "HTTP 400: bad voice" }],
    warnings: [{ step: "f", message: "drawn scaled" }],
    skipped: 1,
    done: 4,
    cached: 2,
    shared: 1,
    wallMs: 50,
    cancelled: true,
    // nt9: the step Ctrl-C cut short was not named.
    stopped: ["e"],
    notStarted: 0,
  });
});

Deno.test("summarizeEvents() takes the wall time from the last event when the run did not finish", () => {
  const summary = summarizeEvents([ev.runStarted(0, 2, 1), ev.finished(70, "a", { elapsed: 70 })]);
  assert.equal(summary.wallMs, 70);
  assert.equal(summary.cancelled, false);
});

Deno.test("a run a bound stopped names the steps it stopped while they ran, as a cancelled one does", () => {
  // fi20: a custom step's 50,001 children stopped the run; the step running beside it was in no count or line.
  const summary = summarizeEvents([
    ev.runStarted(0, 2, 2),
    ev.started(1, "indep"),
    ev.started(2, "boom"),
    ev.failed(30, "boom", { kind: "custom", error: "spawned 50001 children" }),
    ev.runFinished(31),
  ]);
  assert.deepEqual(summary.stopped, ["indep"]);
  const text = formatSummary({ ...summary, outputs: [], cpuMs: 0, peakRssBytes: null });
  assert.ok(text.endsWith("✖ Failed: 1 step failed, 1 stopped while running (indep)\n"), text);
});

Deno.test("a stopped or cancelled run counts the steps it never started", () => {
  // rv43: a full disk's stop said "0 done, 1 failed, 0 skipped" of 21 steps, the 19 not started nowhere.
  const summary = summarizeEvents([
    ev.runStarted(0, 21, 2),
    ev.started(1, "a"),
    ev.started(2, "b"),
    ev.failed(30, "b", { error: "No space left on device (os error 28): writefile 'x'" }),
    { ...ev.runFinished(31), ok: false, failed: 1, skipped: 20 },
  ]);
  assert.equal(summary.notStarted, 19);
  const text = formatSummary({ ...summary, outputs: [], cpuMs: 0, peakRssBytes: null });
  assert.match(text, /\n✖ Failed: 1 step failed, 1 stopped while running \(a\), 19 not started\n/);
  assert.match(text, /\n {2}The disk is full: the run stopped at the first step that could not write\.\n/);
  const cancelled = formatSummary(summaryWith({ cancelled: true, done: 3, notStarted: 5 }));
  assert.ok(cancelled.endsWith("✖ Cancelled: 3 steps done, 5 not started\n"), cancelled);
});
