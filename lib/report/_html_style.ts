/**
 * The report's look: colours per step kind and the inline style sheet.
 * @module
 */

/**
 * Fill colour of each step kind, in legend order: every registered kind (a test checks), the kinds of one job kind
 * apart from each other.
 */
export const KIND_COLOURS: Readonly<Record<string, string>> = {
  // Lessons.
  speech: "#4e79a7",
  image: "#b07aa1",
  slide: "#59a14f",
  "slide-layer": "#8cd17d",
  cues: "#d4a6c8",
  narration: "#f28e2b",
  stills: "#76b7b2",
  clips: "#ffbe7d",
  video: "#e15759",
  subtitles: "#e6b83c",
  custom: "#9c755f",
  // Transcription.
  "transcribe-probe": "#a0cbe8",
  "transcribe-decode": "#499894",
  "transcribe-split": "#f1ce63",
  "transcribe-chunk": "#4e79a7",
  "transcribe-merge": "#d37295",
  "transcribe-format": "#b6992d",
  // Variants.
  "probe-input": "#a0cbe8",
  variant: "#f28e2b",
  "variant-manifest": "#d4a6c8",
  "hls-playlist": "#86bcb6",
  "hls-master": "#499894",
  // Montages.
  "montage-grid": "#59a14f",
  "montage-strip": "#ff9d9a",
  "montage-join": "#79706e",
};

/** The colour of a step of a kind without one of its own (a kind added later): grey, never black. */
export const OTHER_KIND_COLOUR = "#aab2bf";

/** The colour of failures. */
export const FAILED_COLOUR = "#d63c3f";

// The grey first: a kind's own colour, written after it with the same weight, wins.
const kindRules = `.bar, .swatch { fill: ${OTHER_KIND_COLOUR}; background: ${OTHER_KIND_COLOUR}; }\n` +
  Object.entries(KIND_COLOURS)
    .map(([kind, colour]) => `.kind-${kind} { fill: ${colour}; background: ${colour}; }`)
    .join("\n");

/** The whole style sheet, inlined in the document's head. */
export const REPORT_CSS = `
:root { --ink: #1d2433; --muted: #5f6b7d; --line: #e3e7ee; --panel: #ffffff; --page: #f3f5f9;
  --failed: ${FAILED_COLOUR}; --ok: #2e8b57; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 40px; }
header { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 16px; margin: 0 0 10px; }
.subtitle { color: var(--muted); margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px;
  overflow-wrap: anywhere; }
.status { font-weight: 600; padding: 2px 10px; border-radius: 999px; font-size: 13px; }
.status.ok { background: #e2f4ea; color: var(--ok); }
.status.bad { background: #fbe4e4; color: var(--failed); }
.status.idle { background: #eceff4; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 10px; margin: 18px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
.card b { display: block; font-size: 19px; font-variant-numeric: tabular-nums; }
.card span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card.alert b { color: var(--failed); }
section.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px;
  margin: 14px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 0 0 10px; padding: 0; list-style: none;
  font-size: 12px; color: var(--muted); }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; flex: none; }
.swatch.failed { background: var(--failed); }
.swatch.retried { background: repeating-linear-gradient(135deg, var(--failed) 0 3px, #f6c9ca 3px 6px); }
.swatch.cancelled { background: repeating-linear-gradient(135deg, #8c96a5 0 3px, #e3e7ee 3px 6px); }
.swatch.crash { background: none; color: var(--failed); font-weight: 700; width: auto; height: auto; }
svg { display: block; width: 100%; height: auto; overflow: visible; }
svg text { font-size: 11px; fill: var(--muted); }
svg .lane-label { fill: var(--ink); font-weight: 600; }
svg .lane-bg { fill: #f7f8fb; }
svg .grid { stroke: var(--line); stroke-width: 1; }
rect.bar { stroke: rgba(0, 0, 0, .18); stroke-width: .6; }
rect.bar:hover { stroke: var(--ink); stroke-width: 1.4; }
rect.bar[data-status=failed] { fill: var(--failed); }
rect.bar[data-status=retried] { fill: url(#hatch-retried); stroke: var(--failed); }
rect.bar[data-status=cancelled], rect.bar[data-status=lost] { fill: url(#hatch-cancelled); }
svg text.bar-label { fill: #fff; font-size: 10px; pointer-events: none; }
svg text.bar-label.on-light { fill: #1d2433; }
svg text.bar-label.on-hatch { fill: #1d2433; paint-order: stroke; stroke: rgba(255, 255, 255, .9); stroke-width: 3px;
  stroke-linejoin: round; }
.crash path { stroke: var(--failed); stroke-width: 2.4; stroke-linecap: round; }
.crash rect { fill: transparent; }
.provider-chart .area { fill-opacity: .22; }
.provider-chart .edge { fill: none; stroke-width: 1.6; }
.resource-chart .resource-line { fill: none; stroke-width: 1.6; }
.resource-chart[data-resource="cpu"] .resource-line { stroke: #d9822b; }
.resource-chart[data-resource="memory"] .resource-line { stroke: #2b7bd9; }
.provider-chart .limited { fill: var(--failed); }
svg .provider-name { fill: var(--ink); font-weight: 600; }
details { margin-top: 12px; }
summary { cursor: pointer; color: var(--muted); font-size: 13px; }
ul.cached-list { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; padding: 0; margin: 8px 0 0; }
li.cached { display: flex; align-items: center; gap: 6px; font: 12px ui-monospace, "DejaVu Sans Mono", monospace;
  background: #f3f5f9; border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px 2px 6px; }
li.cached .swatch { width: 9px; height: 9px; border-radius: 50%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
td.num, th.num { text-align: right; }
table.summary { width: auto; min-width: 360px; }
table.summary th { color: var(--muted); font-weight: 500; }
td.path, td.step { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; overflow-wrap: anywhere; }
td.alert { color: var(--failed); font-weight: 600; }
pre.cause { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; color: #8a1f22; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr); gap: 24px; }
@media (max-width: 760px) { .columns { grid-template-columns: 1fr; } }
h3.gap { margin-top: 18px; }
h3 { font-size: 13px; margin: 0 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
${kindRules}
`;
