/**
 * The summary panel: counts, times and memory, the outputs with their durations and sizes, what steps warned of,
 * the failures with their causes.
 * @module
 */
import { escapeMarkup } from "../core/escape_markup.ts";
import type { EventSummary } from "./run_summary.ts";
import { formatBytes, formatDuration } from "./format_units.ts";

/** What the caller measured, beside the events. */
export interface MeasuredSummary {
  outputs: { path: string; duration: number | null; bytes: number }[];
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number | null;
}

/** The run's status as a word and a tone for its badge. */
export interface RunStatus {
  text: string;
  tone: "ok" | "bad" | "idle";
}

/** Done, failed, cancelled or unfinished (no `run:finished` event). */
export function runStatus(counts: EventSummary, finished: boolean): RunStatus {
  if (counts.cancelled) return { text: "✖ Cancelled", tone: "bad" };
  // A run a step's full disk stopped failed too, whatever it left unsettled.
  const unsettled = counts.stopped.length + counts.notStarted;
  if (counts.failures.length > 0 || counts.skipped > 0 || unsettled > 0) {
    return { text: "✖ Failed", tone: "bad" };
  }
  if (!finished) return { text: "… Unfinished", tone: "idle" };
  return { text: "✔ Done", tone: "ok" };
}

/** Renders the summary panel's contents. */
export function renderSummary(
  counts: EventSummary,
  options: { measured: MeasuredSummary; status: RunStatus; attempts: number; workers: number },
): string {
  const { measured, status } = options;
  const row = (name: string, value: string | number, alert = false) =>
    `<tr><th>${name}</th><td${alert ? ` class="alert"` : ""}>${escapeMarkup(String(value))}</td></tr>`;
  const failed = counts.failures.length;
  const summary = `<table class="summary"><tbody>` +
    row("Status", status.text, status.tone === "bad") +
    row("Done", counts.done) +
    row("Cached", counts.cached) +
    row("Failed", failed, failed > 0) +
    row("Skipped", counts.skipped, counts.skipped > 0) +
    // What a stopped run (a Ctrl-C, a full disk) left, as the terminal's summary says it: only when there is some.
    (counts.stopped.length > 0 ? row("Stopped while running", counts.stopped.length, true) : "") +
    (counts.notStarted > 0 ? row("Not started", counts.notStarted, true) : "") +
    row("Attempts run", options.attempts) +
    row("Workers", options.workers) +
    row("Wall time", formatDuration(measured.wallMs)) +
    row("CPU time", formatDuration(measured.cpuMs)) +
    row(
      "Peak memory, reel alone",
      measured.peakRssBytes === null ? "unknown" : formatBytes(measured.peakRssBytes),
    ) +
    `</tbody></table>`;
  return `<div class="columns"><div><h3>Run</h3>${summary}</div><div><h3>Outputs</h3>` +
    `${renderOutputs(measured.outputs)}</div></div>\n${renderWarnings(counts)}${renderFailures(counts)}`;
}

function renderOutputs(outputs: MeasuredSummary["outputs"]): string {
  if (outputs.length === 0) return `<p class="empty">No output was written.</p>`;
  const rows = outputs.map((output) =>
    `<tr><td class="path">${escapeMarkup(output.path)}</td>` +
    `<td class="num">${output.duration === null ? "–" : formatDuration(output.duration)}</td>` +
    `<td class="num">${formatBytes(output.bytes)}</td></tr>`
  );
  return `<table class="outputs"><thead><tr><th>Path</th><th class="num">Duration</th><th class="num">Size</th>` +
    `</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function renderWarnings(counts: EventSummary): string {
  if (counts.warnings.length === 0) return "";
  const rows = counts.warnings.map((warning) =>
    `<tr><td class="step">${escapeMarkup(warning.step)}</td><td>${escapeMarkup(warning.message)}</td></tr>`
  );
  return `<h3 class="gap">Warnings</h3><table class="warnings"><thead><tr><th>Step</th><th>Warning</th>` +
    `</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function renderFailures(counts: EventSummary): string {
  if (counts.failures.length === 0) return "";
  const rows = counts.failures.map((failure) =>
    `<tr><td class="step">${escapeMarkup(failure.step)}</td><td>${failure.kind}</td>` +
    `<td><pre class="cause">${escapeMarkup(failure.error.trimEnd())}</pre></td></tr>`
  );
  return `<h3 class="gap">Failures</h3><table class="failures"><thead><tr><th>Step</th><th>Kind</th>` +
    `<th>Cause</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
