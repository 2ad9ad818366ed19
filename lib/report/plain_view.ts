/**
 * A line-per-event log of a run, for output that is not a terminal (CI logs, pipes, files).
 * @module
 */
import { plural } from "../core/plural.ts";
import { printable } from "../core/printable.ts";
import type { RunEvent } from "../run/run_events.ts";
import { formatElapsed } from "./format_units.ts";
import { ProgressModel } from "./progress_model.ts";
import type { RunView } from "./run_view.ts";
import { type SyncWriter, writeTextSync } from "./sync_writer.ts";

/** Escape sequences (colours, cursor moves) that tools may leave in error text. */
// deno-lint-ignore no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Options of {@linkcode PlainView}. */
export interface PlainViewOptions {
  /** Where the lines go, e.g. `Deno.stderr`. */
  writer: SyncWriter;
}

/**
 * Writes one plain line, without escape codes, per step that starts, finishes, fails or is skipped, and per
 * output written; escape codes in error text are removed. Step lines start with the settled count over the total as of that event:
 *
 * ```text
 * [11/40] start intro/s2/clip@16x9
 * [12/40] done intro/s2/clip@16x9 (1.2s)
 * [13/40] cached intro/s1/speech
 * [14/40] shared outro/s1/slide@16x9 (made by intro/s1/slide@16x9, same key)
 * [14/40] retry intro/s3/speech (attempt 1): HTTP 503
 * FAILED intro/s3/speech: espeak-ng exited with code 1
 * [16/40] skipped intro/s3/clip@16x9 (because intro/s3/speech failed)
 * wrote out/intro-16x9.mp4
 * ```
 *
 * `step:queued` and `run:finished` write nothing; the run summary follows the log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlainView } from "./plain_view.ts";
 * let text = "";
 * const view = new PlainView({
 *   writer: { writeSync: (bytes) => ((text += new TextDecoder().decode(bytes)), bytes.length) },
 * });
 * view.update({ type: "run:started", at: 0, total: 40, workers: 2, stored: 0, kinds: {} });
 * view.update({
 *   type: "step:finished", at: 1200, step: "intro/s2/clip@16x9", kind: "clip", contentKey: "k",
 *   worker: 1, attempt: 1, cached: false, elapsed: 1200, path: null,
 * });
 * assert.equal(text, "run started: 40 steps, 2 workers\n[1/40] done intro/s2/clip@16x9 (1.2s)\n");
 * ```
 */
export class PlainView implements RunView {
  /** The progress the counts come from. */
  readonly model: ProgressModel = new ProgressModel();
  readonly #writer: SyncWriter;

  /** @param options The writer. */
  constructor(options: PlainViewOptions) {
    this.#writer = options.writer;
  }

  /**
   * Takes one event and writes its line, if it has one.
   *
   * @param event The next event of the run.
   */
  update(event: RunEvent): void {
    this.model.apply(event);
    const line = this.line(event);
    if (line !== null) writeTextSync(this.#writer, `${line.replace(ANSI_ESCAPE, "")}\n`);
  }

  /** Writes nothing: every line is written as its event arrives. */
  finish(): void {}

  /**
   * The line for `event` given the counts so far (call after the event was applied to {@linkcode model}).
   *
   * @param event An event already applied to the model.
   * @returns The line without its newline, or null for an event that writes nothing.
   */
  line(event: RunEvent): string | null {
    const count = `[${this.model.settled}/${this.model.total}]`;
    switch (event.type) {
      case "run:started":
        return `run started: ${plural(event.total, "step")}, ${
          event.workers === 0 ? "on the cluster's workers" : plural(event.workers, "worker")
        }`;
      case "step:started":
        return `${count} start ${event.step}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}`;
      case "step:finished":
        return [
          !event.cached
            ? `${count} done ${event.step} (${formatElapsed(Math.max(0, event.elapsed))})`
            : event.madeBy === undefined
            ? `${count} cached ${event.step}`
            : `${count} shared ${event.step} (made by ${event.madeBy}, same key)`,
          ...(event.warnings ?? []).map((message) => warningLine(event.step, message)),
        ].join("\n");
      case "step:failed":
        return event.retrying
          ? `${count} retry ${event.step} (attempt ${event.attempt}): ${event.error}`
          : `FAILED ${event.step}: ${event.error}`;
      case "step:skipped":
        return `${count} skipped ${event.step} (because ${event.because} failed)`;
      case "step:waiting":
        return `${count} waiting for ${event.holder}, which is making ${event.step}`;
      case "step:remaking":
        return `${count} remaking ${event.step}: its stored value cannot be right (${event.reason})`;
      case "step:expanded":
        return `${count} expanded ${event.step} into ${event.children.length} steps`;
      case "worker:crashed":
        return `worker ${event.worker} crashed: ${event.error}`;
      case "provider:paused":
        return pausedLine(event);
      case "output:written":
        return `${event.unchanged ? "unchanged" : "wrote"} ${event.path}`;
      case "step:queued":
      case "step:progress":
      case "run:finished":
      // Said by the command, in every mode (`stoppingLine`).
      case "run:stopping":
        return null;
    }
  }
}

/**
 * The line that says a cancelled run waits for the provider calls under way (see `run:stopping`).
 *
 * @param event The event.
 * @returns e.g. `stopping: 1 provider call under way is let finish so that it is not paid again (v/a/image); a
 *   second Ctrl-C (or SIGTERM) leaves it`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stoppingLine } from "./plain_view.ts";
 * const event = { type: "run:stopping" as const, at: 0, finishing: ["v/a/image", "v/b/image"] };
 * assert.match(stoppingLine(event), /^stopping: 2 provider calls under way are let finish/);
 * ```
 */
export function stoppingLine(event: Extract<RunEvent, { type: "run:stopping" }>): string {
  const one = event.finishing.length === 1;
  const calls = one ? "1 provider call" : `${event.finishing.length} provider calls`;
  const shown = event.finishing.slice(0, 3).join(", ") + (event.finishing.length > 3 ? ", …" : "");
  return `stopping: ${calls} under way ${one ? "is" : "are"} let finish so that ${
    one ? "it is" : "they are"
  } not paid again (${shown}); a second Ctrl-C (or SIGTERM) leaves ${one ? "it" : "them"}`;
}

/**
 * The line that says what a step warned of (see `StepContext.warn`).
 *
 * @param step The step's id.
 * @param message Its sentence.
 * @returns e.g. `⚠ intro/s1/image: the provider answered …`, its control characters written as codes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { warningLine } from "./plain_view.ts";
 * assert.equal(warningLine("v/s1/image", "smaller\x1b[2J"), "⚠ v/s1/image: smaller\\x1b[2J");
 * ```
 */
export function warningLine(step: string, message: string): string {
  // A step's sentence may quote what it was given (a custom step's, a provider's): no control character of it
  // reaches the terminal.
  return `⚠ ${step}: ${printable(message)}`;
}

/**
 * The line that says a provider's calls wait for its budget to reset.
 *
 * @param event The pause.
 * @returns e.g. `api paused: its requests budget is spent (said in the answer to v/s1/speech): its calls wait 3 s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pausedLine } from "./plain_view.ts";
 * const event = { type: "provider:paused", at: 0, step: "v/s1/speech", kind: "speech", contentKey: "k",
 *   provider: "api", budget: "requests", ms: 120_000, resetMs: 36_000_000, capped: true } as const;
 * assert.equal(pausedLine(event), "api paused: its requests budget is spent (said in the answer to v/s1/speech): " +
 *   "its calls wait 120 s, its maxRetryAfter (the server said it resets in 10 h)");
 * ```
 */
export function pausedLine(event: Extract<RunEvent, { type: "provider:paused" }>): string {
  const wait = `its calls wait ${Math.round(event.ms / 1000)} s`;
  return `${event.provider} paused: its ${event.budget} budget is spent (said in the answer to ${event.step}): ${
    event.capped
      ? `${wait}, its maxRetryAfter (the server said it resets in ${roughly(event.resetMs)})`
      : wait
  }`;
}

/** A long wait in its largest unit: `90 s`, `25 min`, `10 h`. */
function roughly(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}
