/**
 * Chooses what reaches the terminal during a render (live view, plain lines, JSON lines or nothing) and prints
 * the closing summary.
 * @module
 */
import { probeMedia } from "../lib/media/ffmpeg.ts";
import { systemReason } from "../lib/core/errors.ts";
import { plural } from "../lib/core/plural.ts";
import { exists, notFoundAsNull, pathTrouble } from "../lib/core/exists.ts";
import type { FfmpegPaths } from "../lib/core/ffmpeg_paths.ts";
import type { Json } from "../lib/core/json.ts";
import { JsonLines } from "../lib/report/json_lines.ts";
import { PlainView } from "../lib/report/plain_view.ts";
import { processUsage } from "../lib/report/process_usage.ts";
import { ResourceMonitor, type ResourceSample } from "../lib/report/resource_monitor.ts";
import { formatSummary, summarizeEvents } from "../lib/report/run_summary.ts";
import type { RunView } from "../lib/report/run_view.ts";
import { writeTextSync } from "../lib/report/sync_writer.ts";
import { type TerminalFocus, TerminalView } from "../lib/report/terminal_view.ts";
import type { RunEvent } from "../lib/run/run_events.ts";
import type { RunResult } from "../lib/run/run_options.ts";
import type { Plan } from "../lib/plan/plan.ts";
import { renderHtmlReport, writeHtmlReport } from "../lib/report/html_report.ts";
import { REPORT_FILE } from "../lib/core/report_file.ts";
import { printable } from "../lib/core/printable.ts";

/** What the CLI feeds the reporter. */
export interface Reporter {
  /** Receives every run event. */
  event(event: RunEvent): void;
  /** Stops the live view and prints the summary (not in JSON mode, where it goes to stderr). */
  finish(run: RunResult, context: { ffmpeg: FfmpegPaths; plan: Plan; outDir: string }): Promise<void>;
  /** Writes a line to stderr for good: above the live view where one is drawn (see `TerminalView.say`). */
  say(line: string): void;
  /** Stops timers; safe to call twice. */
  close(): void;
}

/** How much the reporter prints. */
export type ReporterMode = "auto" | "json" | "quiet";

/**
 * Creates the reporter: `json` writes events to stdout and the summary to stderr; `auto` shows a live view on a
 * terminal and plain lines otherwise; `quiet` prints only the summary.
 *
 * @param options The mode, and the kind of step the live view follows closely (a transcription's chunks).
 * @returns The reporter.
 */
export function createReporter(options: { mode: ReporterMode; focus?: TerminalFocus }): Reporter {
  const start = performance.now();
  const events: RunEvent[] = [];
  // CPU and memory of reel and its children, for the report's chart.
  const monitor = new ResourceMonitor();
  monitor.start();
  const view = viewFor(options.mode, options.focus ?? null);
  const timer = view instanceof TerminalView
    ? setInterval(() => view.render(performance.now() - start), 150)
    : null;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (timer !== null) clearInterval(timer);
    view?.finish();
  };
  return {
    event(event) {
      events.push(event);
      view?.update(event);
    },
    async finish(run, context) {
      close();
      const resources = await monitor.stop();
      if (monitor.failure !== null) {
        writeTextSync(
          Deno.stderr,
          `⚠ CPU and memory were sampled only in part: ${monitor.failure.message}\n`,
        );
      }
      await summarize(events, run, { ...context, wallMs: performance.now() - start, resources });
    },
    say(line) {
      if (view instanceof TerminalView) view.say(line);
      else writeTextSync(Deno.stderr, `${line}\n`);
    },
    close: () => {
      close();
      void monitor.stop();
    },
  };
}

function viewFor(mode: ReporterMode, focus: TerminalFocus | null): RunView | null {
  if (mode === "json") return new JsonLines({ writer: Deno.stdout });
  if (mode === "quiet") return null;
  if (Deno.stderr.isTerminal()) {
    return new TerminalView({ writer: Deno.stderr, columns: Deno.consoleSize().columns || 80, focus });
  }
  return new PlainView({ writer: Deno.stderr });
}

/**
 * Steps of reel's own whose value's `duration` is their video's length: measured with ffprobe when it was made (a
 * lesson's video, a variant) or its frames over its rate (a montage). A custom step's value is whatever it returns.
 */
const LENGTH_IN_VALUE = new Set(["video", "variant", "montage-grid", "montage-join"]);

/** A video's length in ms: from its step's value for {@linkcode LENGTH_IN_VALUE}, else ffprobe's; null if no video. */
async function mediaDuration(
  path: string,
  step: { kind: string; value: Json | undefined },
  context: { ffmpeg: FfmpegPaths },
): Promise<number | null> {
  if (!path.endsWith(".mp4")) return null;
  const { kind, value } = step;
  const known =
    LENGTH_IN_VALUE.has(kind) && typeof value === "object" && value !== null && !Array.isArray(value)
      ? value.duration
      : null;
  if (typeof known === "number") return known * 1000;
  return (await probeMedia(context.ffmpeg, path)).duration * 1000;
}

/** Prints the summary (each output with its length and size, failures, wall/CPU/memory) and writes the report. */
async function summarize(
  events: readonly RunEvent[],
  run: RunResult,
  context: { ffmpeg: FfmpegPaths; plan: Plan; outDir: string; wallMs: number; resources: ResourceSample[] },
): Promise<void> {
  const counts = summarizeEvents(events);
  // Every step event names its step's kind (children's too, which the plan lacks).
  const kinds = new Map<string, string>();
  for (const event of events) if ("kind" in event) kinds.set(event.step, event.kind);
  const kindOf = (step: string) =>
    kinds.get(step) ?? context.plan.steps.find((planned) => planned.id === step)?.kind ?? "step";
  const outputs = [];
  // Written this run and moved or removed since (fi15: the output folder renamed while the render ran crashed the
  // summary with Deno's NotFound, and no report was written).
  const gone: string[] = [];
  for (const { step, path } of run.outputs) {
    const info = await Deno.stat(path).catch(notFoundAsNull);
    if (info === null) {
      gone.push(path);
      continue;
    }
    const bytes = info.size;
    outputs.push({
      path,
      bytes,
      duration: await mediaDuration(path, {
        kind: kindOf(step),
        value: run.artifacts.get(step)?.value,
      }, context),
    });
  }
  const usage = await processUsage();
  // In the plan's order (a section's failures before the next one's), not in the order they happened; a spawned
  // step at its spawner's place, after the spawner's children numbered before it (fi9: chunks #1, #3, #0, #2).
  const order = new Map(context.plan.steps.map((step, i) => [step.id, i]));
  const place = (step: string) =>
    order.get(step) ?? order.get(step.replace(/\/[^/]*#\d+$/, "")) ?? order.size;
  // Children of one template together (rv11: two templates' were interleaved by number).
  const template = (step: string) => step.replace(/#\d+$/, "");
  const number = (step: string) => Number(/#(\d+)$/.exec(step)?.[1] ?? -1);
  const failures = [...run.errors]
    .map(([step, error]) => ({ step, kind: kindOf(step), error, badInput: run.badInput.includes(step) }))
    .sort((a, b) =>
      place(a.step) - place(b.step) || template(a.step).localeCompare(template(b.step)) ||
      number(a.step) - number(b.step)
    );
  const resources = { wallMs: context.wallMs, cpuMs: usage.cpuMs, peakRssBytes: usage.peakRssBytes };
  const text = formatSummary({ ...counts, ...resources, outputs, failures, cancelled: run.cancelled });
  writeTextSync(Deno.stderr, text.endsWith("\n") ? text : `${text}\n`);
  // An output a failed, skipped or cancelled step did not make this run: a file under its name is an earlier run's
  // (nt7: an old video beside the new ones, with the old narration, unsaid).
  const published = new Set(run.outputs.map((output) => output.path));
  const earlier = [];
  for (const step of run.ok ? [] : context.plan.steps) {
    const path = step.output === null ? null : `${context.outDir}/${step.output}`;
    if (path !== null && !published.has(path) && await exists(path)) earlier.push(path);
  }
  if (earlier.length > 0) {
    writeTextSync(
      Deno.stderr,
      `${printable(`⚠ Not made this run, an earlier run's: ${earlier.join(", ")}`)}\n`,
    );
  }
  if (gone.length > 0) {
    writeTextSync(
      Deno.stderr,
      `${
        printable(`⚠ Written this run, and gone from the folder since (moved or removed): ${gone.join(", ")}`)
      }\n`,
    );
  }
  // A transcript in which no word was heard is written, empty, and said: before, a silent recording (or the wrong
  // file) gave empty transcripts with nothing to tell them from a run that heard words.
  // What a step's value warns of (an input ffmpeg could not wholly decode), each sentence once however many steps
  // said it (every variant of one damaged input), with the first of them.
  const warned = new Map<string, string[]>();
  for (const [step, artifact] of run.artifacts) {
    const value = artifact.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
    if (kindOf(step) === "transcribe-merge" && value.words === 0) {
      writeTextSync(Deno.stderr, `⚠ ${step}: no words were heard (is the recording silent?)\n`);
    }
    // A custom step's: one string is one warning, and what is not a string is said as JSON (fi5: dropped unsaid).
    const warnings = Array.isArray(value.warnings)
      ? value.warnings
      : value.warnings === undefined || value.warnings === null
      ? []
      : [value.warnings];
    for (const warning of warnings) {
      // Nothing to say (rv7: `false` or `null` printed as such).
      if (warning === null || warning === false || warning === "") continue;
      const text = typeof warning === "string" ? warning : JSON.stringify(warning);
      warned.set(text, [...warned.get(text) ?? [], step]);
    }
  }
  for (const [warning, steps] of warned) {
    const others = steps.length > 1 ? ` (and ${plural(steps.length - 1, "other step")})` : "";
    writeTextSync(Deno.stderr, `${printable(`⚠ ${steps[0]}${others}: ${warning}`)}\n`);
  }
  // The run report: a timeline per worker, provider concurrency, 429s and retries, and this summary.
  const providers: Record<string, string> = {};
  for (const step of context.plan.steps) if (step.provider !== null) providers[step.id] = step.provider;
  const report = `${context.outDir}/${REPORT_FILE}`;
  const html = renderHtmlReport(events, {
    title: context.plan.files.join(", "),
    providers,
    summary: { outputs, ...resources },
    resources: context.resources,
  });
  try {
    await writeHtmlReport(report, html);
    writeTextSync(Deno.stderr, `Report: ${report}\n`);
  } catch (error) {
    // The videos are written; a report that cannot be written (a full disk, say) is told as a warning, as the
    // run's other warnings are: the run succeeded (✖ marks what failed, and the exit code says it did not). Only
    // the write is caught (it does nothing but write and rename): a mistake in making the page is thrown.
    if (!(error instanceof Error)) throw error;
    // Without the call's temporary name (fi15: "…(os error 1): writefile 'out/.report.html.<pid>-….tmp'").
    // In reel's words where a path's trouble is one (fi22: "Is a directory (os error 21)" for a folder there).
    // An output folder moved or removed while the run went on (rv43: "not found" read as the report's own).
    const why = error instanceof Deno.errors.NotFound
      ? "its folder is gone (moved or removed)"
      : pathTrouble(error, report) ?? systemReason(error);
    writeTextSync(Deno.stderr, `⚠ Cannot write the report ${report}: ${why}\n`);
  }
}
