import assert from "node:assert/strict";
import {
  type HtmlReportOptions,
  renderHtmlReport,
  writeHtmlReport,
} from "../../../lib/report/html_report.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { KIND_COLOURS, OTHER_KIND_COLOUR } from "../../../lib/report/_html_style.ts";
import { STEP_KIND_LOADERS } from "../../../lib/workflow/step_kind_loaders.ts";
import { ev } from "./_events.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const NO_SUMMARY: HtmlReportOptions["summary"] = { outputs: [], wallMs: 0, cpuMs: 0, peakRssBytes: null };

function render(events: RunEvent[], options: Partial<HtmlReportOptions> = {}): string {
  return renderHtmlReport(events, { title: "test.ts", providers: {}, summary: NO_SUMMARY, ...options });
}

function count(html: string, pattern: RegExp): number {
  return html.match(new RegExp(pattern.source, "g"))?.length ?? 0;
}

/** The attributes of the element whose opening tag contains `marker`. */
function attributesOf(html: string, marker: string): Record<string, string> {
  const start = html.lastIndexOf("<", html.indexOf(marker));
  const tag = html.slice(start, html.indexOf(">", start));
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

/** Attempts on three workers: a success, a retried failure then its success, a final failure, a cut attempt. */
const MIXED: RunEvent[] = [
  ev.runStarted(0, 5, 3),
  ev.started(0, "a/s1/speech", { kind: "speech", worker: 1 }),
  ev.started(1, "a/s1/slide@16x9", { kind: "slide", worker: 2 }),
  ev.finished(40, "a/s1/speech", { kind: "speech", worker: 1, elapsed: 40 }),
  ev.failed(50, "a/s1/slide@16x9", { kind: "slide", worker: 2, retrying: true, error: "renderer busy" }),
  ev.started(60, "a/s1/slide@16x9", { kind: "slide", worker: 3, attempt: 2 }),
  { ...ev.finished(90, "a/s1/slide@16x9", { kind: "slide", worker: 3, elapsed: 30 }), attempt: 2 },
  ev.started(91, "a/s1/clip@16x9", { kind: "clip", worker: 1 }),
  ev.failed(120, "a/s1/clip@16x9", { kind: "clip", worker: 1, error: "ffmpeg exited with code 1" }),
  ev.skipped(120, "a/concat@16x9", "a/s1/clip@16x9", "concat"),
  ev.started(121, "b/s1/speech", { kind: "speech", worker: 2 }),
  ev.runFinished(130, { cancelled: true }),
];

Deno.test("renderHtmlReport() draws one lane per worker and one bar per started attempt", () => {
  const html = render(MIXED);
  assert.deepEqual([...html.matchAll(/<g class="lane" data-worker="(\d+)"/g)].map((m) => m[1]), [
    "1",
    "2",
    "3",
  ]);
  assert.equal(count(html, /<rect class="bar /), 5);
  assert.equal(count(html, /data-status="done"/), 2);
  assert.equal(count(html, /data-status="retried"/), 1);
  assert.equal(count(html, /data-status="failed"/), 1);
  assert.equal(count(html, /data-status="cancelled"/), 1);
  const retry = attributesOf(html, `data-step="a/s1/slide@16x9" data-attempt="2"`);
  assert.equal(retry.class, "bar kind-slide");
  assert.equal(retry["data-status"], "done");
  assert.match(
    html,
    /<title>a\/s1\/clip@16x9\nclip · attempt 1 · worker 1\n0\.1s → 0\.1s \(0\.0s\)\nfailed: ffmpeg/,
  );
  assert.match(html, /worker 1<\/text>/);
});

Deno.test("renderHtmlReport() gives each cluster worker (host:pid:n) its lane, ordered by host, pid and number", () => {
  const html = render([
    ev.runStarted(0, 3, 2),
    ev.started(0, "a", { worker: "node-b:7:1" }),
    ev.started(1, "b", { worker: "node-a:10:2" }),
    ev.started(2, "c", { worker: "node-a:9:1" }),
    ev.finished(5, "a", { worker: "node-b:7:1", elapsed: 5 }),
    ev.finished(6, "b", { worker: "node-a:10:2", elapsed: 5 }),
    ev.finished(7, "c", { worker: "node-a:9:1", elapsed: 5 }),
    ev.runFinished(8),
  ]);
  assert.deepEqual([...html.matchAll(/<g class="lane" data-worker="([^"]+)"/g)].map((m) => m[1]), [
    "node-a:9:1",
    "node-a:10:2",
    "node-b:7:1",
  ]);
  assert.match(html, /worker node-b:7:1<\/text>/);
});

Deno.test("renderHtmlReport() shows cached steps apart, one marker each, and no lane when nothing ran", () => {
  const html = render([
    ev.runStarted(0, 2, 2),
    ev.finished(3, "a/s1/speech", { kind: "speech", cached: true }),
    ev.finished(4, "a/s1/slide@16x9", { kind: "slide", cached: true }),
    ev.runFinished(5),
  ]);
  assert.equal(count(html, /class="cached"/), 2);
  assert.match(html, /<li class="cached" data-step="a\/s1\/speech"/);
  assert.equal(count(html, /<g class="lane"/), 0);
  assert.equal(count(html, /<rect class="bar /), 0);
  assert.match(html, /No step ran on a worker/);
});

Deno.test("renderHtmlReport() escapes step ids, error messages and the title", () => {
  const step = `x"><script>alert(1)</script>&`;
  const error = `<img src=x onerror=alert(2)> & "quoted" 'single'`;
  const html = render([
    ev.runStarted(0, 1, 1),
    ev.started(0, step, { kind: "custom" }),
    ev.failed(10, step, { kind: "custom", error }),
    ev.runFinished(11),
  ], { title: "<b>title</b>", providers: { [step]: `<i>provider</i>` } });
  assert.doesNotMatch(html, /<script|<img|<b>title|<i>provider/);
  assert.match(html, /data-step="x&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&amp;"/);
  assert.match(html, /&lt;img src=x onerror=alert\(2\)&gt; &amp; &quot;quoted&quot; &#39;single&#39;/);
  assert.match(html, /data-provider="&lt;i&gt;provider&lt;\/i&gt;"/);
  assert.match(html, /&lt;b&gt;title&lt;\/b&gt;/);
});

Deno.test("renderHtmlReport() is one self-contained document: no script, no external URL", () => {
  const html = render(MIXED, { providers: { "a/s1/speech": "local/flite" } });
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.match(html, /<style>[^]*<\/style>/);
  assert.doesNotMatch(html, /<script|<link|https?:|\bsrc=|@import/i);
  assert.ok(html.trimEnd().endsWith("</html>"));
});

Deno.test("renderHtmlReport() charts each provider's calls in flight and finds the peak", () => {
  const call = (at: number, end: number, step: string, kind: "speech" | "image" | "clip") => [
    ev.started(at, step, { kind, worker: 1 }),
    ev.finished(end, step, { kind, worker: 1 }),
  ];
  // flite: 0-10, 2-12, 4-6 overlap three deep; 12-14 starts as 2-12 ends, which is no overlap.
  // openai: one call. Clips (no provider) overlap five deep and count for no provider.
  const events = [
    ev.runStarted(0, 11, 4),
    ...call(0, 10, "a/speech", "speech"),
    ...call(2, 12, "b/speech", "speech"),
    ...call(4, 6, "c/speech", "speech"),
    ...call(12, 14, "d/speech", "speech"),
    ...call(3, 9, "a/image", "image"),
    ...[1, 2, 3, 4, 5].flatMap((n) => call(1, 8, `clip${n}`, "clip")),
    ev.runFinished(20),
  ].sort((a, b) => a.at - b.at);
  const providers = {
    "a/speech": "local/flite",
    "b/speech": "local/flite",
    "c/speech": "local/flite",
    "d/speech": "local/flite",
    "a/image": "openai",
    "never/ran": "idle",
  };
  const html = render(events, { providers });
  assert.equal(count(html, /<g class="provider-chart"/), 3);
  const flite = attributesOf(html, `data-provider="local/flite"`);
  assert.deepEqual([flite["data-peak"], flite["data-calls"]], ["3", "4"]);
  const openai = attributesOf(html, `data-provider="openai"`);
  assert.deepEqual([openai["data-peak"], openai["data-calls"]], ["1", "1"]);
  const idle = attributesOf(html, `data-provider="idle"`);
  assert.deepEqual([idle["data-peak"], idle["data-calls"]], ["0", "0"]);
  // The scale's label, just left of the chart's top, is a line above the name, which may reach the chart: before,
  // both were on one line and "local/slides@1" ran under the "2".
  const flites = /data-provider="local\/flite"[^]*?<\/g>/.exec(html)![0];
  const nameY = Number(/<text class="provider-name" x="\d+" y="([\d.]+)"/.exec(flites)![1]);
  const scaleY = Number(/<text x="[\d.]+" y="([\d.]+)" text-anchor="end">3<\/text>/.exec(flites)![1]);
  assert.ok(nameY - scaleY >= 14, `name at ${nameY}, scale at ${scaleY}`);
});

Deno.test("renderHtmlReport() counts 429 answers and retries per provider", () => {
  const image = (at: number, attempt: number, error: string | null, retrying = true) => [
    ev.started(at, "a/image", { kind: "image", worker: 1, attempt }),
    error === null
      ? { ...ev.finished(at + 5, "a/image", { kind: "image", worker: 1 }), attempt }
      : ev.failed(at + 5, "a/image", { kind: "image", worker: 1, attempt, retrying, error }),
  ];
  const html = render([
    ev.runStarted(0, 3, 1),
    ...image(0, 1, `Cannot run step "a/image": openai answered 429: Too Many Requests`),
    ...image(10, 2, `Cannot run step "a/image": openai answered 429`),
    ...image(20, 3, null),
    ev.started(30, "b/speech", { kind: "speech", worker: 1 }),
    ev.failed(35, "b/speech", { kind: "speech", worker: 1, retrying: false, error: "openai answered 429" }),
    ev.started(40, "c/clip", { kind: "clip", worker: 1 }),
    ev.failed(45, "c/clip", { kind: "clip", worker: 1, retrying: true, error: "worker crashed" }),
    { ...ev.started(50, "c/clip", { kind: "clip", worker: 1 }), attempt: 2 },
    { ...ev.finished(55, "c/clip", { kind: "clip", worker: 1 }), attempt: 2 },
    ev.runFinished(60),
  ], { providers: { "a/image": "openai", "b/speech": "voices" } });
  const openai = attributesOf(html, `data-provider="openai"`);
  assert.deepEqual([openai["data-rate-limited"], openai["data-retries"]], ["2", "2"]);
  const voices = attributesOf(html, `data-provider="voices"`);
  assert.deepEqual([voices["data-rate-limited"], voices["data-retries"]], ["1", "0"]);
  assert.match(html, /<b>3<\/b><span>429 answers<\/span>/);
  assert.match(html, /<b>3<\/b><span>retries<\/span>/);
  assert.match(
    html,
    /<td class="step">openai<\/td><td class="num">3<\/td><td class="num">1<\/td><td class="num alert">2/,
  );
  assert.match(
    html,
    /<tr><td>other steps<\/td><td class="num">2<\/td><td class="num">–<\/td><td class="num">0/,
  );
  assert.equal(count(html, /class="limited"/), 3); // 429 marks on the charts
});

Deno.test("renderHtmlReport() summarizes counts, times, memory, outputs and failures", () => {
  const html = render([
    ...MIXED.slice(0, -1),
    ev.finished(125, "b/s2/speech", { kind: "speech", cached: true }),
    ev.runFinished(130),
  ], {
    summary: {
      outputs: [
        { path: "out/a.16x9.mp4", duration: 83_400, bytes: 3_200_000 },
        { path: "out/a.srt", duration: null, bytes: 512 },
      ],
      wallMs: 12_300,
      cpuMs: 40_100,
      peakRssBytes: 210_000_000,
    },
  });
  const table = html.slice(
    html.indexOf(`<table class="summary">`),
    html.indexOf("</table>", html.indexOf("summary")),
  );
  const rows = Object.fromEntries([...table.matchAll(/<tr><th>([^<]+)<\/th><td[^>]*>([^<]*)<\/td><\/tr>/g)]
    .map((match) => [match[1]!, match[2]!]));
  assert.deepEqual(rows, {
    "Status": "✖ Failed",
    "Done": "3",
    "Cached": "1",
    "Failed": "1",
    "Skipped": "1",
    // b/s1/speech started and never settled.
    "Stopped while running": "1",
    "Attempts run": "5",
    "Workers": "3",
    "Wall time": "0:12.3",
    "CPU time": "0:40.1",
    "Peak memory, reel alone": "210.0 MB",
  });
  // The memory chart holds the children's too: the two peaks say which is which (a newcomer read them as one).
  assert.match(html, /<b>210\.0 MB<\/b><span>peak memory, reel alone<\/span>/);
  assert.match(
    html,
    /<td class="path">out\/a\.16x9\.mp4<\/td><td class="num">1:23\.4<\/td><td class="num">3\.2 MB<\/td>/,
  );
  assert.match(html, /<td class="path">out\/a\.srt<\/td><td class="num">–<\/td><td class="num">512 B<\/td>/);
  assert.match(
    html,
    /<table class="failures">[^]*<td class="step">a\/s1\/clip@16x9<\/td><td>clip<\/td><td><pre class="cause">ffmpeg exited with code 1<\/pre>/,
  );
  assert.doesNotMatch(html, /renderer busy<\/pre>/); // a retried failure is not a failure of the run
});

Deno.test("renderHtmlReport() counts what a stopped run left: steps stopped while running, steps not started", () => {
  // A full disk failed `a` and stopped the run: `b` was running, three steps never started.
  const html = render([
    ev.runStarted(0, 5, 2),
    ev.started(0, "a", { worker: 1 }),
    ev.started(1, "b", { worker: 2 }),
    ev.failed(10, "a", { worker: 1, error: "No space left on device" }),
    { ...ev.runFinished(12), ok: false, failed: 1, skipped: 4 },
  ]);
  const table = html.slice(
    html.indexOf(`<table class="summary">`),
    html.indexOf("</table>", html.indexOf("summary")),
  );
  assert.match(table, /<th>Status<\/th><td class="alert">✖ Failed<\/td>/);
  assert.match(table, /<th>Skipped<\/th><td>0<\/td>/);
  assert.match(table, /<th>Stopped while running<\/th><td class="alert">1<\/td>/);
  assert.match(table, /<th>Not started<\/th><td class="alert">3<\/td>/);
  // A run that finished everything has neither row.
  const done = render([ev.runStarted(0, 1, 1), ev.started(0, "a"), ev.finished(5, "a"), ev.runFinished(6)]);
  assert.doesNotMatch(done, /Stopped while running|Not started/);
});

Deno.test("renderHtmlReport() says Done when every step finished", () => {
  const html = render([ev.runStarted(0, 1, 1), ev.started(0, "a"), ev.finished(5, "a"), ev.runFinished(6)]);
  assert.match(html, /<span class="status ok">✔ Done<\/span>/);
  assert.doesNotMatch(html, /class="failures"/);
});

Deno.test("writeHtmlReport() replaces the file through a temporary name and leaves none behind", async () => {
  const dir = await tempDir("reel-report-");
  await Deno.writeTextFile(`${dir}/report.html`, "old");
  await writeHtmlReport(`${dir}/report.html`, "<!doctype html>\n");
  assert.equal(await Deno.readTextFile(`${dir}/report.html`), "<!doctype html>\n");
  assert.deepEqual(await names(dir), ["report.html"]);
  // Renaming over a folder fails: the error comes through and the temporary file is gone.
  await Deno.mkdir(`${dir}/folder.html`);
  await assert.rejects(writeHtmlReport(`${dir}/folder.html`, "x"));
  assert.deepEqual(await names(dir), ["folder.html", "report.html"]);
  await Deno.remove(dir, { recursive: true });
});

async function names(dir: string): Promise<string[]> {
  const found = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("renderHtmlReport() colours every registered step kind, lists the run's kinds, and draws an unknown kind grey", () => {
  // Before: narration, stills, clips, video, cues and every transcription, variant and montage kind had no colour:
  // their bars were black and the legend left them out.
  const missing = Object.keys(STEP_KIND_LOADERS).filter((kind) =>
    kind !== "slide-fit" && !(kind in KIND_COLOURS)
  );
  assert.deepEqual(missing, []);
  const html = render([
    ev.runStarted(0, 3, 1),
    ev.started(0, "v/narration", { kind: "narration" }),
    ev.finished(100, "v/narration", { kind: "narration", elapsed: 100 }),
    ev.started(100, "v/video@16x9", { kind: "video" }),
    ev.finished(200, "v/video@16x9", { kind: "video", elapsed: 100 }),
    ev.started(200, "x/new", { kind: "brand-new" }),
    ev.finished(300, "x/new", { kind: "brand-new", elapsed: 100 }),
    ev.runFinished(300),
  ]);
  const legend = html.slice(
    html.indexOf('<ul class="legend">'),
    html.indexOf("</ul>", html.indexOf('class="legend"')),
  );
  assert.deepEqual([...legend.matchAll(/<\/span>([^<]+)<\/li>/g)].map((match) => match[1]), [
    "narration",
    "video",
    "brand-new",
  ]);
  assert.match(html, new RegExp(`\\.kind-narration \\{ fill: ${KIND_COLOURS.narration};`));
  // The grey comes before the kinds' rules of the same weight, so that each kind's own colour wins.
  assert.ok(html.indexOf(`.bar, .swatch { fill: ${OTHER_KIND_COLOUR};`) < html.indexOf(".kind-speech {"));
  assert.doesNotMatch(html, /rect\.bar \{[^}]*fill/);
});
