import assert from "node:assert/strict";
import { JsonLines } from "../../../lib/report/json_lines.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { ev, TextSink } from "./_events.ts";

Deno.test("JsonLines writes one line per event that parses back to the same event", () => {
  const events: RunEvent[] = [
    ev.runStarted(0, 3, 2),
    ev.queued(1, "a/speech", "speech"),
    ev.started(2, "a/speech", { kind: "speech" }),
    ev.failed(3, "a/speech", { kind: "speech", retrying: true, error: 'quote " and\nnewline' }),
    ev.finished(9, "a/speech", { kind: "speech", elapsed: 6 }),
    ev.finished(9, "b/slide", { kind: "slide", cached: true }),
    ev.skipped(10, "c/clip", "a/speech"),
    ev.expanded(11, "t/split", ["t/chunk1", "t/chunk2"]),
    ev.crashed(12, 2),
    ev.output(13, "a/concat", "out/a.mp4"),
    ev.runFinished(14),
  ];
  const sink = new TextSink();
  const view = new JsonLines({ writer: sink });
  for (const event of events) view.update(event);
  view.finish();
  const lines = sink.text.split("\n");
  assert.equal(lines.pop(), "");
  assert.equal(lines.length, events.length);
  assert.deepEqual(lines.map((line) => JSON.parse(line)), events);
});
