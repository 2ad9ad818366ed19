/**
 * The text that closes a run: outputs with their durations and sizes, failures with their causes, times, status.
 * @module
 */
import { saysDiskFull } from "../core/errors.ts";
import { plural } from "../core/plural.ts";
import type { RunEvent } from "../run/run_events.ts";
import { formatBytes, formatDuration } from "./format_units.ts";
import { warningLine } from "./plain_view.ts";

/** One output file the run published. */
export interface SummaryOutput {
  /** Its path, as it should be shown (e.g. relative to the working directory). */
  path: string;
  /** Its media duration in ms, or null when unknown (not probed, or not a media file). */
  duration: number | null;
  /** Its size in bytes. */
  bytes: number;
}

/** One step whose last attempt failed. */
export interface SummaryFailure {
  /** The step's id. */
  step: string;
  /** Its kind. */
  kind: string;
  /** The cause, as the `step:failed` event carried it; may span several lines. */
  error: string;
  /** Whether the cause is bad input (the run exits 2, see `RunResult.badInput`). @default false */
  badInput?: boolean;
}

/** What a step said of what it made, though it succeeded (a `step:finished` event's `warnings`). */
export interface SummaryWarning {
  /** The step's id. */
  step: string;
  /** The sentence. */
  message: string;
}

/** What a finished run did, everything {@linkcode formatSummary} needs. */
export interface RunSummary {
  /** Published outputs, in plan order. */
  outputs: SummaryOutput[];
  /** Failed steps, in plan order. */
  failures: SummaryFailure[];
  /** What steps that ran said of what they made, in the order they finished. @default [] */
  warnings?: SummaryWarning[];
  /** Steps not run because a dependency failed. */
  skipped: number;
  /** Finished steps, cached ones included. */
  done: number;
  /** Finished steps nothing ran for (part of `done`): found in the store, or shared. */
  cached: number;
  /** Cached steps made in this run by another step of the same key (part of `cached`). @default 0 */
  shared?: number;
  /** Wall time of the run in ms. */
  wallMs: number;
  /** CPU time in ms (user + system, of this process and its children, as the caller measured it). */
  cpuMs: number;
  /** Peak resident memory in bytes, or null when unknown. */
  peakRssBytes: number | null;
  /** Whether the run was cancelled (Ctrl-C or a signal). */
  cancelled: boolean;
  /** How many of the outputs the folder held already, the same bytes (left as they were). @default 0 */
  unchanged?: number;
  /** Steps the run stopped while they ran (a Ctrl-C, a bound it passed), in the order they started. @default [] */
  stopped?: string[];
  /** Steps a stopped or cancelled run never started (not counted as skipped, done or failed). @default 0 */
  notStarted?: number;
}

/** What {@linkcode summarizeEvents} can tell from the events alone. */
export interface EventSummary {
  /** Paths of `output:written` events, in the order they came. */
  outputPaths: string[];
  /** How many of them the folder held already (`unchanged`). */
  unchanged: number;
  /** Steps whose last attempt failed, in the order they failed. */
  failures: SummaryFailure[];
  /** What finished steps said of what they made, in the order they finished. */
  warnings: SummaryWarning[];
  /** Steps skipped. */
  skipped: number;
  /** Steps finished, cached ones included. */
  done: number;
  /** Steps finished that nothing ran for. */
  cached: number;
  /** Of those, the ones another step of the same key made in this run. */
  shared: number;
  /** The `at` of `run:finished`, else of the last event, else 0. */
  wallMs: number;
  /** Whether `run:finished` said the run was cancelled. */
  cancelled: boolean;
  /**
   * Steps that started and had not settled when the run finished: stopped while they ran (a Ctrl-C, or a bound the
   * run passed).
   */
  stopped: string[];
  /** Steps the run never started because it stopped or was cancelled (`run:finished` counts them as skipped). */
  notStarted: number;
}

/**
 * Counts what a run did from its events, the same way {@linkcode ProgressModel} counts: a failure followed by a
 * retry is not a failure, and a step is counted once however many events name it.
 *
 * @param events The run's events, in order.
 * @returns Outputs, failures and counts; the caller adds sizes, durations, CPU time and memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeEvents } from "./run_summary.ts";
 * const summary = summarizeEvents([
 *   { type: "run:started", at: 0, total: 1, workers: 1, stored: 0, kinds: {} },
 *   { type: "step:failed", at: 5, step: "a/speech", kind: "speech", contentKey: "k", worker: 1, attempt: 1,
 *     retrying: false, error: "espeak-ng exited with code 1", elapsed: 5 },
 *   { type: "run:finished", at: 6, ok: false, cancelled: false, done: 0, failed: 1, skipped: 0, cached: 0 },
 * ]);
 * assert(summary.failures[0]?.step === "a/speech" && summary.wallMs === 6);
 * ```
 */
export function summarizeEvents(events: Iterable<RunEvent>): EventSummary {
  const summary: EventSummary = {
    outputPaths: [],
    unchanged: 0,
    failures: [],
    warnings: [],
    skipped: 0,
    done: 0,
    cached: 0,
    shared: 0,
    wallMs: 0,
    cancelled: false,
    stopped: [],
    notStarted: 0,
  };
  let finishedSkipped = 0;
  const settled = new Set<string>();
  const running = new Set<string>();
  let finishedAt: number | null = null;
  for (const event of events) {
    summary.wallMs = Math.max(summary.wallMs, event.at);
    if (event.type === "run:finished") {
      finishedAt = event.at;
      summary.cancelled = event.cancelled;
      // nt9: a Ctrl-C's summary said how many steps were done, not which it cut short; fi20: nor did a run a bound
      // stopped (a custom step's 50,001 children), whose running steps end in no event of their own either.
      summary.stopped = [...running].filter((step) => !settled.has(step));
      // Its skipped count holds the steps cancelled too: those that ran are the stopped ones, the rest never started.
      finishedSkipped = event.skipped;
    } else if (event.type === "step:started") {
      running.add(event.step);
    } else if (event.type === "output:written") {
      summary.outputPaths.push(event.path);
      if (event.unchanged === true) summary.unchanged += 1;
    } else if (
      event.type === "step:finished" || event.type === "step:skipped" || event.type === "step:failed"
    ) {
      if (event.type === "step:failed" && event.retrying) {
        // Waiting to retry, not running (rv14: a cancel then said it was stopped while it ran).
        running.delete(event.step);
        continue;
      }
      if (settled.has(event.step)) continue;
      settled.add(event.step);
      if (event.type === "step:finished") {
        summary.done += 1;
        if (event.cached) summary.cached += 1;
        if (event.madeBy !== undefined) summary.shared += 1;
        for (const message of event.warnings ?? []) summary.warnings.push({ step: event.step, message });
      } else if (event.type === "step:skipped") {
        summary.skipped += 1;
      } else {
        summary.failures.push({
          step: event.step,
          kind: event.kind,
          error: event.error,
          ...event.badInput === true ? { badInput: true } : {},
        });
      }
    }
  }
  if (finishedAt !== null) summary.wallMs = finishedAt;
  summary.notStarted = Math.max(0, finishedSkipped - summary.skipped - summary.stopped.length);
  return summary;
}

function indent(text: string, prefix: string): string {
  return text.split("\n").map((line, index) => (index === 0 ? line : `${prefix}${line}`)).join("\n");
}

/**
 * Formats the closing text of a run, lines separated by `\n` and ending with one:
 *
 * ```text
 * Outputs
 *   out/intro-16x9.mp4  1:23.4   3.2 MB
 *   out/intro-9x16.mp4       -  12.0 kB
 *
 * Warnings
 *   ⚠ intro/s2/image: the provider answered an image of 1024×1024, not the 1536×1024 asked: …
 *
 * Failures
 *   ✖ intro/s3/speech (speech): espeak-ng exited with code 1
 *
 * 38 done (33 ran, 5 cached), 1 failed, 1 skipped
 * Wall 0:12.3  CPU 0:40.1  Peak memory 210.0 MB
 * ✖ Failed: 1 step failed, 1 skipped
 * ```
 *
 * The counts read `(R ran, C cached, S shared)` when S steps were made in this run by a step of the same key (they
 * did not run either; a first render's shared slides are not from a cache).
 * The status line reads `✔ Done: N outputs written` (`, all unchanged` when the folder held them already, or
 * `(W written, U unchanged)`), `✖ Failed: ...` or `✖ Cancelled: ...`.
 * A multi-line cause is indented under its step.
 *
 * @param summary What the run did.
 * @returns The text to write after the progress view has finished.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSummary } from "./run_summary.ts";
 * const text = formatSummary({
 *   outputs: [{ path: "out/intro-16x9.mp4", duration: 83_400, bytes: 3_200_000 }],
 *   failures: [], skipped: 0, done: 12, cached: 4, wallMs: 12_300, cpuMs: 40_100,
 *   peakRssBytes: null, cancelled: false,
 * });
 * assert(text.includes("1:23.4") && text.includes("3.2 MB"));
 * assert(text.endsWith("✔ Done: 1 output written\n"));
 * ```
 */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  if (summary.outputs.length > 0) {
    const durations = summary.outputs.map((o) => (o.duration === null ? "-" : formatDuration(o.duration)));
    const sizes = summary.outputs.map((o) => formatBytes(o.bytes));
    const pathWidth = Math.max(...summary.outputs.map((o) => o.path.length));
    const durationWidth = Math.max(...durations.map((d) => d.length));
    const sizeWidth = Math.max(...sizes.map((s) => s.length));
    lines.push("Outputs");
    summary.outputs.forEach((output, i) => {
      const duration = (durations[i] ?? "").padStart(durationWidth);
      const size = (sizes[i] ?? "").padStart(sizeWidth);
      lines.push(`  ${output.path.padEnd(pathWidth)}  ${duration}  ${size}`);
    });
    lines.push("");
  }
  const warnings = summary.warnings ?? [];
  if (warnings.length > 0) {
    lines.push("Warnings");
    for (const { step, message } of warnings) lines.push(`  ${warningLine(step, message)}`);
    lines.push("");
  }
  if (summary.failures.length > 0) {
    lines.push("Failures");
    for (const failure of summary.failures) {
      const kind = failure.badInput === true ? `${failure.kind}, bad input` : failure.kind;
      lines.push(`  ✖ ${failure.step} (${kind}): ${indent(failure.error.trimEnd(), "      ")}`);
    }
    lines.push("");
  }
  const failed = summary.failures.length;
  // A step made once for several of the same key is not "cached" on a first render (nt2).
  const shared = summary.shared ?? 0;
  // How many ran said too (nt7: "56 done (56 cached)" left it to the reader).
  const served = [
    `${summary.done - summary.cached} ran`,
    `${summary.cached - shared} cached`,
    ...shared === 0 ? [] : [`${shared} shared`],
  ];
  lines.push(`${summary.done} done (${served.join(", ")}), ${failed} failed, ${summary.skipped} skipped`);
  const memory = summary.peakRssBytes === null ? "" : `  Peak memory ${formatBytes(summary.peakRssBytes)}`;
  lines.push(`Wall ${formatDuration(summary.wallMs)}  CPU ${formatDuration(summary.cpuMs)}${memory}`);
  lines.push(statusLine(summary));
  // The run stopped at a full disk (see `runAttempts`): what to do, said once.
  if (summary.failures.some((failure) => saysDiskFull(failure.error))) {
    lines.push(
      "  The disk is full: the run stopped at the first step that could not write.",
      "  Free some space (or choose other folders with --cache and --out) and run again: what was finished is kept.",
    );
  }
  return `${lines.join("\n")}\n`;
}

function statusLine(summary: RunSummary): string {
  // Which failures make the exit code 2 rather than 1 (rv18 left it to the reader of each cause).
  const bad = summary.failures.filter((failure) => failure.badInput === true).length;
  // A cancelled run exits 130 whatever failed (rv22: it said "exit 2").
  const why = bad === 0 || summary.cancelled
    ? ""
    : bad === summary.failures.length
    ? " (bad input: exit 2)"
    : ` (${bad} for bad input: exit 2)`;
  const stopped = summary.stopped ?? [];
  const cut = stopped.length === 0 ? [] : [
    `${stopped.length} stopped while running (${stopped.slice(0, 3).join(", ")}${
      stopped.length > 3 ? `, ${stopped.length - 3} more` : ""
    })`,
  ];
  const problems = [
    ...(summary.failures.length > 0 ? [`${plural(summary.failures.length, "step")} failed${why}`] : []),
    ...(summary.skipped > 0 ? [`${summary.skipped} skipped`] : []),
  ];
  // What a stopped or cancelled run never started (rv43: a full disk's stop said 1 failed of 21, the rest nowhere).
  const notStarted = (summary.notStarted ?? 0) > 0 ? [`${summary.notStarted} not started`] : [];
  if (summary.cancelled) {
    return `✖ Cancelled: ${
      [`${plural(summary.done, "step")} done`, ...cut, ...problems, ...notStarted].join(", ")
    }`;
  }
  if (cut.length > 0 || notStarted.length > 0) {
    return `✖ Failed: ${[...problems, ...cut, ...notStarted].join(", ")}`;
  }
  if (problems.length > 0) return `✖ Failed: ${problems.join(", ")}`;
  // A render run again that finds every output in place says so, not that it wrote them (nt).
  const count = summary.outputs.length;
  const unchanged = summary.unchanged ?? 0;
  if (unchanged === 0) return `✔ Done: ${plural(count, "output")} written`;
  if (unchanged >= count) return `✔ Done: ${plural(count, "output")}, all unchanged`;
  return `✔ Done: ${plural(count, "output")} (${count - unchanged} written, ${unchanged} unchanged)`;
}
