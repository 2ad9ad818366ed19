/**
 * Step-id globs, as `--force-step` takes them.
 * @module
 */

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
