/**
 * The checks a render makes before its first step, so that bad input costs nothing and is named precisely: a
 * hosted provider that will be called has its key, and each job passes its kind's own checks (voices, filters,
 * slide text that fits).
 * @module
 */
import { COMMAND_LINE, InputError, issueWhere, WorkflowError } from "../core/errors.ts";
import { listed } from "../core/plural.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { Plan } from "../plan/plan.ts";
import type { StepStatus } from "../plan/plan_status.ts";
import { callsHostedApi, withoutCredentials } from "../providers/http/openai_client.ts";
import { jobKinds } from "../workflow/job_kinds.ts";
import type { ResolvedWorkflow } from "../workflow/workflow_schema.ts";
import type { PreflightContext } from "../schema/job_kind.ts";

/** Options for {@linkcode preflight}. */
export interface PreflightOptions {
  /** The ffmpeg that will run (its filters are checked). */
  ffmpeg: FfmpegPaths;
  /** What the store already holds (calls it holds need no key). */
  status: ReadonlyMap<string, StepStatus>;
  /** Render slides whose text does not fit, cut with an ellipsis, instead of failing. @default false */
  allowOverflow?: boolean;
  /** Cancels the checks. */
  signal?: AbortSignal;
  /** Checks slides' fit elsewhere (on the workers); this thread checks them when absent. */
  fitSlides?: PreflightContext["fitSlides"];
  /**
   * Whether a step runs although the store holds it (`--force`, `--force-step`): its input is checked as a new
   * step's, and its provider needs its key. @default none
   */
  forced?: (stepId: string) => boolean;
  /**
   * Whether the providers that will be called must have their keys; false where none is (`tune`'s sample holds no
   * provider call: nt, it was refused for a missing key). @default true
   */
  apiKeys?: boolean;
}

/**
 * Runs every check; the first that fails throws.
 *
 * @param plan The plan.
 * @param workflows The workflows it came from.
 * @param options ffmpeg, what the store holds, whether overflow is allowed, the signal.
 * @returns Warnings that do not stop the render (characters no font has, text cut under `allowOverflow`).
 * @throws {InputError} On a missing key, an unknown voice, or slide text that does not fit (a
 * {@linkcode WorkflowError} naming each section).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "../media/ffmpeg.ts";
 * import { planStatus } from "../plan/plan_status.ts";
 * import { ArtifactStore } from "../store/artifact_store.ts";
 * import { loadPlan } from "./load_plan.ts";
 * import { preflight } from "./preflight.ts";
 * const { plan, workflows } = await loadPlan(["workflows/lesson.ts"]);
 * const root = await Deno.makeTempDir();
 * const status = await planStatus(plan, new ArtifactStore(root));
 * await Deno.remove(root, { recursive: true });
 * assert.deepEqual(await preflight(plan, workflows, { status, ffmpeg: await findFfmpeg() }), []);
 * ```
 */
export async function preflight(
  plan: Plan,
  workflows: readonly ResolvedWorkflow[],
  options: PreflightOptions,
): Promise<string[]> {
  const { ffmpeg, status, allowOverflow = false, signal, fitSlides, forced = () => false, apiKeys = true } =
    options;
  const stored = (id: string) => {
    const step = status.get(id);
    return step?.status === "stored" && !forced(id) ? step.value : undefined;
  };
  if (apiKeys) checkApiKeys(plan, workflows, status, forced);
  const warnings: string[] = [];
  for (const workflow of workflows) {
    for (const [name, kind] of jobKinds()) {
      const job = workflow.jobs[name];
      if (job === null) continue;
      const found = await kind.preflight(job, {
        ffmpeg,
        allowOverflow,
        signal,
        file: workflow.file,
        stored,
        plan,
        fitSlides,
      }).catch((error: unknown) => {
        // The mistakes are named at their lines and columns, as the file's load names them (nt4).
        const { placeIssue } = workflow;
        if (!(error instanceof WorkflowError) || placeIssue === undefined) throw error;
        throw error.withIssues(placeIssue);
      });
      warnings.push(...found);
    }
  }
  return warnings;
}

/**
 * Fails when a provider that steps will call (they, or the steps that spawn them, are not in the store) needs a key
 * and its key variable is not set: one that answers at the hosted API, or one whose workflow names its `keyEnv`
 * (a compatible server that wants a key: before, each call failed at run time, exit 1) unless its base URL holds
 * `user:password@`, which is sent when no key is.
 *
 * @param plan The plan.
 * @param workflows The workflows (for the file to name).
 * @param status What the store holds.
 * @param forced Whether a step runs although the store holds it (`--force`, `--force-step`).
 * @throws {InputError} Naming the provider and the variable.
 */
export function checkApiKeys(
  plan: Plan,
  workflows: readonly ResolvedWorkflow[],
  status: ReadonlyMap<string, StepStatus>,
  forced: (stepId: string) => boolean = () => false,
): void {
  const runs = (id: string) => status.get(id)?.status !== "stored" || forced(id);
  // Only the workflows' (HTTP) providers are looked up below; local engines' ids hold a "/" no such name has.
  const calling = new Set(plan.steps.filter((step) => runs(step.id)).map((step) => step.provider));
  // Children spawned at run time call their template's provider when their spawner will run.
  for (const template of plan.templates) {
    const spawner = plan.steps.find((step) => template.id.startsWith(`${step.id}/`));
    if (spawner !== undefined && runs(spawner.id)) calling.add(template.provider);
  }
  // Every provider without its key is named at once, in every workflow (before, the first only: mended, the next
  // render stopped at the next one).
  // One that needs its key: the hosted API's, or one whose keyEnv is written and whose URL holds no user.
  const keyless = workflows.flatMap((workflow) =>
    workflow.providers.flatMap((provider) => {
      if (!calling.has(provider.name) || (Deno.env.get(provider.keyEnv) ?? "") !== "") return [];
      const hosted = callsHostedApi(provider.baseUrl);
      const baseUrl = withoutCredentials(provider.baseUrl);
      const needsKey = hosted || (provider.keyEnvFrom === "workflow" && baseUrl === provider.baseUrl);
      return needsKey
        ? [{ ...provider, hosted, baseUrl, file: workflow.file, placeIssue: workflow.placeIssue }]
        : [];
    })
  );
  if (keyless.length === 0) return;
  // `reel transcribe`'s provider is its options (rv11: "providers.openai.keyEnv (the command line)").
  const keyField = (file: string) => file === COMMAND_LINE ? "--key-env" : "keyEnv";
  // Those that call one API with one key are said together.
  const groups = Map.groupBy(keyless, (provider) => `${provider.baseUrl} ${provider.keyEnv}`);
  const said = [...groups.values()].map((group) => {
    const [{ baseUrl, keyEnv, hosted, file }] = group as [typeof group[number]];
    const names = [...new Set(group.map((provider) => `"${provider.name}"`))];
    const who = names.length === 1 ? `Provider ${names[0]} calls` : `Providers ${listed(names)} call`;
    return hosted
      ? `${who} the hosted API (${baseUrl}) and ${keyEnv} is not set.`
      : `${who} ${baseUrl} with the key in ${keyEnv} (its ${keyField(file)}) and ${keyEnv} is not set.`;
  });
  const keys = [...new Set(keyless.map((provider) => provider.keyEnv))];
  const hosted = keyless.filter((provider) => provider.hosted);
  const urls = [...new Set(hosted.map((provider) => provider.baseUrlEnv))];
  const their = hosted.every((provider) => provider.file === COMMAND_LINE)
    ? "--base-url"
    : `${hosted.length === 1 ? "the provider's" : "the providers'"} baseUrl`;
  const written = keyless.find((provider) => !provider.hosted);
  const hints = [
    `Set ${listed(keys)} to your API ${keys.length === 1 ? "key" : "keys"}`,
    ...hosted.length === 0 ? [] : [
      `point ${listed(urls)} (or ${their}) at a compatible server, e.g. \`deno task fake-api\``,
    ],
    ...written === undefined ? [] : [`leave out the ${keyField(written.file)} of a server that needs no key`],
  ];
  const field = (provider: typeof keyless[number]) => {
    if (provider.file === COMMAND_LINE) return provider.hosted ? "--engine" : "--key-env";
    const path = `providers.${provider.name}${provider.hosted ? "" : ".keyEnv"}`;
    // At its line and column in a file (fi23: the field alone, where every other mistake has its place).
    const placed = provider.placeIssue?.({ path, message: "" });
    return placed === undefined ? path : issueWhere(placed);
  };
  throw new InputError(said.join(" ").slice(0, -1), {
    // Each at its field, in its file's words: `providers.images, providers.voices (lesson.ts)`; fields at their
    // places apart by semicolons (rv44: `providers.images, line 3, column 11, providers.voices, …` read as one).
    where: [...Map.groupBy(keyless, (provider) => provider.file)].map(([file, providers]) => {
      const fields = [...new Set(providers.map(field))];
      return `${fields.join(fields.some((each) => each.includes(", line ")) ? "; " : ", ")} (${file})`;
    }).join("; "),
    hint: listed(hints, "or"),
  });
}
