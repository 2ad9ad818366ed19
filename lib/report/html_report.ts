/**
 * The HTML report of a run: a self-contained page (inline CSS and SVG, no script, no external URL) with a
 * timeline of attempts per worker, provider calls in flight over time, 429 answers and retries, and the summary.
 * @module
 */
import { escapeMarkup } from "../core/escape_markup.ts";
import { providerReport } from "./_html_provider_stats.ts";
import { renderProviders } from "./_html_providers.ts";
import { renderResources } from "./_html_resources.ts";
import { REPORT_CSS } from "./_html_style.ts";
import { renderSummary, runStatus } from "./_html_summary.ts";
import { timeAxis } from "./_html_time_axis.ts";
import { PLOT_LEFT, PLOT_WIDTH, renderTimeline } from "./_html_timeline.ts";
import { buildTimelineModel } from "./_html_timeline_model.ts";
import type { RunEvent } from "../run/run_events.ts";
import { temporaryName } from "../store/publish_output.ts";
import { formatBytes, formatDuration } from "./format_units.ts";
import type { ResourceSample } from "./resource_monitor.ts";
import { summarizeEvents } from "./run_summary.ts";

/** What {@linkcode renderHtmlReport} needs beside the events. */
export interface HtmlReportOptions {
  /** What the run rendered, shown under the heading, e.g. the workflow files. */
  title: string;
  /** The provider of each provider call, by step id (`"intro/s1/speech": "local/flite"`); other steps are absent. */
  providers: Record<string, string>;
  /** What the caller measured: the outputs with their media durations (ms) and sizes, wall and CPU time (ms), peak memory. */
  summary: {
    outputs: { path: string; duration: number | null; bytes: number }[];
    wallMs: number;
    cpuMs: number;
    peakRssBytes: number | null;
  };
  /** CPU and memory of reel and its children, sampled during the run (see `ResourceMonitor`). @default [] */
  resources?: readonly ResourceSample[];
}

/**
 * Renders a run's events as a complete HTML document. Every attempt is a bar in its worker's lane
 * (`<rect class="bar kind-<kind>" data-step data-attempt data-status="done|failed|retried|cancelled">`, one per
 * `step:started`; `cancelled` when the run stopped while it ran), each worker a `<g class="lane" data-worker>`,
 * each cached step an element with `class="cached"`, each provider a chart `data-provider` with its calls in
 * flight over time (`data-peak`), CPU and memory over time (`<svg class="resources">`), and the counts, times
 * and outputs a `<table class="summary">` and its neighbours. All text is escaped.
 *
 * @param events The run's events, in order.
 * @param options The title, the provider of each provider call, and what the caller measured.
 * @returns The document, starting with `<!doctype html>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderHtmlReport } from "./html_report.ts";
 * const html = renderHtmlReport([
 *   { type: "run:started", at: 0, total: 1, workers: 1, stored: 0, kinds: {} },
 *   { type: "step:started", at: 2, step: "a/speech", kind: "speech", contentKey: "k", worker: 1, attempt: 1 },
 *   { type: "step:finished", at: 90, step: "a/speech", kind: "speech", contentKey: "k", worker: 1, attempt: 1,
 *     cached: false, elapsed: 88, path: null },
 *   { type: "run:finished", at: 95, ok: true, cancelled: false, done: 1, failed: 0, skipped: 0, cached: 0 },
 * ], {
 *   title: "lesson.ts",
 *   providers: { "a/speech": "local/flite" },
 *   summary: { outputs: [], wallMs: 100, cpuMs: 80, peakRssBytes: null },
 * });
 * assert.equal(html.match(/<g class="lane"/g)?.length, 1);
 * assert.match(html, /data-provider="local\/flite" data-peak="1"/);
 * ```
 */
export function renderHtmlReport(events: readonly RunEvent[], options: HtmlReportOptions): string {
  const { title, providers, summary, resources = [] } = options;
  const model = buildTimelineModel(events);
  const axis = timeAxis(model.endMs, { left: PLOT_LEFT, width: PLOT_WIDTH });
  const calls = providerReport(events, model.attempts, providers);
  const counts = summarizeEvents(events);
  const status = runStatus(counts, events.some((event) => event.type === "run:finished"));
  const rateLimited = calls.providers.reduce(
    (total, stats) => total + stats.rateLimited,
    calls.other.rateLimited,
  );
  const retries = calls.providers.reduce((total, stats) => total + stats.retries, calls.other.retries);
  const card = (label: string, value: string | number, alert = false) =>
    `<div class="card${alert ? " alert" : ""}"><b>${
      escapeMarkup(String(value))
    }</b><span>${label}</span></div>`;
  // A bar closed as lost (its worker died and another took the step) is the same attempt again.
  const attemptsRun = model.attempts.filter((attempt) => attempt.status !== "lost").length;
  const cards = [
    card("wall time", formatDuration(summary.wallMs)),
    card("CPU time", formatDuration(summary.cpuMs)),
    // reel's own process; the chart's memory holds its children's too (two peaks read as one, apart: newcomer trial).
    card("peak memory, reel alone", summary.peakRssBytes === null ? "–" : formatBytes(summary.peakRssBytes)),
    card("attempts run", attemptsRun),
    card("from cache", counts.cached),
    card("failed", counts.failures.length, counts.failures.length > 0),
    card("429 answers", rateLimited, rateLimited > 0),
    card("retries", retries, retries > 0),
  ];
  const body = [
    `<header><h1>Run report</h1><span class="status ${status.tone}">${status.text}</span>` +
    `<p class="subtitle">${escapeMarkup(title)}</p></header>`,
    `<section class="cards">${cards.join("")}</section>`,
    `<section class="panel"><h2>Timeline by worker</h2>\n${renderTimeline(model, axis)}</section>`,
    `<section class="panel"><h2>Provider calls in flight</h2>\n${renderProviders(calls, axis)}</section>`,
    `<section class="panel"><h2>CPU and memory</h2>\n${renderResources(resources, axis)}</section>`,
    `<section class="panel"><h2>Summary</h2>\n${
      renderSummary(counts, {
        measured: summary,
        status,
        attempts: attemptsRun,
        workers: model.workers.length,
      })
    }</section>`,
  ];
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>reel · ${escapeMarkup(title)}</title>\n<style>${REPORT_CSS}</style>\n</head>\n<body>\n<main>\n` +
    `${body.join("\n")}\n</main>\n</body>\n</html>\n`;
}

/**
 * Writes a report atomically: to `<path>.<random>.tmp` first, then renamed over `path`, so a reader never sees a
 * partial file. The temporary file is removed when writing fails.
 *
 * @param path Where the report goes; its folder must exist.
 * @param html The document, as {@linkcode renderHtmlReport} returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeHtmlReport } from "./html_report.ts";
 * const dir = await Deno.makeTempDir();
 * await writeHtmlReport(`${dir}/report.html`, "<!doctype html>");
 * assert.equal(await Deno.readTextFile(`${dir}/report.html`), "<!doctype html>");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeHtmlReport(path: string, html: string): Promise<void> {
  const temporary = temporaryName(path);
  try {
    await Deno.writeTextFile(temporary, html);
    await Deno.rename(temporary, path);
  } catch (error) {
    try {
      await Deno.remove(temporary);
    } catch (removeError) {
      if (!(removeError instanceof Deno.errors.NotFound)) throw new AggregateError([error, removeError]);
    }
    throw error;
  }
}
