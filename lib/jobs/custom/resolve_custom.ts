/**
 * Resolving custom steps: the files they declare, and what keys their code (the workflow's module graph, or a
 * declared version).
 * @module
 */
import type { Json } from "../../core/json.ts";
import { sha256File, sha256Hex } from "../../core/sha256.ts";
import { pathTrouble } from "../../core/exists.ts";
import { canonicalJson } from "../../plan/step_key.ts";
import type { ResolveContext } from "../../schema/job_kind.ts";
import { readModuleGraph } from "../../schema/module_graph.ts";
import { relative } from "node:path";
import { workflowDir, workflowPath } from "../../schema/workflow_path.ts";
import type { CustomInput, ResolvedCustomStep } from "./custom_schema.ts";

/** A custom step's timeout when neither it nor the workflow sets one: 10 minutes. */
const CUSTOM_TIMEOUT_MS = 600_000;

/**
 * Resolves a workflow's custom steps: ids checked, declared files found, and what keys each one's code.
 *
 * @param input The parsed `steps` field.
 * @param context The workflow module and its timeout; problems go to `context.issues`.
 * @returns The steps, or null when the workflow has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveCustomSteps } from "./resolve_custom.ts";
 * const steps = await resolveCustomSteps(
 *   { steps: [{ id: "pinned", version: 1, run: () => 1 }] },
 *   { file: "a.ts", moduleUrl: "file:///a.ts", env: () => undefined, providers: new Map(), timeout: null, issues: [] },
 * );
 * assert.equal((steps?.[0]?.code as { version: string }).version, "1");
 * ```
 */
export async function resolveCustomSteps(
  input: CustomInput,
  context: ResolveContext,
): Promise<ResolvedCustomStep[] | null> {
  const steps = input.steps;
  if (steps === undefined) return null;
  // Each step's declared files, by their path from the workflow's folder (as the module graph counts its files: a
  // project moved, or a file written `./data.csv`, keeps its keys), with their bytes' digests: they key that step
  // alone.
  const declared = steps.map((): Record<string, string> => ({}));
  const digests = new Map<string, Promise<string>>();
  const ids = new Set<string>();
  const outputs = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (ids.has(step.id)) {
      context.issues.push({ path: `steps[${i}].id`, message: `Duplicate step id "${step.id}"` });
    }
    ids.add(step.id);
    if (step.output !== undefined && (step.child === true || outputs.has(step.output))) {
      const why = step.child === true
        ? "a child step's children would all write it"
        : "another step writes it";
      context.issues.push({ path: `steps[${i}].output`, message: `Cannot publish "${step.output}": ${why}` });
    }
    if (step.output !== undefined) outputs.add(step.output);
    for (const [j, written] of (step.files ?? []).entries()) {
      const path = workflowPath(written, context.moduleUrl);
      try {
        if ((await Deno.stat(path)).isFile) {
          if (!digests.has(path)) digests.set(path, sha256File(path));
          declared[i]![relative(workflowDir(context.moduleUrl), path)] = await digests.get(path)!;
        } else {context.issues.push({
            path: `steps[${i}].files[${j}]`,
            message: `Not a file: ${path}`,
            file: path,
          });}
      } catch (error) {
        // A path through a file, a loop of links, a name too long (fi22: Deno's words and a trace, exit 1).
        const trouble = pathTrouble(error, path);
        if (trouble === null) throw error;
        const message = error instanceof Deno.errors.NotFound
          ? `File not found: ${path}`
          : `Cannot read ${path}: ${trouble}`;
        context.issues.push({ path: `steps[${i}].files[${j}]`, message, file: path });
      }
    }
  }
  // Steps without a version are keyed by every local module the workflow imports and every step function's
  // source (which also covers a workflow given in memory, with no file to read); a step with a version by it and
  // its function. Either way, a step's own declared files key it, and no other step: a data file edited re-runs
  // the steps that read it (a versioned one too), not every step of the workflow.
  const unversioned = steps.some((step) => step.version === undefined);
  const graph = unversioned && context.issues.length === 0 ? await readModuleGraph(context.moduleUrl) : null;
  const digest = graph === null ? "" : customCodeDigest(graph.digest, steps);
  return steps.map((step, i) => ({
    id: step.id,
    inputs: step.inputs ?? [],
    // One order whatever the written one: the key does not tell `{ a, b }` from `{ b, a }`, so neither may the
    // bytes it stands for.
    params: JSON.parse(canonicalJson((step.params ?? {}) as Json)),
    cpu: step.cpu ?? true,
    retries: step.retries ?? 0,
    child: step.child ?? false,
    output: step.output ?? null,
    timeout: step.timeout ?? context.timeout ?? CUSTOM_TIMEOUT_MS,
    code: {
      ...step.version === undefined
        ? { digest }
        : { version: String(step.version), source: step.run.toString() },
      // Only where the step declares files: the keys of steps that declare none are as before.
      ...Object.keys(declared[i]!).length === 0 ? {} : { files: declared[i]! },
    },
  }));
}

/**
 * What keys the code of a workflow's steps without a version: its local module graph's digest and every step
 * function's source. A worker computes it again from the module it imported, which must be the one keyed.
 *
 * @param graphDigest The digest of the workflow's module graph (`readModuleGraph`).
 * @param steps The workflow's custom steps.
 * @returns The digest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { customCodeDigest } from "./resolve_custom.ts";
 * const a = customCodeDigest("g", [{ run: () => 1 }]);
 * assert.notEqual(a, customCodeDigest("g", [{ run: () => 2 }]));
 * ```
 */
export function customCodeDigest(
  graphDigest: string,
  steps: readonly { run: { toString(): string } }[],
): string {
  return sha256Hex(`${graphDigest}${steps.map((step) => step.run.toString()).join("\n")}`);
}
