/**
 * Step-id globs, as `--force-step` takes them.
 * @module
 */
import { InputError } from "../core/errors.ts";

/**
 * Turns a step-id glob into a regular expression: `*` matches within one part of an id, `**` across parts.
 *
 * @param glob e.g. `*\/speech` or `intro/**`.
 * @returns The expression, anchored at both ends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { globToRegExp } from "./step_glob.ts";
 * assert.ok(globToRegExp("*\/s2/speech").test("intro/s2/speech"));
 * assert.ok(!globToRegExp("*").test("intro/s2/speech"));
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^${escaped.replaceAll("**", "\u0000").replaceAll("*", "[^/]*").replaceAll("\u0000", ".*")}$`,
  );
}

/**
 * Which steps a render forces to run although the store holds them: all under `--force`, else those matching a
 * `--force-step` glob.
 *
 * @param options `force` and the `forceSteps` globs.
 * @returns A test of a step id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forcedSteps } from "./step_glob.ts";
 * const forced = forcedSteps({ forceSteps: ["*\/s1/*"] });
 * assert.ok(forced("intro/s1/speech") && !forced("intro/s2/speech"));
 * ```
 */
export function forcedSteps(
  options: { force?: boolean; forceSteps?: readonly string[] },
): (stepId: string) => boolean {
  if (options.force === true) return () => true;
  const globs = (options.forceSteps ?? []).map(globToRegExp);
  return (stepId) => globs.some((glob) => glob.test(stepId));
}

/**
 * Checks that each `--force-step` glob names a step of the plan: one that matches none (a section's id mistyped,
 * `s2` where the sections have ids) would force nothing, silently.
 *
 * @param globs The `--force-step` globs.
 * @param plan The plan's step ids, whether steps may be added at run time (children of templates: a glob may
 * name those only), and whether `--only` or `--format` left steps out of it.
 * @returns Warnings for globs that match no planned step of a plan that adds steps at run time.
 * @throws {InputError} For a glob that matches no step of a plan that adds none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkForcedGlobs } from "./step_glob.ts";
 * assert.deepEqual(checkForcedGlobs(["*\/s1/*"], { steps: ["intro/s1/speech"], addsSteps: false }), []);
 * assert.throws(() => checkForcedGlobs(["*\/s9/*"], { steps: ["intro/s1/speech"], addsSteps: false }));
 * ```
 */
export function checkForcedGlobs(
  globs: readonly string[],
  plan: { steps: readonly string[]; addsSteps: boolean; narrowed?: boolean },
): string[] {
  const warnings: string[] = [];
  for (const glob of globs) {
    const pattern = globToRegExp(glob);
    if (plan.steps.some((id) => pattern.test(id))) continue;
    const message = `--force-step '${glob}' matches no step of the plan`;
    // fi5, rv7: a step that --only or --format leaves out is not in the plan: said so, not as if it were not there.
    const narrowed = plan.narrowed === true ? "; --only and --format leave out what they do not name" : "";
    if (plan.addsSteps) {
      warnings.push(`${message} (it can still match steps added while the render runs)${narrowed}`);
      continue;
    }
    throw new InputError(`${message}${narrowed}`, {
      where: "--force-step",
      hint: `Step ids look like ${plan.steps.slice(0, 3).join(", ")} (--plan --json lists them all)`,
    });
  }
  return warnings;
}
