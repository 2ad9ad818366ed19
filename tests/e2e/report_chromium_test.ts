/**
 * The HTML report of a real render, opened in headless Chromium: the browser parses it without a console message,
 * and its DOM has a lane per worker, a bar per attempt and a marker per cached step.
 *
 * Needs Chromium (`apt-get install chromium`); without it these tests fail and say so.
 */
import assert from "node:assert/strict";
import { findOnPath } from "../../lib/media/find_binary.ts";
import { renderHtmlReport, writeHtmlReport } from "../../lib/report/html_report.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

/** The Chromium binary, or a failure that says how to install it. */
async function findChromium(): Promise<string> {
  const found = await findOnPath("chromium") ?? await findOnPath("chromium-browser");
  if (found === null) {
    assert.fail("Chromium is not installed; this test opens the HTML report in it: apt-get install chromium");
  }
  return found;
}

/** What headless Chromium made of a page: the DOM after load, and the console messages it logged. */
interface LoadedPage {
  dom: string;
  console: string[];
}

/**
 * Opens `url` in headless Chromium with a fresh profile and no network chatter, prints the DOM after load, and
 * picks the page's console messages (`...:INFO:CONSOLE:...] "message", source: ...`) out of Chromium's log.
 */
async function openInChromium(chromium: string, url: string): Promise<LoadedPage> {
  const profile = await tempDir("reel-chromium-");
  try {
    const output = await new Deno.Command(chromium, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        `--user-data-dir=${profile}`,
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
      ],
      stdin: "null",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const decoder = new TextDecoder();
    const stderr = decoder.decode(output.stderr);
    assert.equal(output.code, 0, `chromium exited with code ${output.code}:\n${stderr}`);
    const messages = stderr.split("\n").filter((line) => /CONSOLE|Uncaught/.test(line));
    return { dom: decoder.decode(output.stdout), console: messages };
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
}

Deno.test("e2e: Chromium's log shows a page's console messages and uncaught errors (the check below is real)", async () => {
  const chromium = await findChromium();
  const dir = await tempDir("reel-chromium-page-");
  await Deno.writeTextFile(
    `${dir}/broken.html`,
    `<!doctype html><p>x</p><script>console.error("from the page"); notDefined();</script>`,
  );
  const page = await openInChromium(chromium, `file://${dir}/broken.html`);
  assert.match(page.console.join("\n"), /from the page/);
  assert.match(page.console.join("\n"), /Uncaught ReferenceError: notDefined is not defined/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("e2e: the HTML report of a real render loads in Chromium with a lane per worker and a bar per attempt", async () => {
  const chromium = await findChromium();
  const dir = await tempDir("reel-report-");
  const workflow = (changed: string) =>
    `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90"],
  videos: ["one", "two"].map((id) => ({
    id,
    sections: [
      { title: "Hello", narration: "Hello from video " + id + "." },
      { title: "Bye", narration: id === "two" ? "${changed}" : "Goodbye." },
    ],
  })),
});`;
  // A first render fills the store; the second, after one narration changed, mixes cached steps and new attempts.
  await Deno.writeTextFile(`${dir}/tiny.ts`, workflow("Goodbye."));
  const first = await runCli(["render", `${dir}/tiny.ts`, "--out", `${dir}/out`, "--json"]);
  assert.equal(first.code, 0, first.stderr);
  await Deno.writeTextFile(`${dir}/tiny.ts`, workflow("See you soon."));
  const second = await runCli(["render", `${dir}/tiny.ts`, "--out", `${dir}/out`, "--json"]);
  assert.equal(second.code, 0, second.stderr);
  const events: RunEvent[] = second.stdout.trim().split("\n").map((line) => JSON.parse(line));

  const started = events.filter((event) => event.type === "step:started");
  const cached = events.filter((event) => event.type === "step:finished" && event.cached);
  assert.ok(started.length > 0 && cached.length > 0, `${started.length} started, ${cached.length} cached`);
  const providers: Record<string, string> = {};
  for (const event of events) {
    if (!("step" in event)) continue;
    if (event.step.endsWith("/speech")) providers[event.step] = "local/flite";
    else if (/\/slide@[^/]+$/.test(event.step)) providers[event.step] = "local/slides";
  }
  const outputs = [];
  for (const event of events) {
    if (event.type !== "output:written") continue;
    const duration = event.path.endsWith(".mp4") ? (await probe(event.path)).duration * 1000 : null;
    outputs.push({
      path: event.path.slice(dir.length + 1),
      duration,
      bytes: (await Deno.stat(event.path)).size,
    });
  }
  const finished = events.findLast((event) => event.type === "run:finished");
  const html = renderHtmlReport(events, {
    title: `${dir}/tiny.ts`,
    providers,
    summary: { outputs, wallMs: finished?.at ?? 0, cpuMs: 0, peakRssBytes: null },
  });
  await writeHtmlReport(`${dir}/report.html`, html);

  const page = await openInChromium(chromium, `file://${dir}/report.html`);
  assert.deepEqual(page.console, [], "the report logged to the console");
  const workers = new Set(started.map((event) => event.worker));
  assert.equal(count(page.dom, /<g class="lane" data-worker="\d+"/), workers.size);
  assert.equal(
    count(page.dom, /<rect class="bar kind-[a-z]+" data-step="[^"]+" data-attempt="\d+"/),
    started.length,
  );
  assert.equal(count(page.dom, /class="cached" data-step="/), cached.length);
  assert.equal(count(page.dom, /<table class="summary">/), 1);
  assert.equal(count(page.dom, /<g class="provider-chart" data-provider="/), 2);
  for (const output of outputs) assert.ok(page.dom.includes(output.path), output.path);
  await Deno.remove(dir, { recursive: true });
});
