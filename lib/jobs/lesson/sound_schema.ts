/**
 * The sound fields of a lesson: `loudness` (where every output's loudness lands) and `music` (a file looped under
 * the narration, faded in and out and ducked while the voice speaks, at lesson level and per video); their resolved
 * forms and defaults.
 * @module
 */
import { z } from "zod";
import { nonBlank } from "../../schema/fields.ts";

/** What a lesson sounds like when it says nothing: -16 LUFS (online video), peaks under -1.5 dBTP, no music. */
export const SOUND_DEFAULTS = {
  loudness: { target: -16, truePeak: -1.5 },
  music: { volume: 0.2, fadeIn: 1, fadeOut: 2, duck: 15 },
} as const;

/**
 * `loudness: { target, truePeak }` (LUFS and dBTP; -16 and -1.5 by default; the target at least 10 LU under the
 * true peak), or `false` to leave the narration's level as the voices made it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loudnessSchema } from "./sound_schema.ts";
 * assert.ok(loudnessSchema.safeParse({ target: -23 }).success);
 * assert.equal(loudnessSchema.safeParse({ target: 3 }).error?.issues[0]?.message, "Expected a loudness from -50 to -5 LUFS");
 * assert.match(loudnessSchema.safeParse({ target: -10 }).error?.issues[0]?.message ?? "", /at most -11.5 LUFS/);
 * ```
 */
export const loudnessSchema = z.union([
  z.literal(false, "Expected false or { target, truePeak }"),
  z.strictObject({
    target: z.number().min(-50, "Expected a loudness from -50 to -5 LUFS").max(
      -5,
      "Expected a loudness from -50 to -5 LUFS",
    ).optional(),
    truePeak: z.number().min(-9, "Expected a true peak from -9 to 0 dBTP").max(
      0,
      "Expected a true peak from -9 to 0 dBTP",
    ).optional(),
  }).superRefine((value, context) => {
    // Speech's peaks stand 10 dB or more above its loudness: a louder target is not reached under the ceiling
    // (-5 LUFS under -1.5 dBTP landed at -12), and the narration came out quieter than asked without a word.
    const truePeak = value.truePeak ?? SOUND_DEFAULTS.loudness.truePeak;
    const target = value.target ?? SOUND_DEFAULTS.loudness.target;
    if (target <= truePeak - PEAK_TO_LOUDNESS) return;
    // Named at the field the workflow gave: the target, or the ceiling under the default target.
    const why = `speech's peaks stand ${PEAK_TO_LOUDNESS} dB or more above its loudness`;
    const most = truePeak - PEAK_TO_LOUDNESS;
    const least = target + PEAK_TO_LOUDNESS;
    const [path, message] = value.target !== undefined
      ? ["target", `Expected a target of at most ${most} LUFS under a true peak of ${truePeak} dBTP`]
      : ["truePeak", `Expected a true peak of at least ${least} dBTP for the target of ${target} LUFS`];
    context.addIssue({ code: "custom", path: [path], message: `${message}: ${why}` });
  }),
]);

/** The least a narration's true peak stands above its integrated loudness, in dB (LU). */
const PEAK_TO_LOUDNESS = 10;

const fade = z.number().min(0, "Expected 0 to 30 seconds").max(30, "Expected 0 to 30 seconds");

/**
 * `music: { file, volume, fadeIn, fadeOut, duck }` (or just the file's name): an audio file (relative to the workflow
 * file) looped for the whole video; its gain (linear, 0.2 by default); seconds of fade in (1) and out (2); how many dB it dips while the
 * voice speaks (15; 0 for none). A video's `music` is laid over the lesson's field by field; `false` turns it off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { musicSchema } from "./sound_schema.ts";
 * assert.ok(musicSchema.safeParse({ file: "music.mp3", volume: 0.3, duck: 12 }).success);
 * assert.equal(musicSchema.safeParse({ file: "m.mp3", volume: 0 }).error?.issues[0]?.message, "Expected a volume above 0, at most 4");
 * ```
 */
export const musicSchema = z.union([
  z.literal(false, "Expected false, a file name or { file, volume, fadeIn, fadeOut, duck }"),
  nonBlank("Music file"),
  z.strictObject({
    file: nonBlank("Music file").optional(),
    volume: z.number().gt(0, "Expected a volume above 0, at most 4").max(
      4,
      "Expected a volume above 0, at most 4",
    )
      .optional(),
    fadeIn: fade.optional(),
    fadeOut: fade.optional(),
    duck: z.number().min(0, "Expected 0 to 40 dB").max(40, "Expected 0 to 40 dB").optional(),
  }),
]);

/** The `loudness` field as parsed. */
export type LoudnessInput = z.output<typeof loudnessSchema>;
/** The `music` field as parsed. */
export type MusicInput = z.output<typeof musicSchema>;

/** Where every output's loudness lands, or null to keep the voices' own level. */
export type ResolvedLoudness = { target: number; truePeak: number } | null;

/** A video's background music, with every field resolved. */
export interface ResolvedMusic {
  /** The audio file. */
  path: string;
  /** The SHA-256 of its bytes. */
  sha256: string;
  /** Where the workflow names the file (`music.file`, `videos[1].music.file`), for messages; not part of keys. */
  field: string;
  /** Its gain, linear. */
  volume: number;
  /** Seconds of fade in at the start of the video. */
  fadeIn: number;
  /** Seconds of fade out at its end. */
  fadeOut: number;
  /** dB it dips while the voice speaks (0: it does not). */
  duck: number;
}

/**
 * Resolves `loudness`.
 *
 * @param input The field as parsed.
 * @returns The target, or null when it is `false`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLoudness } from "./sound_schema.ts";
 * assert.deepEqual(resolveLoudness(undefined), { target: -16, truePeak: -1.5 });
 * assert.deepEqual(resolveLoudness({ target: -23 }), { target: -23, truePeak: -1.5 });
 * assert.equal(resolveLoudness(false), null);
 * ```
 */
export function resolveLoudness(input: LoudnessInput | undefined): ResolvedLoudness {
  if (input === false) return null;
  return {
    target: input?.target ?? SOUND_DEFAULTS.loudness.target,
    truePeak: input?.truePeak ?? SOUND_DEFAULTS.loudness.truePeak,
  };
}
