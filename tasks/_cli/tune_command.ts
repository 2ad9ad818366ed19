/**
 * `tune`: runs a sample of a workflow's steps at 1…2×cores workers and CPU slots (after a run that warms the
 * machine, each count `--rounds` times in a rotating order), prints the throughput of each setting at its median
 * time, and saves the best as this machine's default (`--workers auto` reads it).
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import {
  readTuneSettings,
  tuneFile,
  type TuneSettings,
  writeTuneSettings,
} from "../../lib/run/tune_settings.ts";
import { TUNE_TIE, tuneWorkflows } from "../../lib/run/tune_workflow.ts";
import { dirname } from "node:path";
import { InputError } from "../../lib/core/errors.ts";
import { ensureWritableFolder } from "../../lib/run/render_workflows.ts";
import { availableMemory } from "../../lib/core/available_memory.ts";
import { WORKER_MEMORY, workersMemoryHolds } from "../../lib/run/worker_budget.ts";
import { positiveInteger, positiveIntegers } from "./options.ts";
import { plural } from "../../lib/core/plural.ts";

/**
 * Adds `tune` to the program, and makes `--workers auto` (on any command) read what it saved.
 *
 * @param program The program.
 */
export function addTuneCommand(program: Command): void {
  program.command("tune")
    .description(
      "Measure the best worker count for this machine on a sample of a workflow's steps, and save it",
    )
    .argument("<workflow...>", "workflow files")
    .option("--sample <n>", "CPU-heavy steps in the sample (with the steps they need)", positiveInteger, 8)
    .option("--counts <n,...>", "worker counts to try (default: 1 to 2 × cores)", positiveIntegers)
    .option(
      "--rounds <n>",
      "times each count is measured, after one run that warms the machine",
      positiveInteger,
      3,
    )
    .option("--encoder <name>", "video encoder, as for render")
    .option("--no-save", "print the results without saving the best")
    .action(async (files, options) => {
      const counts = options.counts;
      const holds = workersMemoryHolds(await availableMemory());
      const over = counts?.find((count) => count > holds);
      if (over !== undefined) {
        throw new InputError(
          `Cannot try ${over} workers: this machine's memory holds ${holds} (${
            WORKER_MEMORY / 2 ** 20
          } MiB each in half the available memory)`,
          { where: "--counts", hint: `Try counts up to ${holds}` },
        );
      }
      // Where the best setting goes is checked first: a run of minutes is not lost at its end.
      const path = options.save === false ? null : tuneFile();
      if (options.save !== false) {
        if (path === null) {
          throw new InputError("Cannot save the tune settings: neither XDG_CONFIG_HOME nor HOME is set", {
            hint: "Set one, or add --no-save",
          });
        }
        await ensureWritableFolder(dirname(path), "tune settings folder");
      }
      const cores = navigator.hardwareConcurrency;
      // Each run as it ends, on stderr (a run of the sample takes seconds, and they are many); the table on stdout.
      const { results, best, sample } = await tuneWorkflows(files, {
        counts,
        sample: options.sample,
        rounds: options.rounds,
        encoder: options.encoder,
        onRun: ({ count, round, wallMs }) =>
          console.error(
            `  ${round === 0 ? "warm-up, not counted" : `round ${round}/${options.rounds}`}: ${
              plural(count, "worker")
            } ${(wallMs / 1000).toFixed(2)} s`,
          ),
      });
      console.log(`tune: ${files.join(", ")}, ${cores} cores, the median of ${options.rounds} run(s) each`);
      console.log("workers  cpu  wall      steps/s");
      for (const result of results) {
        console.log(
          `${String(result.workers).padStart(7)}  ${String(result.cpu).padStart(3)}  ${
            (result.wallMs / 1000).toFixed(2).padStart(6)
          } s  ${result.stepsPerSecond.toFixed(2).padStart(7)}`,
        );
      }
      console.log(
        `best: ${best.workers} workers, ${best.cpu} CPU slots (a sample of ${sample.length} steps; of settings ` +
          `within ${TUNE_TIE * 100}% of the fastest, the nearest the cores)`,
      );
      if (path === null) return;
      await writeTuneSettings(path, {
        workers: best.workers,
        cpu: best.cpu,
        cores,
        measuredAt: new Date().toISOString(),
        workflow: files.join(", "),
        results,
      });
      console.log(`saved to ${path}: --workers auto uses it`);
    });
  // `--workers auto` on any command: the saved settings (when measured on as many cores), else the cores. The
  // transcribe command reads `auto` itself: its processes are bounded by memory and chunks too.
  program.hook("preAction", async (_program, action) => {
    const options = action.opts() as { workers?: number | "auto"; cpu?: number };
    if (options.workers !== "auto" || action.name() === "transcribe") return;
    const cores = navigator.hardwareConcurrency;
    const tuned = await tunedSetting({ otherwise: `${cores} workers, one a core` });
    action.setOptionValue("workers", tuned?.workers ?? cores);
    if (options.cpu === undefined && tuned !== null) action.setOptionValue("cpu", tuned.cpu);
  });
}

/**
 * What `reel tune` saved for this machine (measured on as many cores), for `--workers auto`; when there is none, a
 * line on stderr says so and what is used instead (nt8: the cores were taken without a word).
 *
 * @param options What `auto` means without it, in words.
 * @returns The settings, or null.
 * @throws {InputError} When the saved file is damaged.
 */
export async function tunedSetting(options: { otherwise: string }): Promise<TuneSettings | null> {
  const path = tuneFile();
  const saved = path === null ? null : await readTuneSettings(path);
  const cores = navigator.hardwareConcurrency;
  if (saved !== null && saved.cores === cores) return saved;
  console.error(
    `--workers auto: ${
      saved === null
        ? "reel tune has saved no setting"
        : `reel tune measured ${saved.cores} cores, not ${cores}`
    } (${path ?? "no XDG_CONFIG_HOME or HOME"}): ${options.otherwise}`,
  );
  return null;
}
