/**
 * The stem a variants input's outputs are named by (`<stem>.<recipe>….mp4`), taken from the input's file name and
 * kept short enough that every output's name fits in a file name.
 * @module
 */
import { plainLatin } from "../../core/latin_letters.ts";
import { ID_MAX_LENGTH } from "../../schema/fields.ts";
import { shortDigest, withinLength } from "../../core/within_length.ts";

/**
 * The longest stem: as long as an id. With a recipe's name (at most as long again), a variant's number, a
 * rendition, an extension and the 22 bytes of a temporary name, an output's name stays under 255 bytes.
 */
export const STEM_MAX_LENGTH = ID_MAX_LENGTH;

/**
 * The stem an input's outputs are named by: its file name without folder or extension, accents dropped (`é` → `e`),
 * each run of characters other than ASCII letters, digits, `.`, `_` and `-` made one `-`; `input-` and 8 hex digits
 * of the name's SHA-256 when no Latin letter or digit is left. A stem longer than {@linkcode STEM_MAX_LENGTH} characters
 * keeps its first 91 and ends with `-` and 8 hex digits of its SHA-256, so two long names that start alike still
 * name different files.
 *
 * @param name The input's name (`clips/talk.mp4`).
 * @returns The stem (`talk`), at most {@linkcode STEM_MAX_LENGTH} characters of ASCII.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputStem } from "./output_stem.ts";
 * assert.equal(outputStem("clips/my talk.mp4"), "my-talk");
 * assert.equal(outputStem("Ünï Cödé.mp4"), "Uni-Code");
 * assert.match(outputStem("日本語.mp4"), /^input-[0-9a-f]{8}$/);
 * const long = outputStem(`${"a".repeat(240)}.mp4`);
 * assert.equal(long.length, 100);
 * assert.match(long, /^a{91}-[0-9a-f]{8}$/);
 * ```
 */
export function outputStem(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const written = base.replace(/\.[^.]+$/, "");
  const safe = plainLatin(written).replace(/[^A-Za-z0-9._-]+/g, "-");
  // A name of letters none of which is Latin (`日本語.mp4`, `講義 2.mp4`): named apart by its digest (before, `-`
  // and `-2`); a name of digits alone (`2024.mp4`) is its digits.
  const stem = /[A-Za-z]/.test(safe) || (!/\p{L}/u.test(written) && /[0-9]/.test(safe))
    ? safe
    : `input${written === "" ? "" : `-${shortDigest(written)}`}`;
  return withinLength(stem, STEM_MAX_LENGTH);
}
