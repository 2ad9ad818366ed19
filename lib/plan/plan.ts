/**
 * A plan: the steps every job expanded into, checked (unique ids, known inputs, no cycle), put in topological
 * order and keyed, with the limits and providers the run needs.
 * @module
 */
import { closestName } from "../core/closest_name.ts";
import { WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import type { ResolvedLimits } from "./limits.ts";
import type { Draft, PlanStep } from "./plan_step.ts";
import type { ResolvedProvider } from "./provider_settings.ts";
import { stepKey } from "./step_key.ts";
import type { Toolchain } from "./toolchain.ts";
import { CycleError, topologicalOrder } from "./topological_order.ts";

/** A planned run: steps in topological order and what bounds and describes them. */
export interface Plan {
  /** Steps in topological order; ties follow the workflow. */
  steps: PlanStep[];
  /** Steps that run only as children spawned at run time (custom steps marked `child`, a job kind's chunks). */
  templates: PlanStep[];
  /** The limits of the run. */
  limits: ResolvedLimits;
  /** The local engines' versions the keys hold. */
  toolchain: Toolchain;
  /** Every HTTP provider of the workflows, once by name. */
  providers: ResolvedProvider[];
  /** The workflow files, as the user named them. */
  files: string[];
  /** What the jobs hold, a line each (`1 video, 4 sections, formats: …`), for `plan`. */
  summary: string[];
}

/** What {@linkcode assemblePlan} puts together. */
export interface PlanParts {
  /** Every job's steps, in workflow order. */
  steps: Draft[];
  /** Every job's templates. */
  templates: Draft[];
  /** The limits. */
  limits: ResolvedLimits;
  /** The toolchain. */
  toolchain: Toolchain;
  /** The providers. */
  providers: ResolvedProvider[];
  /** The workflow files. */
  files: string[];
  /** What the jobs hold. */
  summary: string[];
}

/**
 * Checks the steps, orders them and keys them.
 *
 * @param parts Steps, templates and what the run needs.
 * @returns The plan.
 * @throws {WorkflowError} When a step id is used twice, an input names no step or a child template (with its
 * path), or steps form a cycle (the message names it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assemblePlan } from "./plan.ts";
 * const limits = { videos: 1, sections: 1, api: 1, global: 1, custom: 1, workers: 1, cpu: 1, minFreeMemory: 0 };
 * const toolchain = { ffmpeg: "f", espeak: null, slides: "s", encoders: null };
 * const plan = assemblePlan({ steps: [], templates: [], limits, toolchain, providers: [], files: [], summary: [] });
 * assert.deepEqual(plan.steps, []);
 * ```
 */
export function assemblePlan(parts: PlanParts): Plan {
  return {
    ...parts,
    steps: withKeys(orderSteps(parts.steps, { templates: parts.templates, firstFile: parts.files[0] ?? "" })),
    templates: parts.templates.map((template) => ({ ...template, cost: template.cost ?? 1, key: "" })),
  };
}

function orderSteps(drafts: Draft[], context: { templates: Draft[]; firstFile: string }): Draft[] {
  const { templates, firstFile } = context;
  const templateIds = new Set(templates.map((template) => template.id));
  const ids = new Map<string, Draft>();
  // Every mistake of the plan's, told together (nt6: one a run).
  const issues: PlanIssue[] = [];
  for (const draft of drafts) {
    const first = ids.get(draft.id);
    if (first !== undefined) {
      // fi5: a custom step named as one reel makes for a job (`v/video@160x90`) was told "used twice" alone.
      const made = [first, draft].find((other) => other.kind !== "custom");
      const custom = [draft, first].find((other) => other.kind === "custom") ?? draft;
      const place = placeOf(custom);
      issues.push({
        file: custom.workflow,
        path: place === null ? "steps" : `${place}.id`,
        message: made === undefined
          ? `Step id "${draft.id}" is used twice`
          : `Step id "${draft.id}" is used twice: reel makes a step of that id (its kind ${made.kind}); name the ` +
            "custom step otherwise",
      });
      continue;
    }
    ids.set(draft.id, draft);
  }
  for (const draft of drafts) {
    for (const [j, dep] of draft.deps.entries()) {
      if (ids.has(dep)) continue;
      const place = placeOf(draft);
      issues.push({
        file: draft.workflow,
        path: place === null ? `${draft.id}[${j}]` : `${place}.inputs[${j}]`,
        message: templateIds.has(dep)
          ? `Step "${dep}" is a child template: it runs only when a step spawns it, so step "${draft.id}" ` +
            `cannot take it as input; take as input the step that spawns it`
          : unknownStep(dep, drafts.filter((other) => other !== draft)),
      });
    }
  }
  throwPlanIssues(issues);
  try {
    return topologicalOrder(drafts);
  } catch (error) {
    if (!(error instanceof CycleError)) throw error;
    const file = ids.get(error.cycle[0]!)?.workflow ?? firstFile;
    throw new WorkflowError(file, [{ path: "steps", message: error.message }], { cause: error });
  }
}

/** A mistake the plan finds, in the workflow file it is in. */
export interface PlanIssue extends WorkflowIssue {
  /** The workflow file. */
  file: string;
}

/**
 * Throws the mistakes a plan found: those of the first file that has any, in the order the files were named
 * (each file's are told together).
 *
 * @param issues The mistakes.
 * @param options The workflow files in the order named (`files`), and what the mistakes were found by (`cause`).
 * @throws {WorkflowError} When there is one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { throwPlanIssues } from "./plan.ts";
 * throwPlanIssues([]);
 * const issues = [{ file: "b.ts", path: "steps[0].id", message: "B" }, { file: "a.ts", path: "", message: "A" }];
 * assert.throws(() => throwPlanIssues(issues, { files: ["a.ts", "b.ts"] }), /Invalid workflow a\.ts: A/);
 * ```
 */
export function throwPlanIssues(
  issues: readonly PlanIssue[],
  options: { files?: readonly string[]; cause?: unknown } = {},
): void {
  const order = (file: string) => {
    const at = options.files?.indexOf(file) ?? -1;
    return at < 0 ? Infinity : at;
  };
  const file = [...issues].sort((a, b) => order(a.file) - order(b.file))[0]?.file;
  if (file === undefined) return;
  throw new WorkflowError(
    file,
    issues.filter((issue) => issue.file === file).map(({ path, message }) => ({ path, message })),
    { cause: options.cause },
  );
}

/**
 * Where a step is written in its workflow (`steps[2]`), for a step the workflow writes (a custom step's); null for
 * a step reel makes.
 *
 * @param draft The step.
 * @returns The path, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeOf } from "./plan.ts";
 * assert.equal(placeOf({ runtime: { place: "steps[2]" } }), "steps[2]");
 * assert.equal(placeOf({ runtime: {} }), null);
 * ```
 */
export function placeOf(draft: Pick<Draft, "runtime">): string | null {
  const place = draft.runtime.place;
  return typeof place === "string" ? place : null;
}

/**
 * An input naming no step: the nearest other step's id offered when one is near (never the step's own: a cycle),
 * else what step ids look like.
 */
function unknownStep(dep: string, drafts: readonly Draft[]): string {
  const guess = closestName(dep, drafts.map((draft) => draft.id));
  if (guess !== null) return `Unknown step "${dep}" (did you mean "${guess}"?)`;
  // A workflow whose only step names a step that is not there has no ids to show (before: "look like )").
  if (drafts.length === 0) return `Unknown step "${dep}": this workflow has no other step`;
  return `Unknown step "${dep}" (step ids look like ${
    drafts.slice(0, 3).map((draft) => draft.id).join(", ")
  })`;
}

function withKeys(ordered: Draft[]): PlanStep[] {
  const keys = new Map<string, string>();
  return ordered.map((draft) => {
    const key = stepKey(draft, draft.deps.map((dep) => keys.get(dep)!));
    keys.set(draft.id, key);
    return { ...draft, cost: draft.cost ?? 1, key };
  });
}
