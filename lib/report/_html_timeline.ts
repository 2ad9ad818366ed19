/**
 * The timeline panel: one lane per worker with a bar per attempt, a legend, and the steps served from the cache.
 * @module
 */
import { escapeMarkup } from "../core/escape_markup.ts";
import { KIND_COLOURS } from "./_html_style.ts";
import { round, type TimeAxis } from "./_html_time_axis.ts";
import type { Attempt, TimelineModel } from "./_html_timeline_model.ts";
import { formatElapsed } from "./format_units.ts";

/** Width of the drawing in user units; the lane labels take the left margin. */
export const CHART_WIDTH = 1000;
/** Where the time axis starts and how wide it is, shared with the provider charts. */
export const PLOT_LEFT = 92;
/** The plot's width. */
export const PLOT_WIDTH = CHART_WIDTH - PLOT_LEFT - 16;

const AXIS_HEIGHT = 22;
const LANE_HEIGHT = 26;
const BAR_HEIGHT = 16;
const LIGHT_KINDS: ReadonlySet<string> = new Set(["concat", "subtitles"]);
const STATUS_TEXT = {
  done: "done",
  failed: "failed",
  retried: "failed, retried",
  cancelled: "cancelled (did not finish)",
  lost: "lost (another worker took the step over)",
} as const;

/** Renders the timeline panel's contents (legend, SVG lanes, cached list). */
export function renderTimeline(model: TimelineModel, axis: TimeAxis): string {
  const parts = [renderLegend(model)];
  if (model.workers.length === 0) {
    parts.push(`<p class="empty">No step ran on a worker.</p>`);
  } else {
    parts.push(renderLanes(model, axis));
  }
  parts.push(renderCached(model));
  return parts.join("\n");
}

function renderLegend(model: TimelineModel): string {
  const kinds = new Set<string>([...model.attempts, ...model.cached].map((item) => item.kind));
  // The run's kinds in the colours' order, then any kind without a colour of its own (grey).
  const known = Object.keys(KIND_COLOURS).filter((kind) => kinds.has(kind));
  const others = [...kinds].filter((kind) => !Object.hasOwn(KIND_COLOURS, kind)).sort();
  const items = [...known, ...others]
    .map((kind) => `<li><span class="swatch kind-${escapeMarkup(kind)}"></span>${escapeMarkup(kind)}</li>`);
  const statuses = new Set(model.attempts.map((attempt) => attempt.status));
  if (statuses.has("failed")) items.push(`<li><span class="swatch failed"></span>failed</li>`);
  if (statuses.has("retried")) items.push(`<li><span class="swatch retried"></span>failed, retried</li>`);
  if (statuses.has("cancelled")) items.push(`<li><span class="swatch cancelled"></span>cancelled</li>`);
  if (statuses.has("lost")) items.push(`<li><span class="swatch cancelled"></span>lost, taken over</li>`);
  if (model.crashes.length > 0) items.push(`<li><span class="swatch crash">✕</span>worker crashed</li>`);
  return `<ul class="legend">${items.join("")}</ul>`;
}

/** Axis labels along the top and grid lines down through `height`. */
export function renderAxis(
  axis: TimeAxis,
  options: { top: number; height: number; labels: boolean },
): string {
  return axis.ticks.map((tick) => {
    const x = axis.x(tick);
    const line = `<line class="grid" x1="${x}" x2="${x}" y1="${options.top}" y2="${
      options.top + options.height
    }"/>`;
    if (!options.labels) return line;
    const anchor = tick === 0 ? "start" : "middle";
    return `${line}<text x="${x}" y="${options.top - 6}" text-anchor="${anchor}">${axis.label(tick)}</text>`;
  }).join("");
}

function renderLanes(model: TimelineModel, axis: TimeAxis): string {
  const height = AXIS_HEIGHT + model.workers.length * LANE_HEIGHT + 4;
  const lanes = model.workers.map((worker, index) => {
    const y = AXIS_HEIGHT + index * LANE_HEIGHT;
    const bars = model.attempts.filter((attempt) => attempt.worker === worker).map((a) => renderBar(a, axis));
    const crashes = model.crashes.filter((crash) => crash.worker === worker).map((crash) => {
      const x = axis.x(crash.at);
      const title = `worker ${worker} crashed at ${formatElapsed(crash.at)}\n${crash.error}`;
      return `<g class="crash" transform="translate(${x},${LANE_HEIGHT / 2})"><title>${
        escapeMarkup(title)
      }</title>` +
        `<rect x="-7" y="-7" width="14" height="14"/><path d="M-5,-5L5,5M5,-5L-5,5"/></g>`;
    });
    // A cluster worker's id names its host (`host:pid:n`): escaped like any text.
    const id = escapeMarkup(String(worker));
    return `<g class="lane" data-worker="${id}" transform="translate(0,${y})">` +
      `<text class="lane-label" x="8" y="${LANE_HEIGHT / 2 + 4}">worker ${id}</text>` +
      `${bars.join("")}${crashes.join("")}</g>`;
  });
  const backgrounds = model.workers.map((_, index) =>
    index % 2 === 0
      ? `<rect class="lane-bg" x="0" y="${AXIS_HEIGHT + index * LANE_HEIGHT}" width="${CHART_WIDTH}" ` +
        `height="${LANE_HEIGHT}"/>`
      : ""
  );
  const grid = renderAxis(axis, { top: AXIS_HEIGHT, height: height - AXIS_HEIGHT, labels: true });
  return `<svg class="timeline" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Timeline">` +
    `<defs>${hatch("hatch-retried", "#d63c3f", "#f6c9ca")}${
      hatch("hatch-cancelled", "#8c96a5", "#e3e7ee")
    }</defs>` +
    `${backgrounds.join("")}${grid}${lanes.join("\n")}</svg>`;
}

function hatch(id: string, stripe: string, ground: string): string {
  return `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="${ground}"/><rect width="3" height="6" fill="${stripe}"/></pattern>`;
}

function renderBar(attempt: Attempt, axis: TimeAxis): string {
  const x = axis.x(attempt.start);
  const width = round(Math.max(axis.x(attempt.end) - x, 1.5));
  const y = (LANE_HEIGHT - BAR_HEIGHT) / 2;
  const elapsed = attempt.end - attempt.start;
  const lines = [
    attempt.step,
    `${attempt.kind} · attempt ${attempt.attempt} · worker ${attempt.worker}`,
    `${formatElapsed(attempt.start)} → ${formatElapsed(attempt.end)} (${formatElapsed(elapsed)})`,
    ...(attempt.queuedAt === null ? [] : [
      `waited ${formatElapsed(attempt.start - attempt.queuedAt)} ${
        attempt.attempt > 1 ? "since the attempt before failed (its backoff, then permits)" : "for permits"
      }`,
    ]),
    STATUS_TEXT[attempt.status] + (attempt.error === null ? "" : `: ${attempt.error}`),
  ];
  const rect = `<rect class="bar kind-${attempt.kind}" data-step="${escapeMarkup(attempt.step)}" ` +
    `data-attempt="${attempt.attempt}" data-status="${attempt.status}" x="${x}" y="${y}" width="${width}" ` +
    `height="${BAR_HEIGHT}" rx="3"><title>${escapeMarkup(lines.join("\n"))}</title></rect>`;
  const fits = Math.floor((width - 8) / 6);
  if (fits < 4) return rect;
  const name = attempt.step.length <= fits ? attempt.step : `${attempt.step.slice(0, fits - 1)}…`;
  const light = attempt.status === "done" && LIGHT_KINDS.has(attempt.kind) ? " on-light" : "";
  const labelClass = attempt.status === "done" || attempt.status === "failed" ? light : " on-hatch";
  return `${rect}<text class="bar-label${labelClass}" x="${round(x + 4)}" y="${y + BAR_HEIGHT / 2 + 3.5}">` +
    `${escapeMarkup(name)}</text>`;
}

function renderCached(model: TimelineModel): string {
  if (model.cached.length === 0) return "";
  const items = model.cached.map((cached) =>
    `<li class="cached" data-step="${escapeMarkup(cached.step)}" title="${
      escapeMarkup(
        `${cached.kind} · ${
          cached.madeBy === undefined ? "from the cache" : `made by ${cached.madeBy}, same key,`
        } at ${formatElapsed(cached.at)}`,
      )
    }"><span class="swatch kind-${cached.kind}"></span>${escapeMarkup(cached.step)}</li>`
  );
  const open = model.cached.length <= 40 ? " open" : "";
  const count = model.cached.length;
  return `<details${open}><summary>${count} step${count === 1 ? "" : "s"} served from the cache${
    model.cached.some((cached) => cached.madeBy !== undefined)
      ? " or made once for several of the same key"
      : ""
  } (nothing ran)` +
    `</summary><ul class="cached-list">${items.join("")}</ul></details>`;
}
