/**
 * `plan` and `estimate`: what a render would do and cost, calling nothing.
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { describePlan, planJson } from "../../lib/plan/describe_plan.ts";
import { estimatePlan, formatEstimates } from "../../lib/plan/estimate_plan.ts";
import type { ResolvedLimits } from "../../lib/plan/limits.ts";
import { planStatus } from "../../lib/plan/plan_status.ts";
import { foreseeSpawnedWork, loadPlan, planFiles } from "../../lib/run/load_plan.ts";
import { defaultCacheDir, noStoreAt, refuseUnusableFolder } from "../../lib/run/render_workflows.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";
import { statOrNull } from "../../lib/core/exists.ts";
import { addLimitOptions, folderName, limitOptions } from "./options.ts";

/** Prints a plan as text or JSON, with what the store already holds (a dry run: nothing runs or is marked). */
export async function printPlan(
  files: string[],
  options: {
    limits: Partial<ResolvedLimits>;
    only?: string[];
    format?: string[];
    encoder?: string;
    cache?: string;
    json: boolean;
  },
): Promise<void> {
  const plan = await planFiles(files, {
    limits: options.limits,
    only: options.only,
    formats: options.format,
    encoder: options.encoder,
    onNotice: (notice) => console.error(`reel: ${notice}`),
  });
  const status = await planStatus(plan, new ArtifactStore(storeToRead(options.cache, files[0]!)));
  console.log(options.json ? JSON.stringify(planJson(plan, status)) : describePlan(plan, status).trimEnd());
}

/** Adds `plan` and `estimate` to the program. */
export function addPlanCommands(program: Command): void {
  const plan = program.command("plan")
    .description(
      "Print the steps by kind, the DAG depth, how the limits combine, and what the store already holds",
    )
    .argument("<workflow...>", "workflow files")
    .option("--cache <dir>", "the store (default: REEL_CACHE, else .reel/ beside the workflow)", folderName)
    .option("--json", "print every step with its key and whether it is stored or will run (and be paid for)");
  addLimitOptions(plan);
  plan.action(async (files, options, command) => {
    await printPlan(files, { ...limitOptions(command), cache: options.cache, json: options.json === true });
  });
  const estimate = program.command("estimate")
    .description(
      "Print the calls per provider, the least time their rate limits allow, and the cost (calls nothing)",
    )
    .argument("<workflow...>", "workflow files")
    .option("--cache <dir>", "the store (default: REEL_CACHE, else .reel/ beside the workflow)", folderName);
  addLimitOptions(estimate);
  estimate.action(async (files, options, command) => {
    const { limits, only, format, encoder } = limitOptions(command);
    const { plan, workflows } = await loadPlan(files, {
      limits,
      only,
      formats: format,
      encoder,
      onNotice: (notice) => console.error(`reel: ${notice}`),
    });
    const store = new ArtifactStore(storeToRead(options.cache, files[0]!));
    const foreseen = await foreseeSpawnedWork(workflows);
    console.log(formatEstimates(estimatePlan(plan, await planStatus(plan, store), { foreseen })).trimEnd());
  });
}

/**
 * The store `plan` and `estimate` read (`--cache`, else the workflow's), refused when it cannot be one: a file
 * there (fi22: read as an empty store, "0 of 9 steps stored", exit 0), links that loop, a name too long. One not
 * made yet holds nothing.
 */
function storeToRead(cache: string | undefined, workflow: string): string {
  const folder = cache ?? defaultCacheDir(workflow);
  refuseUnusableFolder(folder, "cache folder");
  if (statOrNull(folder)?.isDirectory === false) {
    throw noStoreAt(folder, {
      where: cache === undefined ? folder : "--cache",
      hint: "Name the store with --cache (the folder a render keeps its steps in)",
    });
  }
  return folder;
}
