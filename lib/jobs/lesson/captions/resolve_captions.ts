/**
 * Resolving a lesson's `captions`: every default applied, and the rules checked against each other.
 * @module
 */
import type { WorkflowIssue } from "../../../core/errors.ts";
import { DEFAULT_CAPTION_RULES } from "../../../media/caption_rules.ts";
import { DEFAULT_CAPTION_STYLE } from "../../../media/caption_placement.ts";
import type { CaptionsInput, ResolvedCaptions } from "./captions_schema.ts";

/**
 * Resolves the `captions` field: captions are not burned unless `burn` is true; the style defaults to white text
 * 5% of the frame high with a black outline; the rules to 42 characters a line, 2 lines, 1–7 s, 20 characters a
 * second.
 *
 * @param input The parsed field, or undefined when the workflow has none.
 * @param issues Where problems go (the shortest cue longer than the longest).
 * @returns The captions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveCaptions } from "./resolve_captions.ts";
 * const captions = resolveCaptions({ style: { box: true } }, []);
 * assert.deepEqual([captions.burn, captions.style.box, captions.rules.maxLineLength], [false, true, 42]);
 * const issues: { path: string; message: string }[] = [];
 * resolveCaptions({ rules: { minDuration: 3, maxDuration: 2 } }, issues);
 * assert.equal(issues[0]?.path, "captions.rules.minDuration");
 * ```
 */
export function resolveCaptions(input: CaptionsInput | undefined, issues: WorkflowIssue[]): ResolvedCaptions {
  const rules = { ...DEFAULT_CAPTION_RULES, ...input?.rules };
  if (rules.minDuration > rules.maxDuration) {
    issues.push({
      path: "captions.rules.minDuration",
      message:
        `The shortest cue (${rules.minDuration} s) is longer than the longest (${rules.maxDuration} s)`,
    });
  }
  return {
    burn: input?.burn ?? false,
    style: { ...DEFAULT_CAPTION_STYLE, ...input?.style },
    rules,
  };
}
