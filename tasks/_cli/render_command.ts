/**
 * `render`: workflow files into videos, subtitles, a summary and a report; `--plan` prints the plan instead,
 * `--watch` renders again on every save.
 * @module
 */
import { CANCELLED_BEFORE_RUN, endEarlyInterrupt } from "./early_interrupt.ts";
import { InputError, workflowErrorsOf } from "../../lib/core/errors.ts";
import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { resolve } from "node:path";
import { redisTarget } from "../../lib/cluster/redis_target.ts";
import { planFiles } from "../../lib/run/load_plan.ts";
import {
  defaultCacheDir,
  type RenderOptions,
  type RenderResult,
  renderWorkflows,
} from "../../lib/run/render_workflows.ts";
import type { TerminalFocus } from "../../lib/report/terminal_view.ts";
import { stoppingLine } from "../../lib/report/plain_view.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { createReporter, type ReporterMode } from "../_reporter.ts";
import { startedByWatch, tellWatcher, watchAndRender } from "../_watch.ts";
import {
  addLimitOptions,
  type CommandOutcome,
  EXIT,
  folderName,
  JSON_EVENTS,
  limitOptions,
  list,
  positiveInteger,
} from "./options.ts";
import { printable } from "../../lib/core/printable.ts";
import { listenForStop } from "../../lib/core/stop_signals.ts";
import { printPlan } from "./plan_commands.ts";
import { thrownAt, thrownByReel, uncaughtDescription } from "../../lib/workflow/import_failure.ts";
import { guardExit, workflowCode } from "../../lib/workflow/workflow_code.ts";

const EXAMPLES = `
Examples (with Deno installed, \`deno task\` alone does the same):
  npx -y deno@2.9.6 task render workflows/lesson.ts
  npx -y deno@2.9.6 task render workflows/lesson.ts --out build --format 16:9 --only how-rain-forms
  npx -y deno@2.9.6 task render workflows/lesson.ts --json > events.jsonl
  npx -y deno@2.9.6 task --config ~/reel/deno.json render my-talk.ts   (from your own folder)
  npx -y deno@2.9.6 task render /mnt/course/lesson.ts --cluster redis://10.0.0.5:6379   (see "Running a cluster")`;

/**
 * Adds `render` to the program.
 *
 * @param program The program.
 * @param context The raw arguments (`--watch` re-runs them) and where the exit code goes.
 */
export function addRenderCommand(
  program: Command,
  context: { args: string[]; outcome: CommandOutcome },
): void {
  const render = program.command("render")
    .description("Render workflow files into videos, subtitles and a summary")
    .argument("<workflow...>", "workflow files (.ts, .js, .json, .yaml, .yml)")
    .option("-o, --out <dir>", "output folder", folderName, "out")
    .option("--cache <dir>", "artifact store (default: REEL_CACHE or .reel/ beside the workflow)", folderName)
    .option("--force", "ignore the store: run every step")
    .option(
      "--force-step <glob>",
      "ignore the store for matching step ids, e.g. '*/s2/*' (repeatable)",
      list,
    )
    .option("--json", JSON_EVENTS)
    .option("-q, --quiet", "print only the summary, errors and what a Ctrl-C waits for")
    .option("--plan", "print the plan and exit without rendering")
    .option(
      "--allow-overflow",
      "render slides whose text does not fit, cut with an ellipsis (a warning each)",
    )
    .option(
      "--watch",
      "render again whenever the workflow file, a file it imports, a picture, music or input it names, or a file its code reads (Deno.readTextFile) is saved",
    )
    .option(
      "--cluster [url]",
      "run the steps on a cluster's workers: its Redis URL (default: REDIS_URL)",
      clusterUrl,
    )
    .option(
      "--redis-timeout <seconds>",
      "with --cluster: how long the steps wait for a Redis that went away before they fail (default: 60, at most " +
        "a day)",
      redisTimeout,
    )
    .option(
      "--store <location>",
      "the artifact store: a folder (then no --cache), or s3://bucket/prefix (AWS_* variables)",
      folderName,
    );
  addLimitOptions(render);
  render.addHelpText("after", EXAMPLES);
  render.action(async (files, options, command) => {
    const { limits, only, format, encoder } = limitOptions(command);
    // A folder --store is the store: a --cache beside it was made, empty, and never used (fi).
    if (options.cache !== undefined && options.store !== undefined && !options.store.startsWith("s3://")) {
      throw new InputError("--cache and --store both name the artifact store", {
        where: "--cache",
        hint:
          "Give one of them (--cache beside --store s3://… names the folder of the bucket's local copies)",
      });
    }
    if (options.plan === true) {
      return await printPlan(files, {
        limits,
        only,
        format,
        encoder,
        cache: options.cache,
        json: options.json === true,
      });
    }
    if (options.watch === true) {
      // What the workflow's code lets escape here, where it is loaded to be checked, is each round's render's to
      // say: the watch goes on (rv2: it ended with Deno's trace).
      const ignore = (event: ErrorEvent | PromiseRejectionEvent) => {
        if (escapedFromWorkflow(event) !== null) event.preventDefault();
      };
      globalThis.addEventListener("error", ignore);
      globalThis.addEventListener("unhandledrejection", ignore);
      // rv7: this load's code calling Deno.exit ended the watch, exit 0, unsaid; code that never returned held it,
      // deaf to Ctrl-C. Both are the rounds' to say, as above.
      const restoreExit = guardExit();
      try {
        try {
          await planFiles(files, { limits, only, formats: format, watchLoad: true });
        } catch (error) {
          // A mistake in the workflow is what a watch is for: its first round says it, and the next save renders
          // again (before: the watch ended at once, exit 2). A missing file or a bad option still ends it.
          if (workflowErrorsOf(error).length === 0) throw error;
        }
        await watch(files, context.args);
      } finally {
        restoreExit();
        globalThis.removeEventListener("error", ignore);
        globalThis.removeEventListener("unhandledrejection", ignore);
      }
      context.outcome.exitCode = EXIT.interrupted;
      return;
    }
    if (options.redisTimeout !== undefined && options.cluster === undefined) {
      throw new InputError("--redis-timeout applies to a render on a cluster only", {
        where: "--redis-timeout",
        hint: "Add --cluster <url>, or leave --redis-timeout out",
      });
    }
    const mode = options.json === true ? "json" : options.quiet === true ? "quiet" : "auto";
    context.outcome.exitCode = await renderOnce(files, mode, {
      outDir: options.out,
      cacheDir: options.cache,
      limits,
      only,
      formats: format,
      encoder,
      force: options.force === true,
      forceSteps: options.forceStep,
      allowOverflow: options.allowOverflow === true,
      store: options.store,
      cluster: options.cluster === undefined
        ? undefined
        : redisTarget(options.cluster === true ? undefined : options.cluster, "--cluster"),
      redisTimeoutMs: options.redisTimeout === undefined ? undefined : options.redisTimeout * 1000,
    });
  });
}

/** Renders once with a reporter in `mode`; Ctrl-C cancels cleanly. Returns the exit code. */
async function renderOnce(files: string[], mode: ReporterMode, options: RenderOptions): Promise<number> {
  return await runReported(
    { mode, outDir: options.outDir },
    async (hooks) => {
      // A watched render tells its watch the files its workflows read (a script in a Markdown file) too, but those
      // in the output folder or the store: the render writes them itself (each run), which would start another.
      const read = new Set<string>();
      let told = false;
      const own = [options.outDir, options.cacheDir ?? defaultCacheDir(files[0]!)].map((dir) =>
        `${resolve(dir)}/`
      );
      const onRead = (path: string) => {
        if (!own.some((dir) => path.startsWith(dir))) read.add(path);
      };
      try {
        return await renderWorkflows(files, {
          ...options,
          ...hooks,
          // This command handles Ctrl-C and SIGTERM: a workflow's code that never returns would block that.
          watchLoad: true,
          onRead: startedByWatch() ? onRead : undefined,
          onPlan: (plan) => {
            told = true;
            return tellWatcher(plan, { read });
          },
        });
      } catch (error) {
        // A workflow that failed to load or plan is watched by what its code read so far (its script has the
        // mistake) and the files its issues name (a missing or broken picture: the fix is saving it).
        const named = workflowErrorsOf(error).flatMap((workflow) =>
          workflow.issues.flatMap((issue) => issue.file ?? [])
        );
        if (!told && read.size + named.length > 0) {
          await tellWatcher({ steps: [], templates: [], files: [] }, { read, named });
        }
        throw error;
      }
    },
  );
}

/** What {@linkcode runReported} hands the render it runs. */
export interface ReportHooks {
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
  /** Feeds the reporter. */
  onEvent: (event: RunEvent) => void;
  /** Prints a warning. */
  onWarning: (warning: string) => void;
  /** Prints trouble that fails no step (a cluster's Redis away for a while). */
  onNotice: (notice: string) => void;
}

/**
 * Runs a render under a reporter in `mode` (following `focus` in the live view): the first Ctrl-C cancels cleanly;
 * the summary and the report follow.
 *
 * @param options The reporter's mode and focus, and the output folder (for the report).
 * @param render Starts the render with the hooks.
 * @returns The exit code: 0 ok, 1 a step failed, 2 the workflow's code let an error escape, 130 interrupted.
 */
export async function runReported(
  options: { mode: ReporterMode; outDir: string; focus?: TerminalFocus },
  render: (hooks: ReportHooks) => Promise<RenderResult>,
): Promise<number> {
  const { mode, outDir, focus } = options;
  const controller = new AbortController();
  // The first Ctrl-C cancels cleanly. A terminal signals the whole process group and `deno task` forwards the
  // signal too, so a repeat within a second is the same keypress; a later one forces the exit.
  let firstSignal: number | null = null;
  const onSignal = () => {
    const now = performance.now();
    if (firstSignal !== null && now - firstSignal > 1000) Deno.exit(EXIT.interrupted);
    firstSignal ??= now;
    controller.abort(new DOMException("Interrupted", "AbortError"));
  };
  // A hang-up too (fi21: it ended reel as `kill -9` does).
  const stopListening = listenForStop(onSignal);
  endEarlyInterrupt();
  // An error a workflow's code lets escape (a timer's throw, a promise it did not await) ended Deno at once, with its
  // raw trace, no summary, and the store's claims left as a kill leaves them (fi): the render stops as on Ctrl-C
  // instead, naming the file, exit 2. Any other error no code caught stays Deno's crash (reel's own bug, even in a
  // module of reel's that the workflow's import loaded first, in its context).
  let escaped: string | null = null;
  const onEscape = (event: ErrorEvent | PromiseRejectionEvent) => {
    const escape = escapedFromWorkflow(event);
    if (escape === null) return;
    event.preventDefault();
    if (escaped !== null) return;
    escaped = `${
      escape.file ?? "The workflow"
    }: its code let an error escape (a timer's throw, or a promise it did not await): ${
      uncaughtDescription(escape.error)
    }`;
    reporter.say(printable(`✖ ${escaped}`));
    controller.abort(new DOMException(escaped, "AbortError"));
  };
  // What is said before the run ends goes above the live view, which drew over it (fi21).
  const reporter = createReporter({ mode, focus });
  globalThis.addEventListener("error", onEscape);
  globalThis.addEventListener("unhandledrejection", onEscape);
  // Until the run starts (loading the workflow, which may block in its own code, and the checks), a signal ends
  // the render at once: nothing has been made yet. Once it runs, the scheduler cancels and waits for its steps.
  let running = false;
  const beforeRun = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => {
      if (!running) reject(controller.signal.reason);
    }, { once: true });
  });
  beforeRun.catch(() => {});
  // A Deno.exit the workflow's code calls once loaded is an error that escapes, as above.
  const restoreExit = guardExit();
  try {
    const { run, ffmpeg, plan } = await Promise.race([
      render({
        onWarning: (warning) => reporter.say(printable(`⚠ ${warning}`)),
        onNotice: (notice) => reporter.say(printable(`reel: ${notice}`)),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "run:started") running = true;
          // In every mode, on stderr (rv44: `-q` and `--json` waited in silence).
          if (event.type === "run:stopping") reporter.say(printable(stoppingLine(event)));
          reporter.event(event);
        },
      }),
      beforeRun,
    ]);
    await reporter.finish(run, { ffmpeg, plan, outDir });
    if (escaped !== null) return EXIT.input;
    return run.cancelled
      ? EXIT.interrupted
      : run.ok
      ? EXIT.ok
      : run.badInput.length > 0
      ? EXIT.input
      : EXIT.failed;
  } catch (error) {
    if (!controller.signal.aborted || error instanceof InputError) throw error;
    // The live view erased first: its last lines were drawn over this one (fi21).
    reporter.close();
    console.error(CANCELLED_BEFORE_RUN);
    return escaped === null ? EXIT.interrupted : EXIT.input;
  } finally {
    reporter.close();
    stopListening();
    globalThis.removeEventListener("error", onEscape);
    globalThis.removeEventListener("unhandledrejection", onEscape);
    restoreExit();
  }
}

/**
 * The error an `error` or `unhandledrejection` event carries when the workflow's own code let it escape (a timer's
 * throw, a promise it did not await), with the workflow's file; null when it is reel's. A rejection carries the
 * context its promise was made in (`workflowCode`): the workflow's, unless reel's own code threw it (an error of an
 * operation the workflow awaited nowhere names no frame of its code at times: Deno's async stack). An error event
 * carries whatever context last imported a module (rv): it is the workflow's when its stack holds a frame of the
 * workflow's code (or of its modules), or when it is no Error and the workflow's context holds.
 */
function escapedFromWorkflow(
  event: ErrorEvent | PromiseRejectionEvent,
): { file: string | undefined; error: unknown } | null {
  const file = workflowCode.getStore();
  const rejection = event instanceof PromiseRejectionEvent;
  const error = rejection ? event.reason : event.error ?? event.message;
  // A value that is no Error has no stack to tell by: in the workflow's context it is taken for the workflow's
  // (rv2: `setTimeout(() => { throw "late" })` was Deno's crash, exit 1). A guess: an error event's context may be
  // stale (above), so a package's thrown string would be blamed on the workflow; reel throws only Errors.
  const theWorkflows = rejection
    ? file !== undefined && !thrownByReel(error)
    : error instanceof Error
    ? thrownAt(error) !== null
    : file !== undefined;
  return theWorkflows ? { file, error } : null;
}

/** Renders again on every save until Ctrl-C. */
async function watch(files: string[], args: string[]): Promise<void> {
  const controller = new AbortController();
  const stopListening = listenForStop(() => controller.abort());
  endEarlyInterrupt();
  try {
    const rest = args.slice(args.indexOf("render") + 1).filter((arg) => arg !== "--watch");
    await watchAndRender(rest, files, {
      say: (line) => console.error(`reel: ${line}`),
      signal: controller.signal,
    });
  } finally {
    stopListening();
  }
}

/**
 * `--cluster`'s value: a URL (checked as Redis's later, with the others). A value that is no URL is the workflow the
 * flag took for its URL (`render --cluster lesson.ts`), which commander would then call missing.
 */
function clusterUrl(value: string): string {
  if (value.includes("://")) return value;
  throw new InvalidArgumentError(
    `Expected a Redis URL (redis://host:6379); "${value}" is not one. Give the workflow before --cluster ` +
      "(render lesson.ts --cluster), or its URL as --cluster=redis://…",
  );
}

/** The longest `--redis-timeout`: a day (a timer holds at most ~24.8 days; a longer one fired at once). */
const REDIS_TIMEOUT_MAX_S = 86_400;

/** Parses `--redis-timeout`: whole seconds, 1 to a day. */
function redisTimeout(value: string): number {
  const seconds = positiveInteger(value);
  if (seconds > REDIS_TIMEOUT_MAX_S) {
    throw new InvalidArgumentError(`Expected at most ${REDIS_TIMEOUT_MAX_S} seconds (a day)`);
  }
  return seconds;
}
