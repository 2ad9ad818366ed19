/**
 * The reel CLI: `render`, `plan` and `schema`. Run through `deno task render <workflow...>` or `deno task reel`.
 * Exit codes: 0 ok, 1 some step failed, 2 bad input, 130 interrupted.
 * @module
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { InputError, WorkflowError } from "../lib/core/errors.ts";
import { describePlan, planJson } from "../lib/plan/describe_plan.ts";
import { planStatus } from "../lib/plan/plan_status.ts";
import { estimatePlan, formatEstimates } from "../lib/plan/estimate_plan.ts";
import { formatBytes } from "../lib/report/format_units.ts";
import { defaultCacheDir, renderWorkflows } from "../lib/run/render_workflows.ts";
import { planFiles } from "../lib/run/load_plan.ts";
import { ArtifactStore } from "../lib/store/artifact_store.ts";
import { collectGarbage, KEEP_RECENT_MS, parseDuration, parseSize } from "../lib/store/collect_garbage.ts";
import type { ResolvedLimits } from "../lib/plan/limits.ts";
import { workflowJsonSchema } from "../lib/workflow/workflow_json_schema.ts";
import { createReporter } from "./_reporter.ts";
import { enterUserDirectory } from "./_user_directory.ts";
import { watchAndRender } from "./_watch.ts";

const EXIT = { ok: 0, failed: 1, input: 2, interrupted: 130 } as const;

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("Expected a whole number of at least 1");
  return n;
}

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((item) => item.trim()).filter((item) => item !== "")];
}

// deno-lint-ignore no-explicit-any
function withLimitOptions<A extends any[], O extends Record<string, unknown>>(command: Command<A, O>) {
  return command
    .addOption(new Option("--videos <n>", "videos in flight").argParser(positiveInteger))
    .addOption(new Option("--sections <n>", "sections in flight per video").argParser(positiveInteger))
    .addOption(new Option("--api <n>", "provider calls in flight per section").argParser(positiveInteger))
    .addOption(
      new Option("--global <n>", "provider calls in flight in the whole run").argParser(positiveInteger),
    )
    .addOption(
      new Option("--workers <n>", "Web Workers in the pool (default: cores)").argParser(positiveInteger),
    )
    .addOption(new Option("--cpu <n>", "CPU-heavy steps at once (default: cores)").argParser(positiveInteger))
    .addOption(
      new Option("--only <video>", "render only this video id (repeat or comma-separate)").argParser(list),
    )
    .addOption(
      new Option(
        "--format <name>",
        "render only this one of the workflow's formats, e.g. 16:9 (repeat or comma-separate)",
      )
        .argParser(list),
    );
}

function limitsFrom(options: Partial<Record<keyof ResolvedLimits, number>>): Partial<ResolvedLimits> {
  const { videos, sections, api, global, workers, cpu } = options;
  return { videos, sections, api, global, workers, cpu };
}

function printError(error: InputError): void {
  const lines = error instanceof WorkflowError
    ? error.issues.map((issue) =>
      `✖ ${issue.message}\n  → at ${issue.path === "" ? "the file" : issue.path} (${error.file})`
    )
    : [`✖ ${error.message}`];
  if (error.hint !== null) lines.push(`  ${error.hint}`);
  console.error(lines.join("\n"));
}

/** Prints a plan as text or JSON, with what the store already holds (a dry run: nothing runs or is marked). */
async function printPlan(
  files: string[],
  options: {
    limits: Partial<ResolvedLimits>;
    only?: string[];
    format?: string[];
    cache?: string;
    json: boolean;
  },
): Promise<void> {
  const plan = await planFiles(files, {
    limits: options.limits,
    only: options.only,
    formats: options.format,
  });
  const status = await planStatus(plan, new ArtifactStore(options.cache ?? defaultCacheDir(files[0]!)));
  console.log(options.json ? JSON.stringify(planJson(plan, status)) : describePlan(plan, status).trimEnd());
}

async function main(args: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("reel")
    .description("Render narrated slide videos from declarative workflow files.")
    .exitOverride()
    .configureOutput({ writeErr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)) });

  const render = withLimitOptions(
    program.command("render")
      .description("Render workflow files into videos, subtitles and a summary")
      .argument("<workflow...>", "workflow files (TypeScript)")
      .option("-o, --out <dir>", "output folder", "out")
      .option("--cache <dir>", "artifact store (default: REEL_CACHE or .reel/ beside the workflow)")
      .option("--force", "ignore the cache: run every step")
      .option(
        "--force-step <glob>",
        "ignore the cache for matching step ids, e.g. '*/s2/*' (repeatable)",
        list,
      )
      .option("--json", "print one JSON event per line")
      .option("-q, --quiet", "print only the summary and errors")
      .option("--plan", "print the plan and exit without rendering")
      .option(
        "--allow-overflow",
        "render slides whose text does not fit, cut with an ellipsis (a warning each)",
      )
      .option("--watch", "render again whenever the workflow file or a file it imports is saved"),
  );
  render.addHelpText(
    "after",
    `
Examples (with Deno installed, \`deno task\` alone does the same):
  npx -y deno@2.9.6 task render workflows/lesson.ts
  npx -y deno@2.9.6 task render workflows/lesson.ts --out build --format 16:9 --only how-rain-forms
  npx -y deno@2.9.6 task render workflows/lesson.ts --json > events.jsonl
  npx -y deno@2.9.6 task --config ~/reel/deno.json render my-talk.ts   (from your own folder)`,
  );
  render.action(async (files, options) => {
    const limits = limitsFrom(options);
    if (options.plan === true) {
      await printPlan(files, { ...options, limits, json: options.json === true });
      return;
    }
    if (options.watch === true) {
      await planFiles(files, { limits, only: options.only, formats: options.format });
      const controller = new AbortController();
      const stop = () => controller.abort();
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      try {
        await watchAndRender(
          args.slice(args.indexOf("render") + 1).filter((arg) => arg !== "--watch"),
          files,
          {
            say: (line) => console.error(`reel: ${line}`),
            signal: controller.signal,
          },
        );
      } finally {
        Deno.removeSignalListener("SIGINT", stop);
        Deno.removeSignalListener("SIGTERM", stop);
      }
      exitCode = EXIT.interrupted;
      return;
    }
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
    Deno.addSignalListener("SIGINT", onSignal);
    Deno.addSignalListener("SIGTERM", onSignal);
    const reporter = createReporter({
      mode: options.json === true ? "json" : options.quiet === true ? "quiet" : "auto",
    });
    try {
      const { run, ffmpeg, plan } = await renderWorkflows(files, {
        outDir: options.out,
        cacheDir: options.cache,
        limits,
        only: options.only,
        formats: options.format,
        force: options.force === true,
        forceSteps: options.forceStep,
        allowOverflow: options.allowOverflow === true,
        onWarning: (warning) => console.error(`⚠ ${warning}`),
        signal: controller.signal,
        onEvent: (event) => reporter.event(event),
      });
      await reporter.finish(run, { ffmpeg, plan, outDir: options.out });
      exitCode = run.cancelled ? EXIT.interrupted : run.ok ? EXIT.ok : EXIT.failed;
    } finally {
      reporter.close();
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    }
  });

  const plan = withLimitOptions(
    program.command("plan")
      .description(
        "Print the steps by kind, the DAG depth, how the limits combine, and what the store already holds",
      )
      .argument("<workflow...>", "workflow files")
      .option("--cache <dir>", "the store (default: REEL_CACHE, else .reel/ beside the workflow)")
      .option(
        "--json",
        "print every step with its key and whether it is stored or will run (and be paid for)",
      ),
  );
  plan.action(async (files, options) => {
    await printPlan(files, { ...options, limits: limitsFrom(options), json: options.json === true });
  });

  const estimate = withLimitOptions(
    program.command("estimate")
      .description(
        "Print the calls per provider, the least time their rate limits allow, and the cost (calls nothing)",
      )
      .argument("<workflow...>", "workflow files")
      .option("--cache <dir>", "the store (default: REEL_CACHE, else .reel/ beside the workflow)"),
  );
  estimate.action(async (files, options) => {
    const plan = await planFiles(files, {
      limits: limitsFrom(options),
      only: options.only,
      formats: options.format,
    });
    const store = new ArtifactStore(options.cache ?? defaultCacheDir(files[0]!));
    console.log(formatEstimates(estimatePlan(plan, await planStatus(plan, store))).trimEnd());
  });

  const cache = program.command("cache").description("Inspect and shrink the artifact store");
  cache.command("ls")
    .description("List the store's entries, least recently used first, and its total size")
    .argument("[workflow]", "a workflow file, to use the store beside it")
    .option("--cache <dir>", "the store (default: REEL_CACHE, else .reel/ beside the workflow)")
    .action(async (workflow, options) => {
      const store = new ArtifactStore(options.cache ?? defaultCacheDir(workflow ?? "./workflow.ts"));
      const entries = await store.entries();
      for (const entry of entries) {
        console.log(
          `${entry.key.slice(0, 16)}  ${
            formatBytes(entry.bytes).padStart(9)
          }  created ${entry.created}  used ${entry.lastUsed.toISOString()}`,
        );
      }
      const total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
      console.log(`${entries.length} entries, ${formatBytes(total)} in ${store.root}`);
    });
  cache.command("gc")
    .description("Remove least recently used entries until the store fits in --max-size")
    .argument("[workflow]", "a workflow file, to use the store beside it")
    .requiredOption("--max-size <size>", "e.g. 500MB, 2GiB", (text) => {
      const bytes = parseSize(text);
      if (bytes === null) throw new InvalidArgumentError("Expected a size like 500MB or 2GiB");
      return bytes;
    })
    .option(
      "--keep-recent <duration>",
      "keep entries used this recently, e.g. 10m, 1h, 0 (a render may be about to read them)",
      (text) => {
        const ms = parseDuration(text);
        if (ms === null) throw new InvalidArgumentError("Expected a duration like 10m, 90s, 1h or 0");
        return ms;
      },
      KEEP_RECENT_MS,
    )
    .option("--cache <dir>", "the store (default: REEL_CACHE, else .reel/ beside the workflow)")
    .action(async (workflow, options) => {
      const store = new ArtifactStore(options.cache ?? defaultCacheDir(workflow ?? "./workflow.ts"));
      const report = await collectGarbage(store, options.maxSize, { keepRecentMs: options.keepRecent });
      console.log(
        `removed ${report.removed} entries (${formatBytes(report.freed)}), ${formatBytes(report.kept)} left`,
      );
    });

  program.command("schema")
    .description("Print the JSON Schema of the workflow format (for editors)")
    .action(() => console.log(JSON.stringify(workflowJsonSchema(), null, 2)));

  try {
    enterUserDirectory();
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
          error.code === "commander.help"
        ? EXIT.ok
        : EXIT.input;
    }
    if (error instanceof InputError) {
      printError(error);
      return EXIT.input;
    }
    throw error;
  }
  return exitCode;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
