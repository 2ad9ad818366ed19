import assert from "node:assert/strict";
import { buildTimelineModel } from "../../../lib/report/_html_timeline_model.ts";
import { renderHtmlReport } from "../../../lib/report/html_report.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { ev } from "./_events.ts";

/**
 * A cluster worker killed mid-step: the queue hands the stalled job to another worker, whose start the coordinator
 * reports as a second `step:started` of the same step and attempt; the step then finishes there.
 */
const TAKEN_OVER: RunEvent[] = [
  ev.runStarted(0, 1, 2),
  ev.started(10, "a/s1/clip@16x9", { worker: "h:1:1" }),
  ev.started(70, "a/s1/clip@16x9", { worker: "h:2:1" }),
  ev.finished(100, "a/s1/clip@16x9", { worker: "h:2:1", elapsed: 30 }),
  ev.runFinished(110),
];

Deno.test("buildTimelineModel() closes an attempt started again elsewhere as lost, at the second start", () => {
  const { attempts, workers } = buildTimelineModel([ev.queued(0, "a/s1/clip@16x9", "clip"), ...TAKEN_OVER]);
  assert.deepEqual(
    attempts.map(({ worker, start, end, status, queuedAt }) => ({ worker, start, end, status, queuedAt })),
    [
      { worker: "h:1:1", start: 10, end: 70, status: "lost", queuedAt: 0 },
      // rv9: its wait was counted from the step's queueing, the lost run in it.
      { worker: "h:2:1", start: 70, end: 100, status: "done", queuedAt: null },
    ],
  );
  assert.deepEqual(workers, ["h:1:1", "h:2:1"]);
});

Deno.test("renderHtmlReport() draws a step taken over by another worker: the first bar lost, the second done", () => {
  const html = renderHtmlReport(TAKEN_OVER, {
    title: "t",
    providers: {},
    summary: { outputs: [], wallMs: 0, cpuMs: 0, peakRssBytes: null },
  });
  assert.deepEqual([...html.matchAll(/data-status="(\w+)"/g)].map((match) => match[1]), ["lost", "done"]);
  assert.match(html, /0\.0s → 0\.1s \(0\.1s\)\nlost \(another worker took the step over\)/);
  assert.match(html, /lost, taken over<\/li>/);
  // One attempt, though drawn as two bars.
  assert.match(html, /<b>1<\/b><span>attempts run<\/span>/);
});

Deno.test("a retried step's later attempt waits from the failure before it, not from the step's queueing", () => {
  // fi8: attempt 2 said "waited 3.0s for permits", its first attempt and backoff counted as waiting.
  const events: RunEvent[] = [
    ev.runStarted(0, 1, 1),
    ev.queued(0, "v/s1/image", "image"),
    ev.started(1000, "v/s1/image", { kind: "image" }),
    ev.failed(2000, "v/s1/image", { kind: "image", retrying: true }),
    ev.started(2500, "v/s1/image", { kind: "image", attempt: 2 }),
    ev.finished(3000, "v/s1/image", { kind: "image", attempt: 2, elapsed: 500 }),
    ev.runFinished(3100),
  ];
  assert.deepEqual(
    buildTimelineModel(events).attempts.map(({ queuedAt, status }) => ({ queuedAt, status })),
    [
      { queuedAt: 0, status: "retried" },
      { queuedAt: 2000, status: "done" },
    ],
  );
  const html = renderHtmlReport(events, {
    title: "t",
    providers: {},
    summary: { outputs: [], wallMs: 0, cpuMs: 0, peakRssBytes: null },
  });
  assert.match(html, /waited 1\.0s for permits/);
  assert.match(html, /waited 0\.5s since the attempt before failed \(its backoff, then permits\)/);
});
