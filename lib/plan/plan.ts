/**
 * A plan: the steps every job expanded into, checked (unique ids, known inputs, no cycle), put in topological
 * order and keyed, with the limits and providers the run needs.
 * @module
 */
import { closestName } from "../core/closest_name.ts";
import { WorkflowError, WorkflowErrors, type WorkflowIssue } from "../core/errors.ts";
import { REPORT_FILE } from "../core/report_file.ts";
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
  /** What `limits.videos` counts of its jobs, each kind's word (`videos`, `montages`, `recordings`), for `plan`. */
  items: string[];
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
  /** What `limits.videos` counts of the jobs. */
  items: string[];
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
 * const parts = { steps: [], templates: [], providers: [], files: [], summary: [], items: [] };
 * const plan = assemblePlan({ ...parts, limits, toolchain });
 * assert.deepEqual(plan.steps, []);
 * ```
 */
export function assemblePlan(parts: PlanParts): Plan {
  return {
    ...parts,
    steps: withKeys(orderSteps(parts.steps, { templates: parts.templates, files: parts.files })),
    templates: parts.templates.map((template) => ({ ...template, cost: template.cost ?? 1, key: "" })),
  };
}

function orderSteps(drafts: Draft[], context: { templates: Draft[]; files: readonly string[] }): Draft[] {
  const { templates, files } = context;
  const templateIds = new Set(templates.map((template) => template.id));
  const ids = new Map<string, Draft>();
  // Every mistake of the plan's, told together (nt6: one a run).
  const clashes = outputNameIssues(drafts);
  const issues: PlanIssue[] = [...clashes];
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
        message: made === undefined ? `Step id "${draft.id}" is used twice` : reelMakes(draft.id, made),
      });
      continue;
    }
    ids.set(draft.id, draft);
  }
  // rv: a custom step under a step reel makes (`a/s1/speech/x`) was taken for a step it may spawn, and that step's
  // key for one known only once it ran; a child named as one (rv11), which the "used twice" check above, of
  // planned steps, does not see.
  const childIds = new Set(templates.map((template) => template.id));
  for (const custom of [...drafts, ...templates].filter((draft) => draft.kind === "custom")) {
    const parts = custom.id.split("/");
    const own = childIds.has(custom.id) ? parts.length : parts.length - 1;
    const above = parts.slice(0, own).map((_, i) => ids.get(parts.slice(0, i + 1).join("/")))
      .find((step) => step !== undefined && step.kind !== "custom");
    if (above === undefined) continue;
    const place = placeOf(custom);
    issues.push({
      file: custom.workflow,
      path: place === null ? "steps" : `${place}.id`,
      message: above.id === custom.id
        ? reelMakes(custom.id, above)
        : `Step id "${custom.id}" is under "${above.id}", a step reel makes (its kind ${above.kind}): name ` +
          "the custom step otherwise",
    });
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
  // A step twice or an input no step gives leaves no order to find.
  if (issues.length > clashes.length) throwPlanIssues(issues, { files });
  let ordered: Draft[];
  try {
    ordered = topologicalOrder(drafts);
  } catch (error) {
    if (!(error instanceof CycleError)) throw error;
    const first = ids.get(error.cycle[0]!);
    const file = first?.workflow ?? files[0] ?? "";
    // At the inputs of a step in it, as the custom step's list places it (fi: said at `steps`, the whole list).
    const place = first === undefined ? null : placeOf(first);
    const path = place === null ? "steps" : `${place}.inputs`;
    throwPlanIssues([...issues, { file, path, message: error.message }], { files, cause: error });
    throw error;
  }
  throwPlanIssues(issues, { files });
  return ordered;
}

/** A custom step named as a step reel makes: said so, not as "used twice" alone (fi5). */
function reelMakes(id: string, made: Draft): string {
  return `Step id "${id}" is used twice: reel makes a step of that id (its kind ${made.kind}); name the custom step ` +
    "otherwise";
}

/**
 * Every output of a run has a name of its own in the output folder: two steps of different jobs could name the same
 * file (a custom step's `t.srt` beside a transcript's, two variants jobs' `clip.web.mp4`), and the later one replaced
 * the other's, exit 0. A job refuses its own clashes, where it can name the field.
 */
function outputNameIssues(steps: readonly Draft[]): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const writers = new Map<string, Draft>();
  for (const step of steps) {
    if (step.output === null) continue;
    const place = placeOf(step);
    const path = place === null ? "" : `${place}.output`;
    if (step.output === REPORT_FILE) {
      issues.push({
        file: step.workflow,
        path,
        message:
          `Step "${step.id}" would write ${REPORT_FILE} in the output folder, where the run writes its ` +
          "report: give its output another name",
      });
      continue;
    }
    const other = writers.get(step.output);
    if (other !== undefined) {
      // Told where it can be renamed: at a custom step (rv10: at the lesson's file, which names no output).
      const at = [step, other].find((writer) => writer.kind === "custom") ?? step;
      const writerPlace = placeOf(at);
      const named = (writer: Draft) =>
        `"${writer.id}"${writer.workflow === at.workflow ? "" : ` (in ${writer.workflow})`}`;
      issues.push({
        file: at.workflow,
        path: writerPlace === null ? "" : `${writerPlace}.output`,
        message:
          `Steps ${named(other)} and ${named(step)} would both write ${step.output} in the output folder: ` +
          "rename one",
      });
      continue;
    }
    writers.set(step.output, step);
  }
  return issues;
}

/** A mistake the plan finds, in the workflow file it is in. */
interface PlanIssue extends WorkflowIssue {
  /** The workflow file. */
  file: string;
}

/**
 * Throws the mistakes a plan found, each file's told together, the files in the order they were named: every
 * file's at once, as their loads' are (rv19: only the first file's were told).
 *
 * @param issues The mistakes.
 * @param options The workflow files in the order named (`files`), and what the mistakes were found by (`cause`).
 * @throws {WorkflowError} When one file has mistakes; {@linkcode WorkflowErrors} when several have.
 */
function throwPlanIssues(
  issues: readonly PlanIssue[],
  options: { files?: readonly string[]; cause?: unknown } = {},
): void {
  const order = (file: string) => {
    const at = options.files?.indexOf(file) ?? -1;
    return at < 0 ? Infinity : at;
  };
  const files = [...new Set(issues.map((issue) => issue.file))].sort((a, b) => order(a) - order(b));
  const errors = files.map((file) =>
    new WorkflowError(
      file,
      issues.filter((issue) => issue.file === file).map(({ path, message }) => ({ path, message })),
      { cause: options.cause },
    )
  );
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new WorkflowErrors(errors);
}

/**
 * Where a step is written in its workflow (`steps[2]`), for a step the workflow writes (a custom step's); null for
 * a step reel makes.
 *
 * @param draft The step.
 * @returns The path, or null.
 */
function placeOf(draft: Pick<Draft, "runtime">): string | null {
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
