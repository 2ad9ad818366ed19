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
 * `s2` where the sections have ids) would force nothing, silently. A glob may name steps added while the render
 * runs, the children of the plan's templates (`talk/split/chunk#3`, `split/part#0`): one that matches such a child
 * passes; one that names a template itself, which never runs as it is, is told its children's ids.
 *
 * @param globs The `--force-step` globs.
 * @param plan The plan's step ids, its templates (a template's id, and the steps that may spawn it: a template's
 * children are named `<spawner>/<name>#<n>`), and whether `--only` or `--format` left steps out of it.
 * @returns Warnings for globs that match no step of a plan that adds steps at run time.
 * @throws {InputError} For a glob that matches no step of a plan that adds none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkForcedGlobs } from "./step_glob.ts";
 * const plan = { steps: ["intro/s1/speech", "talk/split"], templates: [{ id: "talk/split/chunk", spawners: [] }] };
 * assert.deepEqual(checkForcedGlobs(["*\/s1/*", "talk/split/chunk#*"], plan), []);
 * assert.throws(() => checkForcedGlobs(["*\/s9/*"], { steps: ["intro/s1/speech"], templates: [] }));
 * ```
 */
export function checkForcedGlobs(
  globs: readonly string[],
  plan: { steps: readonly string[]; templates: readonly ForcedTemplate[]; narrowed?: boolean },
): string[] {
  const warnings: string[] = [];
  for (const glob of globs) {
    const pattern = globToRegExp(glob);
    if (plan.steps.some((id) => pattern.test(id))) continue;
    // A child's number as the glob writes it (`chunk#3`), or its first.
    const numbers = [...new Set(["0", ...[...glob.matchAll(/#(\d+)/g)].map((match) => match[1]!)])];
    const spawned = plan.templates.map((template) => ({ template, names: childNames(template, plan.steps) }));
    const matches = (name: string) => numbers.some((n) => pattern.test(`${name}#${n}`));
    if (spawned.some(({ names }) => names.some(matches))) continue;
    const message = `--force-step '${glob}' matches no step of the plan`;
    // fi5, rv7: a step that --only or --format leaves out is not in the plan: said so, not as if it were not there.
    const narrowed = plan.narrowed === true ? "; --only and --format leave out what they do not name" : "";
    // A glob that names a template, or its children without their number (`split/part`).
    const named = spawned.find(({ template, names }) =>
      pattern.test(template.id) || names.some((n) => pattern.test(n))
    );
    if (named !== undefined) {
      // nt5: `--force-step 'sp/kid'` was told it matched no step, and forced nothing. Its spawner is said where one
      // alone may spawn it (rv11: the first custom step was said, which may not).
      const { template, names } = named;
      const name = names.find((n) => pattern.test(n)) ?? (names.length === 1 ? names[0]! : null);
      warnings.push(
        `--force-step '${glob}' names ${template.id}, whose steps are spawned while the render runs and named ` +
          `${name ?? `<spawner>/${template.id}`}#<n>: write '${name ?? `**/${template.id}`}#*' to force them`,
      );
      continue;
    }
    if (plan.templates.length > 0) {
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

/** A template of steps spawned at run time, as {@linkcode checkForcedGlobs} names its children. */
export interface ForcedTemplate {
  /** Its id. */
  id: string;
  /**
   * The planned steps that may spawn it by its full id (`spawn("part")`: custom steps); one whose id its own
   * starts with (`talk/split` of `talk/split/chunk`) spawns it by a relative name and need not be listed.
   */
  spawners: readonly string[];
}

/** The names its children may have before their number: `<spawner>/<name>` (see `childStep`). */
function childNames(template: ForcedTemplate, steps: readonly string[]): string[] {
  const under = steps.some((id) => template.id.startsWith(`${id}/`));
  return under ? [template.id] : template.spawners.map((id) => `${id}/${template.id}`);
}
