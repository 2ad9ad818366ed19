/**
 * `--format`: which of a lesson's formats the command line keeps.
 * @module
 */
import { InputError } from "../../core/errors.ts";
import { type Format, formatLabel, parseFormat } from "../../schema/formats.ts";

/**
 * Keeps the formats that `--format` names, in the lesson's order. Each entry is a format's name (`16x9`, `hd`), a
 * preset (`16:9`) or a size (`1920x1080`, `1920×1080`): a name or a preset selects the format of that name, else
 * (a preset or a size) the one format of that size.
 *
 * @param formats The lesson's formats.
 * @param wanted What `--format` was given, one entry a format.
 * @returns The formats kept, at least one.
 * @throws {InputError} When no entry matches a format (an entry that matches none is let be when another does: a
 * format of another workflow of the run), or one is a size that two formats have; the hint lists the formats as
 * `name (WxH)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectFormats } from "./select_formats.ts";
 * const formats = [{ name: "16x9", width: 1920, height: 1080 }, { name: "1x1", width: 1080, height: 1080 }];
 * assert.deepEqual(selectFormats(formats, ["1920x1080"]).map((format) => format.name), ["16x9"]);
 * assert.deepEqual(selectFormats(formats, ["1:1"]).map((format) => format.name), ["1x1"]);
 * ```
 */
export function selectFormats(formats: readonly Format[], wanted: readonly string[]): Format[] {
  const listed = `Formats: ${formats.map(formatLabel).join(", ")}`;
  const kept = new Set<Format>();
  for (const text of wanted) {
    const named = formatsNamed(formats, text);
    if (named.length > 1) {
      throw new InputError(
        `--format ${text} is the size of ${named.length} formats (${
          named.map((format) => format.name).join(", ")
        }): name one`,
        { hint: listed },
      );
    }
    if (named.length === 1) kept.add(named[0]!);
  }
  const selected = formats.filter((format) => kept.has(format));
  if (selected.length === 0) {
    throw new InputError(`No format matches --format ${wanted.join(",")}`, { hint: listed });
  }
  return selected;
}

/**
 * The entries of `--format` that name no format of any of the lessons (each entry must name one in some lesson of
 * the run; a lesson keeps those that name its own).
 *
 * @param lessons Each lesson's formats.
 * @param wanted What `--format` was given.
 * @returns The entries that match none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unmatchedFormats } from "./select_formats.ts";
 * const formats = [{ name: "16x9", width: 1920, height: 1080 }];
 * assert.deepEqual(unmatchedFormats([formats], ["1920x1080", "1280x720"]), ["1280x720"]);
 * ```
 */
export function unmatchedFormats(
  lessons: readonly (readonly Format[])[],
  wanted: readonly string[],
): string[] {
  return wanted.filter((text) => lessons.every((formats) => formatsNamed(formats, text).length === 0));
}

/** The formats an entry names: the one of its name, else those of its size (several: the entry is ambiguous). */
function formatsNamed(formats: readonly Format[], text: string): Format[] {
  const parsed = parseFormat(text);
  // A name as written (`hd`, and `4:3` for a format named `4x3`), else the name a preset or a size has.
  const names = [text.trim(), text.trim().replace(":", "x"), parsed?.name];
  const named = formats.find((format) => names.includes(format.name));
  if (named !== undefined) return [named];
  if (parsed === null) return [];
  return formats.filter((format) => format.width === parsed.width && format.height === parsed.height);
}
