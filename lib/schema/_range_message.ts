/**
 * A value out of its field's range said with the field's whole range, as reel's own messages say it (`Expected 24
 * to 60 frames per second`), where zod would say one bound in its notation (`Too big: expected number to be <=450`).
 * @module
 */
import { z } from "zod";
import { plural } from "../core/plural.ts";

type SizeIssue = z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall;

/** The checks that bound a number, a text's length and a list's length, by the side of the issue. */
const CHECKS = {
  too_big: ["less_than", "max_length", "length_equals"],
  too_small: ["greater_than", "min_length", "length_equals"],
} as const;

/**
 * Says a number, a text or a list out of its range: `Expected a whole number from 0 to 20, got 50`,
 * `Expected a number above 0, got 0`, `Expected at most 200 characters, got 250`, `Expected 1 to 8 items, got 0`.
 *
 * @param issue A zod `too_big` or `too_small` issue, made with `reportInput: true` so that the value can be named.
 * @param candidates The schemas the value at the issue's path may match (wrappers opened).
 * @returns The message, or null where the schema gives that bound its own message (kept as it is), or where no
 * number, string or array schema of the issue's kind is at the place.
 */
export function rangeMessage(issue: SizeIssue, candidates: readonly z.ZodType[]): string | null {
  const schema = candidates.find((candidate) =>
    issue.origin === "number"
      ? candidate instanceof z.ZodNumber
      : issue.origin === "string"
      ? candidate instanceof z.ZodString
      : issue.origin === "array" && candidate instanceof z.ZodArray
  );
  if (schema === undefined) return null;
  const kinds: readonly string[] = CHECKS[issue.code];
  const custom = (schema.def.checks ?? []).some((check) =>
    kinds.includes(check._zod.def.check) && check._zod.def.error !== undefined
  );
  if (custom) return null;
  const bag = schema._zod.bag as Record<string, unknown>;
  const [min, above, max, below] = [bag.minimum, bag.exclusiveMinimum, bag.maximum, bag.exclusiveMaximum]
    .map(bound) as [number | null, number | null, number | null, number | null];
  if (issue.origin === "number") {
    const noun = bag.format === "safeint" ? "a whole number" : "a number";
    return `Expected ${noun}${span({ min, above, max, below })}, got ${String(issue.input)}`;
  }
  const [unit, length] = typeof issue.input === "string"
    ? ["character", issue.input.length]
    : ["item", Array.isArray(issue.input) ? issue.input.length : null];
  const exact = min !== null && min === max;
  const size = min !== null && max !== null && !exact
    ? `${min} to ${plural(max, unit)}`
    : issue.code === "too_big"
    ? `${exact ? "" : "at most "}${plural(Number(issue.maximum), unit)}`
    : `${exact ? "" : "at least "}${plural(Number(issue.minimum), unit)}`;
  return `Expected ${size}${length === null ? "" : `, got ${length}`}`;
}

/** A bound of the bag, none where it is the safe integers' edge that `int()` sets. */
function bound(value: unknown): number | null {
  if (typeof value !== "number" && typeof value !== "bigint") return null;
  return Math.abs(Number(value)) >= Number.MAX_SAFE_INTEGER ? null : Number(value);
}

/** A number's range in words: ` from 0 to 20`, ` of at least 1`, ` above 0, at most 4`, ` of at most 10`. */
function span(
  bounds: { min: number | null; above: number | null; max: number | null; below: number | null },
): string {
  const { min, above, max, below } = bounds;
  if (min !== null && max !== null) return ` from ${min} to ${max}`;
  const low = min !== null ? `of at least ${min}` : above !== null ? `above ${above}` : null;
  const high = max !== null ? `at most ${max}` : below !== null ? `under ${below}` : null;
  if (low === null) return high === null ? "" : ` ${high.replace(/^at/, "of at")}`;
  return high === null ? ` ${low}` : ` ${low}, ${high}`;
}
