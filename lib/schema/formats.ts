/**
 * Output formats: the named presets and `W×H` sizes.
 * @module
 */

/** A resolved output format: a file-name-safe name and a size in pixels. */
export interface Format {
  /** Used in step ids and file names, e.g. `16x9` or `320x180`. */
  name: string;
  /** Width in pixels (even). */
  width: number;
  /** Height in pixels (even). */
  height: number;
}

/** The named presets: 16:9, 9:16 and 1:1 at full HD (a map: no name every object has, `constructor`, is one). */
export const FORMAT_PRESETS: ReadonlyMap<string, Format> = new Map([
  ["16:9", { name: "16x9", width: 1920, height: 1080 }],
  ["9:16", { name: "9x16", width: 1080, height: 1920 }],
  ["1:1", { name: "1x1", width: 1080, height: 1080 }],
]);

/**
 * Reads a format given as a preset name (`16:9`) or a size (`1280x720`, `1280×720`).
 *
 * @param text The format as the user wrote it.
 * @returns The format, or null when the text is neither a preset nor a size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFormat } from "./formats.ts";
 * assert.ok(parseFormat("9:16")?.height === 1920);
 * assert.ok(parseFormat("320x180")?.name === "320x180");
 * ```
 */
export function parseFormat(text: string): Format | null {
  const preset = FORMAT_PRESETS.get(text.trim());
  if (preset !== undefined) return preset;
  // Any digits: a size out of range (`0x0`, `00x180`, `100000x100000`) is read as one, and said so by
  // {@linkcode formatSizeProblem}.
  const match = /^\s*(\d{1,9})\s*[x×]\s*(\d{1,9})\s*$/.exec(text);
  if (match === null) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return { name: `${width}x${height}`, width, height };
}

/**
 * How a format is named to the user: its name and its size, `16x9 (1920x1080)`.
 *
 * @param format The format.
 * @returns The label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLabel, parseFormat } from "./formats.ts";
 * assert.equal(formatLabel(parseFormat("16:9")!), "16x9 (1920x1080)");
 * ```
 */
export function formatLabel(format: Format): string {
  return `${format.name} (${format.width}x${format.height})`;
}

/** The sides a format may have, in pixels: H.264 needs 16 at least (one macroblock); 8K at most. */
export const FORMAT_SIDES = { min: 16, max: 7680 } as const;

/**
 * What is wrong with a format's size for an encoder, or null: a side under 16 or over 7680 pixels, or odd (H.264's
 * 4:2:0 needs even sides).
 *
 * @param format The size.
 * @returns The problem in words, naming the size, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSizeProblem, parseFormat } from "./formats.ts";
 * assert.equal(formatSizeProblem(parseFormat("1280x720")!), null);
 * assert.equal(formatSizeProblem(parseFormat("00x180")!), "Expected 16 to 7680 pixels a side (got 0x180)");
 * assert.equal(formatSizeProblem(parseFormat("321x180")!), "Width and height must be even (got 321x180)");
 * ```
 */
export function formatSizeProblem(format: { width: number; height: number }): string | null {
  const size = `${format.width}x${format.height}`;
  const { min, max } = FORMAT_SIDES;
  const sides = [format.width, format.height];
  if (sides.some((side) => side < min || side > max)) {
    return `Expected ${min} to ${max} pixels a side (got ${size})`;
  }
  if (sides.some((side) => side % 2 !== 0)) return `Width and height must be even (got ${size})`;
  return null;
}

/**
 * What is wrong with a format written as text, or null when it is a preset or a size an encoder takes (see
 * {@linkcode formatSizeProblem}): checked with the workflow's other fields, so that an odd size is said beside
 * an `fps: 29.97`, not in a second round once that is fixed. A preset written as its outputs are named (`16x9`, not
 * a size of 9 pixels) is said which it is.
 *
 * @param text The format as written.
 * @returns The message, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTextProblem } from "./formats.ts";
 * assert.equal(formatTextProblem("1280x720"), null);
 * assert.match(formatTextProblem("16x9")!, /did you mean "16:9"/);
 * assert.equal(formatTextProblem("321x180"), "Width and height must be even (got 321x180)");
 * ```
 */
export function formatTextProblem(text: string): string | null {
  const expected = 'Expected "16:9", "9:16", "1:1" or a size like "1280x720"';
  if (FORMAT_PRESETS.has(text.trim())) return null;
  const preset = text.trim().replace(/[x×/]/, ":");
  if (FORMAT_PRESETS.has(preset)) return `${expected} (did you mean "${preset}"?)`;
  const format = parseFormat(text);
  return format === null ? expected : formatSizeProblem(format);
}
