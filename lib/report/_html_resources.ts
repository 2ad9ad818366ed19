/**
 * The resources panel: CPU use and resident memory of reel and its child processes over the run, on the
 * timeline's time axis.
 * @module
 */
import type { TimeAxis } from "./_html_time_axis.ts";
import { CHART_WIDTH, renderAxis } from "./_html_timeline.ts";
import { formatBytes } from "./format_units.ts";
import type { ResourceSample } from "./resource_monitor.ts";

const ROW_HEIGHT = 54;
const ROW_GAP = 10;
const AXIS_HEIGHT = 20;

/** Renders the panel's contents: a line for CPU and one for memory, or a note when nothing was sampled. */
export function renderResources(samples: readonly ResourceSample[], axis: TimeAxis): string {
  if (samples.length === 0) return `<p class="empty">No resource samples in this run.</p>`;
  const peakCpu = Math.max(...samples.map((sample) => sample.cpuPercent));
  const peakRss = Math.max(...samples.map((sample) => sample.rssBytes));
  const rows = [
    row(samples.map((s) => [s.at, s.cpuPercent]), axis, {
      top: AXIS_HEIGHT,
      scale: Math.max(100, peakCpu),
      name: "CPU",
      peak: `peak ${peakCpu}%`,
      kind: "cpu",
    }),
    row(samples.map((s) => [s.at, s.rssBytes]), axis, {
      top: AXIS_HEIGHT + ROW_HEIGHT + ROW_GAP,
      scale: Math.max(1, peakRss),
      name: "memory, children too",
      peak: `peak ${formatBytes(peakRss)}`,
      kind: "memory",
    }),
  ];
  const height = AXIS_HEIGHT + 2 * (ROW_HEIGHT + ROW_GAP);
  const grid = renderAxis(axis, { top: AXIS_HEIGHT, height: height - AXIS_HEIGHT - ROW_GAP, labels: true });
  return `<svg class="resources" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" ` +
    `aria-label="CPU and memory of reel and its child processes" data-samples="${samples.length}" ` +
    `data-peak-cpu="${peakCpu}" data-peak-rss="${peakRss}">${grid}${rows.join("\n")}</svg>`;
}

function row(
  points: readonly (readonly [number, number])[],
  axis: TimeAxis,
  options: { top: number; scale: number; name: string; peak: string; kind: string },
): string {
  const { top, scale } = options;
  const y = (value: number) => Math.round((top + ROW_HEIGHT - (value / scale) * (ROW_HEIGHT - 8)) * 10) / 10;
  const line = points.map(([at, value], i) => `${i === 0 ? "M" : "L"}${axis.x(at)},${y(value)}`).join("");
  const base = y(0);
  return `<g class="resource-chart" data-resource="${options.kind}">` +
    `<line class="grid" x1="${axis.left}" x2="${axis.left + axis.width}" y1="${base}" y2="${base}"/>` +
    `<text class="provider-name" x="8" y="${top + 16}">${options.name}</text>` +
    `<text x="8" y="${top + 32}">${options.peak}</text>` +
    `<path class="edge resource-line" d="${line}"/></g>`;
}
