import assert from "node:assert/strict";
import { PlainView } from "../../../lib/report/plain_view.ts";
import { ev, TextSink } from "./_events.ts";

Deno.test("PlainView writes one plain line per step event and output", () => {
  const sink = new TextSink();
  const view = new PlainView({ writer: sink });
  const events = [
    ev.runStarted(0, 40, 2),
    ev.queued(0, "intro/s2/clip@16x9", "clip"),
    ev.started(0, "intro/s2/clip@16x9"),
    ev.finished(1200, "intro/s2/clip@16x9", { elapsed: 1234 }),
    ev.finished(1200, "intro/s1/speech", { kind: "speech", cached: true }),
    ev.finished(1250, "outro/s1/slide@16x9", { kind: "slide", madeBy: "intro/s1/slide@16x9" }),
    ev.started(1300, "intro/s3/speech", { kind: "speech" }),
    ev.failed(1400, "intro/s3/speech", { kind: "speech", retrying: true, error: "HTTP 503" }),
    ev.started(1500, "intro/s3/speech", { kind: "speech", attempt: 2 }),
    ev.failed(1600, "intro/s3/speech", { kind: "speech", attempt: 2, error: "espeak-ng exited with code 1" }),
    ev.skipped(1600, "intro/s3/clip@16x9", "intro/s3/speech"),
    ev.expanded(1700, "t/split", ["t/c1", "t/c2"]),
    ev.crashed(1800, 2, "out of memory"),
    ev.output(1900, "intro/concat@16x9", "out/intro-16x9.mp4"),
    ev.runFinished(2000),
  ];
  for (const event of events) view.update(event);
  view.finish();
  assert.equal(
    sink.text,
    [
      "run started: 40 steps, 2 workers",
      "[0/40] start intro/s2/clip@16x9",
      "[1/40] done intro/s2/clip@16x9 (1.2s)",
      "[2/40] cached intro/s1/speech",
      "[3/40] shared outro/s1/slide@16x9 (made by intro/s1/slide@16x9, same key)",
      "[3/40] start intro/s3/speech",
      "[3/40] retry intro/s3/speech (attempt 1): HTTP 503",
      "[3/40] start intro/s3/speech (attempt 2)",
      "FAILED intro/s3/speech: espeak-ng exited with code 1",
      "[5/40] skipped intro/s3/clip@16x9 (because intro/s3/speech failed)",
      "[5/42] expanded t/split into 2 steps",
      "worker 2 crashed: out of memory",
      "wrote out/intro-16x9.mp4",
      "",
    ].join("\n"),
  );
});

Deno.test("PlainView says a cluster's run starts on its workers, not on a count of local ones", () => {
  const sink = new TextSink();
  const view = new PlainView({ writer: sink });
  view.update(ev.runStarted(0, 28, 0));
  assert.equal(sink.text, "run started: 28 steps, on the cluster's workers\n");
});

Deno.test("PlainView removes escape codes from error text", () => {
  const sink = new TextSink();
  const view = new PlainView({ writer: sink });
  view.update(ev.failed(1, "a", { error: "\x1b[31mred\x1b[0m error" }));
  assert.equal(sink.text, "FAILED a: red error\n");
  assert.ok(!sink.text.includes("\x1b"));
});

Deno.test("PlainView says in one line that a stored value that cannot be right is made again", () => {
  const sink = new TextSink();
  const view = new PlainView({ writer: sink });
  view.update(ev.runStarted(0, 8, 1));
  view.update({
    type: "step:remaking",
    at: 10,
    step: "talk/split/chunk#1",
    kind: "transcribe-chunk",
    contentKey: "a".repeat(64),
    reason:
      'Chunk 0:08.0–0:20.1 of talk.wav: word 1 ("rain") ends at 31.5 s, past the end of the chunk\'s 12.10 s of audio',
  });
  assert.equal(
    sink.text.split("\n")[1],
    "[0/8] remaking talk/split/chunk#1: its stored value cannot be right (Chunk 0:08.0–0:20.1 of talk.wav: word 1 " +
      '("rain") ends at 31.5 s, past the end of the chunk\'s 12.10 s of audio)',
  );
});

Deno.test("PlainView says what a step warned of under its line, a stored step's too", () => {
  const sink = new TextSink();
  const view = new PlainView({ writer: sink });
  view.update(ev.runStarted(0, 2, 1));
  view.update(ev.finished(10, "v/s1/image", { kind: "image", warnings: ["answered 32×32"] }));
  // Before: a stored step's warning, kept with its entry, was not said again.
  view.update(ev.finished(20, "w/s1/image", { kind: "image", cached: true, warnings: ["answered 16×16"] }));
  view.finish();
  assert.match(sink.text, /done v\/s1\/image \(.*\)\n⚠ v\/s1\/image: answered 32×32\n/);
  assert.match(sink.text, /cached w\/s1\/image\n⚠ w\/s1\/image: answered 16×16\n/);
});
