/**
 * The provider panel: calls in flight over time as one step chart per provider, on the timeline's time axis,
 * and a table of calls, peaks, 429 answers and retries.
 * @module
 */
import { escapeMarkup } from "../core/escape_markup.ts";
import type { ProviderReport, ProviderStats } from "./_html_provider_stats.ts";
import { KIND_COLOURS } from "./_html_style.ts";
import type { TimeAxis } from "./_html_time_axis.ts";
import { CHART_WIDTH, renderAxis } from "./_html_timeline.ts";

const ROW_HEIGHT = 54;
const ROW_GAP = 10;
const AXIS_HEIGHT = 20;

/** Renders the provider panel's contents. */
export function renderProviders(report: ProviderReport, axis: TimeAxis): string {
  if (report.providers.length === 0) return `<p class="empty">No provider calls in this run.</p>`;
  return `${renderCharts(report.providers, axis)}\n${renderTable(report)}`;
}

function renderCharts(providers: readonly ProviderStats[], axis: TimeAxis): string {
  const height = AXIS_HEIGHT + providers.length * (ROW_HEIGHT + ROW_GAP);
  const rows = providers.map((stats, index) => {
    const top = AXIS_HEIGHT + index * (ROW_HEIGHT + ROW_GAP);
    return renderChart(stats, axis, top);
  });
  const grid = renderAxis(axis, { top: AXIS_HEIGHT, height: height - AXIS_HEIGHT - ROW_GAP, labels: true });
  return `<svg class="providers" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" ` +
    `aria-label="Provider calls in flight">${grid}${rows.join("\n")}</svg>`;
}

function renderChart(stats: ProviderStats, axis: TimeAxis, top: number): string {
  const colour = KIND_COLOURS[stats.kind];
  const scale = Math.max(stats.peak, 1);
  const y = (level: number) => top + ROW_HEIGHT - (level / scale) * (ROW_HEIGHT - 8);
  const base = y(0);
  let edge = `M${axis.x(0)},${base}`;
  for (const point of stats.series) edge += `H${axis.x(point.at)}V${y(point.level)}`;
  edge += `H${axis.x(axis.endMs)}`;
  const area = `${edge}V${base}H${axis.x(0)}Z`;
  const marks = stats.rateLimitedAt.map((at) => {
    const x = axis.x(at);
    return `<path class="limited" d="M${x - 4},${top}L${x + 4},${top}L${x},${top + 7}Z">` +
      `<title>429 at ${axis.label(at)}</title></path>`;
  });
  const name = stats.name.length > 14 ? `${stats.name.slice(0, 13)}…` : stats.name;
  const title = `${stats.name}: ${stats.calls} calls, at most ${stats.peak} in flight, ` +
    `${stats.rateLimited} answered 429, ${stats.retries} retried`;
  return `<g class="provider-chart" data-provider="${escapeMarkup(stats.name)}" data-peak="${stats.peak}" ` +
    `data-calls="${stats.calls}" data-rate-limited="${stats.rateLimited}" data-retries="${stats.retries}">` +
    `<title>${escapeMarkup(title)}</title>` +
    `<line class="grid" x1="${axis.left}" x2="${axis.left + axis.width}" y1="${base}" y2="${base}"/>` +
    // Under the line of the scale's label (at the chart's top, just left of it), which a long name reached.
    `<text class="provider-name" x="8" y="${top + 30}">${escapeMarkup(name)}</text>` +
    `<text x="8" y="${top + 46}">peak ${stats.peak}</text>` +
    `<text x="${axis.left - 6}" y="${y(scale) + 4}" text-anchor="end">${scale}</text>` +
    `<path class="area" d="${area}" fill="${colour}"/><path class="edge" d="${edge}" stroke="${colour}"/>` +
    `${marks.join("")}</g>`;
}

function renderTable(report: ProviderReport): string {
  const cell = (value: number, alert = false) =>
    `<td class="num${alert && value > 0 ? " alert" : ""}">${value}</td>`;
  const rows = report.providers.map((stats) =>
    `<tr><td class="step">${escapeMarkup(stats.name)}</td>${cell(stats.calls)}${cell(stats.peak)}` +
    `${cell(stats.rateLimited, true)}${cell(stats.retries, true)}${cell(stats.failed, true)}</tr>`
  );
  const { other } = report;
  if (other.calls > 0 || other.retries > 0 || other.failed > 0 || other.rateLimited > 0) {
    rows.push(
      `<tr><td>other steps</td>${cell(other.calls)}<td class="num">–</td>${cell(other.rateLimited, true)}` +
        `${cell(other.retries, true)}${cell(other.failed, true)}</tr>`,
    );
  }
  const sum = (pick: (counts: { rateLimited: number; retries: number; failed: number }) => number) =>
    report.providers.reduce((total, stats) => total + pick(stats), pick(other));
  rows.push(
    `<tr class="total"><th>total</th>${cell(report.providers.reduce((t, s) => t + s.calls, other.calls))}` +
      `<td class="num">–</td>${cell(sum((c) => c.rateLimited), true)}${cell(sum((c) => c.retries), true)}` +
      `${cell(sum((c) => c.failed), true)}</tr>`,
  );
  return `<table class="providers"><thead><tr><th>Provider</th><th class="num">Calls</th>` +
    `<th class="num">Peak in flight</th><th class="num">429 answers</th><th class="num">Retries</th>` +
    `<th class="num">Failed</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
