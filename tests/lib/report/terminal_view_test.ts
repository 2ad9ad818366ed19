import assert from "node:assert/strict";
import { TerminalView } from "../../../lib/report/terminal_view.ts";
import { ev, TextSink } from "./_events.ts";

const CURSOR_UP = new RegExp(`${String.fromCharCode(27)}\\[\\d+A`);

/** The visible lines of one render: escape codes removed, split on newlines, last empty piece dropped. */
function visibleLines(text: string): string[] {
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
  const lines = plain.split("\n");
  lines.pop();
  return lines;
}

function setUp(columns = 80) {
  const sink = new TextSink();
  const view = new TerminalView({ writer: sink, columns });
  view.update(ev.runStarted(0, 40, 2));
  return { sink, view };
}

Deno.test("TerminalView draws one line per worker and the bar", () => {
  const { sink, view } = setUp();
  view.update(ev.started(0, "intro/s2/clip@16x9", { worker: 1, kind: "clip" }));
  view.render(3200);
  const lines = visibleLines(sink.take());
  assert.equal(lines.length, 3);
  assert.equal(lines[0], "worker 1  intro/s2/clip@16x9  clip  3.2s");
  assert.equal(lines[1], "worker 2  idle");
  assert.equal(lines[2], `[${".".repeat(28)}] 0/40  0%  ETA -:--`);
});

Deno.test("TerminalView's first render does not move the cursor up", () => {
  const { sink, view } = setUp();
  view.render(0);
  assert.doesNotMatch(sink.take(), CURSOR_UP);
});

Deno.test("TerminalView moves the cursor up over its block when it re-renders", () => {
  const { sink, view } = setUp();
  view.render(0);
  sink.take();
  view.update(ev.started(100, "a/speech", { worker: 2, kind: "speech" }));
  view.render(500);
  const text = sink.take();
  assert.ok(text.startsWith("\x1b[3A\r"), JSON.stringify(text));
  assert.ok(text.includes("\x1b[2K"), "clears each line it redraws");
  assert.equal(visibleLines(text)[1], "worker 2  a/speech  speech  0.4s");
});

Deno.test("TerminalView's bar shows settled over total, the percentage, failures and the ETA", () => {
  const sink = new TextSink();
  const view = new TerminalView({ writer: sink, columns: 80, barWidth: 12 });
  view.update(ev.runStarted(0, 4, 1));
  view.update(ev.started(0, "a"));
  view.update(ev.finished(1000, "a", { elapsed: 1000 }));
  view.update(ev.started(1000, "b"));
  view.update(ev.failed(1500, "b"));
  sink.take();
  view.render(1500);
  const bar = visibleLines(sink.take()).at(-1);
  // 2 unseen steps at 1000 ms each, 1 worker.
  assert.equal(bar, "[#####.....] 2/4  50%  1 failed  ETA 0:02");
});

Deno.test("TerminalView cuts lines to the terminal's width", () => {
  const { sink, view } = setUp(30);
  view.update(ev.started(0, "a-very-long-video/section-12/clip@1920x1080", { worker: 1 }));
  view.render(0);
  const lines = visibleLines(sink.take());
  for (const line of lines) assert.ok(Array.from(line).length <= 30, line);
  assert.equal(lines[0], "worker 1  a-very-long-video/s…");
  assert.equal(lines[2], `[${".".repeat(9)}] 0/40  0%  ETA -:--`);
});

Deno.test("TerminalView writes a failure above the block at once and keeps it", () => {
  const { sink, view } = setUp();
  view.update(ev.started(0, "intro/s3/speech", { worker: 1, kind: "speech" }));
  view.render(10);
  sink.take();
  view.update(ev.failed(20, "intro/s3/speech", { kind: "speech", error: "espeak-ng exited with code 1" }));
  const text = sink.take();
  assert.ok(text.startsWith("\x1b[3A\r\x1b[J"), JSON.stringify(text));
  const lines = visibleLines(text);
  assert.equal(lines[0], "FAILED intro/s3/speech: espeak-ng exited with code 1");
  assert.equal(lines.length, 4, "the failure, then the block again");
  view.render(30);
  const next = sink.take();
  assert.ok(next.startsWith("\x1b[3A"), "moves up over the block only, not over the failure");
  assert.ok(!next.includes("FAILED"));
});

Deno.test("TerminalView.say() writes a line above the block for good, drawn before the run too, and after it", () => {
  // fi21: a preflight's warning written beside the view was drawn over by its next render.
  const sink = new TextSink();
  const view = new TerminalView({ writer: sink, columns: 80 });
  view.render(0);
  sink.take();
  view.say('⚠ Format "same" has the size of format "320x180"');
  const text = sink.take();
  assert.ok(text.startsWith("\x1b[1A\r\x1b[J"), JSON.stringify(text));
  assert.equal(visibleLines(text)[0], '⚠ Format "same" has the size of format "320x180"');
  view.render(10);
  assert.ok(sink.take().startsWith("\x1b[1A\r"), "moves up over the bar only, not over the warning");
  view.finish();
  sink.take();
  view.say("✖ Cancelled");
  assert.equal(sink.take(), "✖ Cancelled\n");
});

Deno.test("TerminalView writes what a finished step warns of above the block, one line each", () => {
  const { sink, view } = setUp();
  view.update(ev.started(0, "intro/s3/image", { worker: 1, kind: "image" }));
  view.render(10);
  sink.take();
  view.update(
    ev.finished(20, "intro/s3/image", { kind: "image", elapsed: 20, warnings: ["smaller", "square"] }),
  );
  const lines = visibleLines(sink.take());
  assert.deepEqual(lines.slice(0, 2), ["⚠ intro/s3/image: smaller", "⚠ intro/s3/image: square"]);
  view.update(ev.finished(30, "intro/s4/image", { kind: "image", elapsed: 20 }));
  assert.ok(!sink.take().includes("⚠"), "a step that warns of nothing writes nothing above");
});

Deno.test("TerminalView writes nothing permanent for a failure that will be retried", () => {
  const { sink, view } = setUp();
  view.update(ev.failed(20, "a", { retrying: true }));
  assert.equal(sink.take(), "");
});

Deno.test("TerminalView gives a crashed worker's slot to its replacement", () => {
  const { sink, view } = setUp();
  view.update(ev.started(0, "a", { worker: 1 }));
  view.update(ev.started(0, "b", { worker: 2 }));
  view.update(ev.crashed(5, 2, "out of memory"));
  assert.ok(visibleLines(sink.take()).includes("worker 2 crashed: out of memory"));
  view.update(ev.started(6, "b", { worker: 7, attempt: 2 }));
  view.render(6);
  const lines = visibleLines(sink.take());
  assert.equal(lines.length, 3);
  assert.equal(lines[1], "worker 2  b  clip  0.0s  (attempt 2)");
});

Deno.test("TerminalView.finish() erases the block and draws nothing more", () => {
  const { sink, view } = setUp();
  view.render(0);
  sink.take();
  view.finish();
  assert.equal(sink.take(), "\x1b[3A\r\x1b[J");
  view.render(10);
  assert.equal(sink.take(), "");
  view.finish();
  assert.equal(sink.take(), "");
  view.update(ev.failed(20, "late", { error: "cancelled" }));
  assert.deepEqual(visibleLines(sink.take()), ["FAILED late: cancelled"]);
});

Deno.test("TerminalView rejects a width that is not a positive integer", () => {
  assert.throws(() => new TerminalView({ writer: new TextSink(), columns: 0 }), RangeError);
});

Deno.test("TerminalView redraws after a crash as of the latest event even when the crash says at 0", () => {
  const { sink, view } = setUp();
  view.update(ev.started(1000, "a", { worker: 1 }));
  view.update(ev.started(3000, "b", { worker: 2 }));
  view.update(ev.crashed(0, 2));
  assert.equal(visibleLines(sink.take())[1], "worker 1  a  clip  2.0s");
});

Deno.test("TerminalView follows a focus kind: a bar of each such step's expected progress, and their count and media rate", () => {
  const sink = new TextSink();
  const focus = { kind: "transcribe-chunk", noun: "chunks", media: "audio" };
  const view = new TerminalView({ writer: sink, columns: 80, focus });
  view.update(ev.runStarted(0, 3, 2));
  for (const step of ["t/split/chunk#0", "t/split/chunk#1", "t/split/chunk#2"]) {
    view.update(ev.queued(0, step, "transcribe-chunk"));
  }
  view.update(ev.started(0, "t/split/chunk#0", { worker: 1, kind: "transcribe-chunk" }));
  view.update({
    ...ev.finished(10_000, "t/split/chunk#0", { kind: "transcribe-chunk", elapsed: 10_000 }),
    media: 60,
  });
  view.update(ev.finished(10_000, "t/split/chunk#2", { kind: "transcribe-chunk", cached: true }));
  view.update(ev.started(10_000, "t/split/chunk#1", { worker: 2, kind: "transcribe-chunk" }));
  sink.take();
  view.render(15_000);
  const lines = visibleLines(sink.take());
  assert.equal(lines[1], "worker 2  t/split/chunk#1  [#####.....]  5.0s");
  // 60 s of audio in the 15 s since the first chunk started: 4 audio minutes a minute.
  assert.equal(lines[3], "chunks 2/3 (1 from the store)  4.0 audio min/min");
});

Deno.test("TerminalView shows a worker running two steps at once, and the other once one ends; before, idle", () => {
  const { sink, view } = setUp();
  view.update(ev.started(0, "v/narration", { worker: 1, kind: "narration" }));
  view.update(ev.started(100, "v/subtitles.srt", { worker: 1, kind: "subtitles" }));
  view.render(1000);
  assert.equal(visibleLines(sink.take())[0], "worker 1  v/narration  narration  1.0s  (+1 more)");
  view.update(ev.finished(1100, "v/subtitles.srt", { worker: 1, kind: "subtitles" }));
  view.render(2000);
  assert.equal(visibleLines(sink.take())[0], "worker 1  v/narration  narration  2.0s");
  view.update(ev.started(2100, "v/video@1x1", { worker: 1, kind: "video" }));
  view.update(ev.finished(2200, "v/narration", { worker: 1, kind: "narration" }));
  view.render(3000);
  assert.equal(visibleLines(sink.take())[0], "worker 1  v/video@1x1  video  0.9s");
});
