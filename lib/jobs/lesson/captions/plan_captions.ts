/**
 * The lesson's caption steps: per section a `cues` step (its narration cut and timed by its speech), per video an
 * SRT and a VTT of every section's cues, and a VTT positioned clear of the apps' bottom band for each portrait
 * format.
 * @module
 */
import { TEXT_SEGMENTATION } from "../../../core/segmenters.ts";
import { vttCueSettings } from "../../../media/caption_placement.ts";
import { wordsLanguage } from "../../../media/caption_words.ts";
import type { Draft, StepScope } from "../../../plan/plan_step.ts";
import type { Toolchain } from "../../../plan/toolchain.ts";
import { kindFields } from "../../../steps/step_kind.ts";
import type { ResolvedLesson, ResolvedSection, ResolvedVideo, ResolvedVoice } from "../lesson_schema.ts";
import { formatStepId, videoStepId } from "../plan_pictures.ts";
import { CUE_SILENCE, cuesStep } from "../steps/cues_step.ts";
import { subtitlesStep } from "../steps/subtitles_step.ts";

/** What every step of a lesson shares before it says what it is. */
type Common = Pick<Draft, "workflow" | "runtime" | "retries" | "tokenCost" | "backoff" | "output">;

/** Default timeouts in ms; a workflow's `timeout` replaces `ms`. */
const TIMEOUTS = {
  cues: { ms: 30_000, perMediaSecond: 50 },
  subtitles: { ms: 30_000, perMediaSecond: 0 },
} as const;

/**
 * The `cues` step of a section: its narration and the caption rules in its params, its speech as its input.
 *
 * @param section The section.
 * @param context The lesson, the step's id prefix (`video/section`) and scope, the shared fields, the toolchain
 *   and the workflow's timeout.
 * @returns The draft.
 *
 * @example
 * ```ts
 * import { cuesDraft } from "./plan_captions.ts";
 * // drafts.push(cuesDraft(section, { lesson, prefix, scope, common, toolchain, timeout: null }));
 * ```
 */
export function cuesDraft(
  section: ResolvedSection,
  context: {
    lesson: ResolvedLesson;
    prefix: string;
    scope: StepScope;
    common: Common;
    toolchain: Toolchain;
    timeout: number | null;
  },
): Draft {
  return {
    ...context.common,
    ...kindFields(cuesStep),
    id: `${context.prefix}/cues`,
    // silencedetect over a few seconds of speech: cheap, and nothing waits on it but the subtitles.
    cost: 0.01,
    params: {
      text: section.narration,
      rules: { ...context.lesson.captions.rules },
      silence: { ...CUE_SILENCE },
      // As the words are broken: a voice whose words reel does not know, or none chosen, is English's.
      voiceLanguage: wordsLanguage(voiceLanguage(section.voice)),
    },
    deps: [`${context.prefix}/speech`],
    scope: context.scope,
    provider: null,
    engine: { ffmpeg: context.toolchain.ffmpeg, text: TEXT_SEGMENTATION },
    cpu: false,
    timeout: { ms: context.timeout ?? TIMEOUTS.cues.ms, perMediaSecond: TIMEOUTS.cues.perMediaSecond },
    extension: null,
  };
}

/**
 * The languages of espeak-ng's mbrola voices whose file names (`mb-br1`) do not start with the language's code, as
 * `espeak-ng --voices=mb` lists them.
 */
const MBROLA_LANGUAGES: Readonly<Record<string, string>> = {
  br: "pt",
  ca: "fr",
  cn: "zh",
  cr: "hr",
  cz: "cs",
  ee: "et",
  gr: "el",
  hb: "he",
  ic: "is",
  in: "hi",
  ir: "fa",
  jp: "ja",
  ma: "ms",
  mx: "es",
  nz: "mi",
  sw: "sv",
  tl: "te",
  us: "en",
  vz: "es",
};

/**
 * The language a voice the workflow chose speaks, where its name tells it: espeak-ng's voices are named by their
 * language (`de`, `en-us+f3`, `gmw/en-US`; `en-us` when only the engine is named), its mbrola voices by a code of
 * their own and the language they speak with an accent (`mb-br1` Brazilian Portuguese, `mb-de1-en` English, rv22);
 * flite speaks English. Null for an API's voice (`alloy`), a voice given by its full name (`German`), and reel's
 * default voice, which the workflow did not choose. A narration's own words overrule it (see `captionWords`).
 *
 * @param voice The section's voice.
 * @returns The language's code (`de`), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { voiceLanguage } from "./plan_captions.ts";
 * const voice = { provider: "espeak", engine: "espeak" as const, voice: "de", rate: 160, model: null, field: "v" };
 * assert.equal(voiceLanguage(voice), "de");
 * assert.equal(voiceLanguage({ ...voice, voice: "gmw/en-US+f3" }), "en");
 * assert.equal(voiceLanguage({ ...voice, voice: "mb-de1-en" }), "en");
 * assert.equal(voiceLanguage({ ...voice, voice: "mb/mb-br1" }), "pt");
 * assert.equal(voiceLanguage({ ...voice, voice: "German" }), null);
 * assert.equal(voiceLanguage({ ...voice, field: null }), null);
 * ```
 */
export function voiceLanguage(voice: ResolvedVoice): string | null {
  if (voice.field === null || voice.field === undefined) return null;
  if (voice.engine === "flite") return "en";
  if (voice.engine !== "espeak") return null;
  const name = voice.voice.split("/").at(-1)!.split("+")[0]!.toLowerCase();
  const mbrola = /^mb-([a-z]+)\d+(?:-([a-z]+))?$/.exec(name);
  if (mbrola !== null) return mbrola[2] ?? MBROLA_LANGUAGES[mbrola[1]!] ?? mbrola[1]!;
  // A language's code: two or three letters (Klingon's `piqd` the one longer espeak-ng knows), not a voice's name.
  return /^([a-z]{2,3}|piqd)(?:[-_]|$)/.exec(name)?.[1] ?? null;
}

/**
 * The subtitle steps of a video: `subtitles.srt`, `subtitles.vtt`, and `subtitles.vtt@<format>` for each portrait
 * format (its file `<video>.<format>.vtt`), each reading the narration and every section's cues.
 *
 * @param video The video.
 * @param context The lesson, the step ids of the narration, the shared fields and the workflow's timeout.
 * @returns The drafts.
 *
 * @example
 * ```ts
 * import { subtitlesDrafts } from "./plan_captions.ts";
 * // drafts.push(...subtitlesDrafts(video, { lesson, narration: `${video.id}/narration`, common, timeout: null }));
 * ```
 */
export function subtitlesDrafts(
  video: ResolvedVideo,
  context: { lesson: ResolvedLesson; narration: string; common: Common; timeout: number | null },
): Draft[] {
  // Published with a video: the shared files with any of the video's formats, a format's own with that format.
  const videos = context.lesson.formats.map((format) => videoStepId(video.id, format.name));
  const files = [
    { id: "subtitles.srt", format: "srt", settings: null, output: `${video.id}.srt`, publishWith: videos },
    { id: "subtitles.vtt", format: "vtt", settings: null, output: `${video.id}.vtt`, publishWith: videos },
    ...context.lesson.formats.flatMap((format) => {
      const settings = vttCueSettings(format);
      return settings === null ? [] : [{
        id: formatStepId("subtitles.vtt", format.name),
        format: "vtt",
        settings,
        output: `${video.id}.${format.name}.vtt`,
        publishWith: [videoStepId(video.id, format.name)],
      }];
    }),
  ];
  return files.map(({ id, format, settings, output, publishWith }) => ({
    ...context.common,
    ...kindFields(subtitlesStep),
    id: `${video.id}/${id}`,
    cost: 0.01,
    params: { format, settings },
    deps: [context.narration, ...video.sections.map((section) => `${video.id}/${section.id}/cues`)],
    scope: { item: video.id, part: null },
    provider: null,
    engine: null,
    cpu: false,
    timeout: {
      ms: context.timeout ?? TIMEOUTS.subtitles.ms,
      perMediaSecond: TIMEOUTS.subtitles.perMediaSecond,
    },
    output,
    publishWith,
    extension: format,
  }));
}
