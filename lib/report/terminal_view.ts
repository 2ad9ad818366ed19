/**
 * The live progress block for a terminal: one line per worker and an overall bar, redrawn in place.
 * @module
 */
import type { WorkerId } from "../core/executor.ts";
import type { RunEvent } from "../run/run_events.ts";
import { formatDuration, formatElapsed } from "./format_units.ts";
import { pausedLine, warningLine } from "./plain_view.ts";
import { ProgressModel, type RunningStep } from "./progress_model.ts";
import type { RunView } from "./run_view.ts";
import { type SyncWriter, writeTextSync } from "./sync_writer.ts";

/** Options of {@linkcode TerminalView}. */
export interface TerminalViewOptions {
  /** Where the text goes, normally `Deno.stderr` or `Deno.stdout` when it is a terminal. */
  writer: SyncWriter;
  /**
   * The terminal's width; live lines are cut to it so that each takes exactly one row.
   * @default 80
   */
  columns?: number;
  /**
   * The most characters the bar's `[###...]` may take; it shrinks to fit `columns`.
   * @default 30
   */
  barWidth?: number;
  /**
   * A kind of step to follow closely (a transcription's chunks): its workers' lines get a bar of the step's
   * expected progress (from the kind's average time), and a line under the overall bar counts its steps and the
   * media they go through per minute (`chunks 12/40  4.1 audio min/min`). @default null
   */
  focus?: TerminalFocus | null;
}

/** The kind of step a {@linkcode TerminalView} follows closely, and how its line names things. */
export interface TerminalFocus {
  /** The step kind, e.g. `transcribe-chunk`. */
  kind: string;
  /** What its steps are called, plural: `chunks`. */
  noun: string;
  /** What its media is: `audio`. */
  media: string;
}

const ESC = "\x1b[";
const CLEAR_LINE = `${ESC}2K`;
const CLEAR_BELOW = `${ESC}J`;
const MIN_BAR = 5;

/**
 * Cuts `line` to at most `columns` characters (code points), ending it with `…` when cut.
 * Wide (East Asian) characters count as one, so a line of them may still wrap.
 */
function truncate(line: string, columns: number): string {
  const chars = Array.from(line);
  if (chars.length <= columns) return line;
  if (columns <= 1) return chars.slice(0, columns).join("");
  return chars.slice(0, columns - 1).join("") + "…";
}

/**
 * A live renderer for a TTY. It keeps a block of lines at the bottom of the terminal: one per worker
 * (`worker 1  intro/s2/clip@16x9  clip  3.2s`, or `worker 2  idle`), then the overall bar
 * (`[#######.....] 23/40  57%  ETA 0:12`). Each {@linkcode TerminalView.render} moves the cursor up over the
 * block and redraws it. A step that fails for good, or a worker that crashes, is written above the block as a
 * permanent line at once.
 *
 * It does not time itself: the caller calls `render(now)` on its own throttled timer (e.g. every 100 ms), and
 * `finish()` at the end, which erases the block so the summary can follow.
 *
 * Worker lines are numbered by slot, 1 to the pool size: a worker takes the slot equal to its id when that is
 * free, otherwise the first free one; a crashed worker frees its slot for its replacement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TerminalView } from "./terminal_view.ts";
 * let text = "";
 * const writer = { writeSync: (bytes: Uint8Array) => ((text += new TextDecoder().decode(bytes)), bytes.length) };
 * const view = new TerminalView({ writer, columns: 60 });
 * view.update({ type: "run:started", at: 0, total: 4, workers: 2, stored: 0, kinds: {} });
 * view.update({ type: "step:started", at: 0, step: "a/clip", kind: "clip", contentKey: "k", worker: 1, attempt: 1 });
 * view.render(3200);
 * assert(text.includes("worker 1  a/clip  clip  3.2s"));
 * assert(text.includes("worker 2  idle"));
 * assert(text.includes("0/4"));
 * view.finish();
 * ```
 */
export class TerminalView implements RunView {
  /** The progress the view draws; read it for counts after the run. */
  readonly model: ProgressModel = new ProgressModel();
  readonly #writer: SyncWriter;
  readonly #columns: number;
  readonly #barWidth: number;
  readonly #focus: TerminalFocus | null;
  /** Worker id per slot, or null for a free slot. */
  readonly #slots: (WorkerId | null)[] = [];
  #permanent: string[] = [];
  #drawn = 0;
  #closed = false;

  /** @param options The writer, the width and the bar's width. */
  constructor(options: TerminalViewOptions) {
    const { writer, columns = 80, barWidth = 30, focus = null } = options;
    if (!Number.isInteger(columns) || columns < 1) {
      throw new RangeError(
        `Cannot create a terminal view: columns must be a positive integer, got ${columns}`,
      );
    }
    this.#writer = writer;
    this.#columns = columns;
    this.#barWidth = Math.max(MIN_BAR, barWidth);
    this.#focus = focus;
  }

  /**
   * Takes one event. Draws nothing itself, except that a step failing for good, a worker crashing or a stored value
   * that cannot be right (`step:remaking`) is written above the block at once (redrawing the block as of the
   * latest event's `at`).
   *
   * @param event The next event of the run.
   */
  update(event: RunEvent): void {
    this.model.apply(event);
    switch (event.type) {
      case "run:started":
        while (this.#slots.length < event.workers) this.#slots.push(null);
        return;
      case "step:started":
        this.#takeSlot(event.worker);
        return;
      case "worker:crashed": {
        const slot = this.#slots.indexOf(event.worker);
        if (slot >= 0) this.#slots[slot] = null;
        this.#printAbove(`worker ${slot >= 0 ? slot + 1 : event.worker} crashed: ${event.error}`, event.at);
        return;
      }
      case "step:failed":
        if (!event.retrying) this.#printAbove(`FAILED ${event.step}: ${event.error}`, event.at);
        return;
      case "provider:paused":
        this.#printAbove(pausedLine(event), event.at);
        return;
      case "step:finished":
        if (event.warnings !== undefined) {
          this.#printAbove(
            event.warnings.map((message) => warningLine(event.step, message)).join("\n"),
            event.at,
          );
        }
        return;
      case "step:remaking":
        this.#printAbove(
          `remaking ${event.step}: its stored value cannot be right (${event.reason})`,
          event.at,
        );
        return;
      default:
        return;
    }
  }

  /**
   * Redraws the block in place: moves the cursor up over the lines drawn last time, writes any permanent lines,
   * then the worker lines and the bar, each cut to `columns`, in one write. Does nothing but write pending
   * permanent lines after {@linkcode TerminalView.finish}.
   *
   * @param now Ms since the run started, on the events' clock; sets the running times and the ETA.
   */
  render(now: number): void {
    if (this.#closed && this.#drawn === 0 && this.#permanent.length === 0) return;
    const lines = this.#closed ? [] : this.lines(now);
    let text = this.#drawn > 0 ? `${ESC}${this.#drawn}A\r` : "";
    if (this.#permanent.length > 0) {
      text += `${CLEAR_BELOW}${this.#permanent.join("\n")}\n`;
      this.#permanent = [];
    }
    for (const line of lines) text += `${CLEAR_LINE}${truncate(line, this.#columns)}\n`;
    text += CLEAR_BELOW;
    this.#drawn = lines.length;
    writeTextSync(this.#writer, text);
  }

  /**
   * Writes `line` above the block, for good (a warning, a notice): a line written to the terminal beside the view
   * was drawn over by its next render (fi21: a preflight's warnings were never seen on a terminal).
   *
   * @param line The line (or lines, joined by `\n`).
   */
  say(line: string): void {
    if (this.#closed) {
      writeTextSync(this.#writer, `${line}\n`);
      return;
    }
    this.#printAbove(line, this.model.lastAt);
  }

  /** Erases the block and writes pending permanent lines; later renders draw no block. Safe to call twice. */
  finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.render(this.model.lastAt);
  }

  /**
   * The block's lines as of `now`, uncut and without escape codes: one per worker slot, then the bar.
   *
   * @param now Ms since the run started.
   * @returns The lines, top to bottom.
   */
  lines(now: number): string[] {
    // A worker may run several steps at once (those that wait on a process or a call): its row shows the one that
    // has run longest and how many more (before, the last started alone, and "idle" once it ended).
    const running = new Map<WorkerId, RunningStep[]>();
    for (const step of this.model.running) {
      running.set(step.worker, [...running.get(step.worker) ?? [], step]);
    }
    const labelWidth = String(this.#slots.length).length;
    const lines = this.#slots.map((worker, index) => {
      const label = `worker ${String(index + 1).padStart(labelWidth)}`;
      const steps = worker === null ? [] : running.get(worker) ?? [];
      const step = steps[0];
      if (step === undefined) return `${label}  idle`;
      const more = steps.length > 1 ? `  (+${steps.length - 1} more)` : "";
      const retry = step.attempt > 1 ? `  (attempt ${step.attempt})` : "";
      const elapsed = Math.max(0, now - step.startedAt);
      const what = step.kind === this.#focus?.kind ? this.#expected(step.kind, elapsed) : step.kind;
      const fraction = this.model.fraction(step.step);
      const percent = fraction === null ? "" : `  ${Math.round(fraction * 100)}%`;
      return `${label}  ${step.step}  ${what}  ${formatElapsed(elapsed)}${percent}${retry}${more}`;
    });
    lines.push(this.#bar(now));
    if (this.#focus !== null) lines.push(this.#focusLine(this.#focus, now));
    return lines;
  }

  /** A small bar of how far a step likely is: its time so far against its kind's average, never full. */
  #expected(kind: string, elapsed: number): string {
    const average = this.model.ofKind(kind).averageElapsed;
    const width = 10;
    const filled = average === null ? 0 : Math.min(width - 1, Math.floor((elapsed * width) / average));
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  }

  #focusLine(focus: TerminalFocus, now: number): string {
    const progress = this.model.ofKind(focus.kind);
    const cached = progress.cached > 0 ? ` (${progress.cached} from the store)` : "";
    const rate = this.model.mediaRate(focus.kind, now);
    const speed = rate === null ? "" : `  ${rate.toFixed(1)} ${focus.media} min/min`;
    return `${focus.noun} ${progress.done}/${progress.total}${cached}${speed}`;
  }

  #bar(now: number): string {
    const { total, settled, failed } = this.model;
    const percent = total === 0 ? 0 : Math.floor((settled * 100) / total);
    const eta = this.model.eta(now);
    const failures = failed > 0 ? `  ${failed} failed` : "";
    const etaText = eta === null ? "-:--" : formatDuration(eta, { tenths: false });
    const tail = ` ${settled}/${total}  ${percent}%${failures}  ETA ${etaText}`;
    const width = Math.max(MIN_BAR, Math.min(this.#barWidth, this.#columns - tail.length) - 2);
    const filled = total === 0 ? 0 : Math.min(width, Math.floor((settled * width) / total));
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}]${tail}`;
  }

  #takeSlot(worker: WorkerId): void {
    if (this.#slots.includes(worker)) return;
    const preferred = typeof worker === "number" ? worker - 1 : -1;
    if (preferred >= 0 && preferred < this.#slots.length && this.#slots[preferred] === null) {
      this.#slots[preferred] = worker;
      return;
    }
    const free = this.#slots.indexOf(null);
    if (free >= 0) this.#slots[free] = worker;
    else this.#slots.push(worker);
  }

  /** Writes `line` (or lines, joined by `\n`) above the block, for good, and redraws the block under it. */
  #printAbove(line: string, at: number): void {
    this.#permanent.push(line);
    this.render(Math.max(at, this.model.lastAt));
  }
}
