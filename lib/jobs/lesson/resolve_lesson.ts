/**
 * Resolving a lesson: section ids, voices and images checked against the providers, background images read and
 * digested, formats checked, and what the hosted API would refuse found before any call.
 * @module
 */
import type { WorkflowIssue } from "../../core/errors.ts";
import type { ResolvedProvider } from "../../plan/provider_settings.ts";
import { callsHostedApi } from "../../providers/http/openai_client.ts";
import { imageSizesOf, SPEECH_MAX_CHARACTERS } from "../../providers/http/openai_models.ts";
import { FLITE_VOICES, unknownFliteVoice } from "../../providers/local/speech/flite_engine.ts";
import { type Format, parseFormat } from "../../schema/formats.ts";
import type { ResolveContext } from "../../schema/job_kind.ts";
import { resolveCaptions } from "./captions/resolve_captions.ts";
import { voiceLanguage } from "./captions/plan_captions.ts";
import { type CaptionFont, noFontMessage } from "../../media/caption_font.ts";
import { burnedCaptionFont } from "../../media/libass_fonts.ts";
import { captionTooSmall } from "../../media/caption_placement.ts";
import type { ResolvedCaptions } from "./captions/captions_schema.ts";
import { resolveTransition } from "./transition_schema.ts";
import { resolveLoudness } from "./sound_schema.ts";
import { type MusicContext, resolveMusic } from "./resolve_music.ts";
import { LOCAL_VOICES } from "../../schema/resolve_common.ts";
import {
  type LessonInput,
  type ResolvedLesson,
  type ResolvedSection,
  type ResolvedVideo,
  type ResolvedVoice,
  VOICE_PROVIDERS_EXPECTED,
  type VoiceInput,
} from "./lesson_schema.ts";
import { readImage } from "./_read_image.ts";
import { didYouMean } from "../../core/closest_name.ts";
import { resolveCards, resolveSectionSlide, resolveTheme } from "./resolve_slides.ts";
import { spokenText } from "../../core/spoken_text.ts";

/** Defaults applied where a lesson leaves a field out. */
export const LESSON_DEFAULTS = {
  formats: ["16:9", "9:16", "1:1"],
  fps: 30,
  voice: { provider: "flite", engine: "flite", voice: "rms", rate: 165, model: null } satisfies ResolvedVoice,
  voiceNames: { espeak: "en-us", flite: "rms", openai: "alloy" },
  speechModel: "tts-1",
  image: { model: "gpt-image-1", size: "1024x1024", as: "background" },
} as const;

type SectionInput = NonNullable<LessonInput["videos"]>[number]["sections"][number];

/**
 * Resolves a workflow's lesson fields.
 *
 * @param input The lesson's parsed fields.
 * @param context The workflow's file, providers and environment; problems go to `context.issues`.
 * @returns The lesson, or null when the workflow has no videos.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLesson } from "./resolve_lesson.ts";
 * const lesson = await resolveLesson(
 *   { videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] },
 *   { file: "a.ts", moduleUrl: "file:///a.ts", env: () => undefined, providers: new Map(), timeout: null, issues: [] },
 * );
 * assert.equal(lesson?.videos[0]?.sections[0]?.id, "s1");
 * ```
 */
export async function resolveLesson(
  input: LessonInput,
  context: ResolveContext,
): Promise<ResolvedLesson | null> {
  if (input.videos === undefined) return null;
  const { issues } = context;
  const theme = resolveTheme(input.theme);
  const defaultVoice = resolveVoice(LESSON_DEFAULTS.voice, input.voice, { ...context, path: "voice" });
  const seenVideos = new Set<string>();
  const videos: ResolvedVideo[] = [];
  const music: MusicContext = { moduleUrl: context.moduleUrl, issues, read: new Map() };
  for (const [v, video] of input.videos.entries()) {
    if (seenVideos.has(video.id)) {
      issues.push({ path: `videos[${v}].id`, message: `Duplicate video id "${video.id}"` });
    }
    seenVideos.add(video.id);
    const seenSections = new Set<string>();
    const sections: ResolvedSection[] = [];
    for (const [s, section] of video.sections.entries()) {
      const resolved = await resolveSection(section, {
        ...context,
        path: `videos[${v}].sections[${s}]`,
        id: section.id ?? `s${s + 1}`,
        defaultVoice,
        themeBackground: theme.background,
      });
      if (seenSections.has(resolved.id)) {
        issues.push({ path: `${resolved.path}.id`, message: `Duplicate section id "${resolved.id}"` });
      }
      seenSections.add(resolved.id);
      sections.push(resolved);
    }
    const title = video.title ?? sections[0]?.title ?? video.id;
    videos.push({
      id: video.id,
      title,
      sections,
      ...resolveCards(video, input),
      music: await resolveMusic(input.music, { music: video.music, index: v }, music),
    });
  }
  const captions = resolveCaptions(input.captions, issues);
  const formats = resolveFormats(input.formats ?? LESSON_DEFAULTS.formats, issues);
  if (captions.burn) checkCaptionSize(captions, formats, issues);
  return {
    videos,
    formats,
    fps: input.fps ?? LESSON_DEFAULTS.fps,
    theme,
    captions,
    captionFont: captions.burn ? await burnFont(context) : null,
    transition: resolveTransition(input.transition),
    loudness: resolveLoudness(input.loudness),
  };
}

async function resolveSection(
  section: SectionInput,
  context: ResolveContext & {
    path: string;
    id: string;
    defaultVoice: ResolvedVoice;
    themeBackground: string;
  },
): Promise<ResolvedSection> {
  const { path, issues, providers } = context;
  const background = typeof section.background === "string"
    ? { color: section.background }
    : section.background ?? {};
  const image = section.image;
  if (image !== undefined && !providers.has(image.provider)) {
    issues.push({
      path: `${path}.image.provider`,
      message: `Unknown image provider "${image.provider}"${
        didYouMean(image.provider, [...providers.keys()])
      }: add it to providers`,
    });
  }
  const resolved: ResolvedSection = {
    id: context.id,
    path,
    title: section.title,
    bullets: section.bullets ?? [],
    // Said and captioned as its words: `**bold**` was spoken as asterisks by flite, and shown in the captions.
    narration: spokenText(section.narration),
    background: {
      color: background.color ?? context.themeBackground,
      image: background.image === undefined
        ? null
        : await readImage(background.image, { ...context, path: `${path}.background.image` }),
    },
    image: image === undefined ? null : {
      provider: image.provider,
      prompt: image.prompt,
      model: image.model ?? LESSON_DEFAULTS.image.model,
      size: image.size ?? LESSON_DEFAULTS.image.size,
      as: image.as ?? LESSON_DEFAULTS.image.as,
    },
    voice: resolveVoice(context.defaultVoice, section.voice, { ...context, path: `${path}.voice` }),
    ...await resolveSectionSlide(section, context),
  };
  issues.push(...apiRefusals(resolved, providers), ...unspeakable(resolved));
  return resolved;
}

/** Something a voice can say: a letter, a digit or a pictograph (espeak-ng names emoji). */
const SPEAKABLE = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;
/** A letter of another script than Latin, the first word of such letters (with their marks: Tamil's vowels). */
const NOT_LATIN = /(?!\p{Script=Latin})\p{L}[\p{L}\p{M}]*/u;
/** Words of another script than Latin, each. */
const NOT_LATIN_WORDS = new RegExp(NOT_LATIN.source, "gu");

/**
 * A narration its voice would say nothing of: only punctuation or symbols (`...`), or, for flite, which says
 * English and skips the rest, no Latin letter or digit (all Russian, all emoji): each became a silent flash of a
 * section, its text shown as a caption, exit 0. A word of another script among English ones is skipped, as flite
 * does. An espeak-ng voice of a language written in Latin letters spells a narration with none, letter by letter
 * (nt15: Hebrew with `en-us` was said as "hebrew shin, hebrew lamed…" for 18 s, without a word); Greek letters
 * alone or in twos and threes are maths it reads (`π = 3.14`: "pi equals three point one four"; rv32).
 */
function unspeakable(section: ResolvedSection): WorkflowIssue[] {
  const path = `${section.path}.narration`;
  const { narration, voice } = section;
  // Written, it is not empty (the schema says so): empty as said, it is markdown's marks alone (rv38: a link
  // without words was said to be punctuation).
  if (narration.replace(/[*_`]/g, "").trim() === "") {
    return [{
      path,
      message: "The narration has nothing to speak: markdown alone (a link without words, marks)",
    }];
  }
  if (!SPEAKABLE.test(narration)) {
    return [{ path, message: "The narration has nothing to speak: only punctuation or symbols" }];
  }
  if (voice.engine === "espeak") {
    if (/\p{Script=Latin}/u.test(narration) || !LATIN_LANGUAGES.has(voiceLanguage(voice) ?? "")) return [];
    const spelled = narration.match(NOT_LATIN_WORDS)?.find((word) =>
      !(/^\p{Script=Greek}{1,3}$/u.test(word))
    );
    if (spelled === undefined) return [];
    return [{
      path,
      message:
        `espeak-ng's "${voice.voice}" voice would spell this narration letter by letter ("${spelled}"…): ` +
        `use ${espeakVoiceFor(spelled)} or an API voice`,
    }];
  }
  if (voice.engine !== "flite" || /[\p{Script=Latin}\p{N}]/u.test(narration)) return [];
  const foreign = NOT_LATIN.exec(narration)?.[0];
  const espeak = foreign === undefined
    ? `espeak, which names emoji (\`voice: { provider: "espeak" }\`)`
    : espeakVoiceFor(foreign);
  return [{
    path,
    message: `flite speaks English only and would say nothing of this narration${
      foreign === undefined ? "" : ` ("${foreign}"…)`
    }: use ${espeak} or an API voice`,
  }];
}

/**
 * An espeak-ng voice for a word's script, where one is plain (nt15: Hebrew, or emoji alone, were offered Russian;
 * rv32: so were Tamil and Bengali): Russian's for Cyrillic, said so, none named for a script without one here.
 */
function espeakVoiceFor(word: string): string {
  const own = SCRIPT_VOICES.find(([script]) => script.test(word))?.[1] ??
    (/\p{Script=Cyrillic}/u.test(word) ? "ru" : null);
  const named = own === null
    ? ""
    : `\`voice: { provider: "espeak", voice: "${own}" }\`${own === "ru" ? " for Russian" : ""}; `;
  return `an espeak voice of its language (${named}\`espeak-ng --voices\` lists them)`;
}

/** Languages whose espeak-ng voices read the Latin alphabet only, and spell any other letter by its name. */
const LATIN_LANGUAGES: ReadonlySet<string> = new Set([
  "af",
  "ca",
  "cs",
  "cy",
  "da",
  "de",
  "en",
  "eo",
  "es",
  "et",
  "eu",
  "fi",
  "fr",
  "ga",
  "gd",
  "gl",
  "hr",
  "hu",
  "id",
  "is",
  "it",
  "la",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "no",
  "pl",
  "pt",
  "ro",
  "sk",
  "sl",
  "sq",
  "sv",
  "sw",
  "tr",
  "vi",
]);

/** The espeak-ng voice of a script whose language is plain from it (Cyrillic is Russian's as much as others'). */
const SCRIPT_VOICES: readonly [RegExp, string][] = [
  [/\p{Script=Hebrew}/u, "he"],
  [/\p{Script=Arabic}/u, "ar"],
  [/\p{Script=Greek}/u, "el"],
  [/\p{Script=Han}/u, "cmn"],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, "ja"],
  [/\p{Script=Hangul}/u, "ko"],
  [/\p{Script=Devanagari}/u, "hi"],
  [/\p{Script=Thai}/u, "th"],
  [/\p{Script=Georgian}/u, "ka"],
  [/\p{Script=Armenian}/u, "hy"],
];

function resolveFormats(
  input: NonNullable<LessonInput["formats"]> | readonly string[],
  issues: WorkflowIssue[],
) {
  const formats: Format[] = input.map((format) => typeof format === "string" ? parseFormat(format)! : format);
  const seen = new Set<string>();
  for (const [f, format] of formats.entries()) {
    const path = `formats[${f}]`;
    if (seen.has(format.name)) issues.push({ path, message: `Duplicate format ${format.name}` });
    seen.add(format.name);
  }
  return formats;
}

/**
 * What the hosted API would refuse for this section: an image size its model lacks, a narration too long. Checked
 * for providers that call the hosted API only; compatible servers set their own rules.
 */
function apiRefusals(
  section: ResolvedSection,
  providers: ReadonlyMap<string, ResolvedProvider>,
): WorkflowIssue[] {
  const hosted = (name: string) => {
    const base = providers.get(name)?.baseUrl;
    return base !== undefined && callsHostedApi(base);
  };
  const issues: WorkflowIssue[] = [];
  const image = section.image !== null && hosted(section.image.provider) ? section.image : null;
  const sizes = image === null ? null : imageSizesOf(image.model);
  if (image !== null && sizes !== null && !sizes.includes(image.size)) {
    issues.push({
      path: `${section.path}.image.size`,
      message: `${image.model} makes images of ${sizes.join(", ")}, not ${image.size}`,
    });
  }
  const length = section.narration.length;
  if (hosted(section.voice.provider) && length > SPEECH_MAX_CHARACTERS) {
    issues.push({
      path: `${section.path}.narration`,
      message:
        `The narration has ${length} characters; the speech API takes at most ${SPEECH_MAX_CHARACTERS} ` +
        `a call: split it into several sections, or use a local voice (flite, espeak)`,
    });
  }
  return issues;
}

function resolveVoice(
  base: ResolvedVoice,
  voice: VoiceInput | undefined,
  context: { providers: ReadonlyMap<string, ResolvedProvider>; path: string; issues: WorkflowIssue[] },
): ResolvedVoice {
  if (voice === undefined) return base;
  const provider = voice.provider ?? base.provider;
  const engine = provider === "flite" || provider === "espeak" ? provider : "openai";
  const name = voice.voice ?? (provider === base.provider ? base.voice : LESSON_DEFAULTS.voiceNames[engine]);
  // A provider or voice the section takes from the lesson's voice is named there once, not again in each section
  // that sets only its rate.
  const ownChoice = voice.provider !== undefined || voice.voice !== undefined;
  if (ownChoice && engine === "flite" && !FLITE_VOICES.includes(name)) {
    context.issues.push({
      path: `${context.path}.voice`,
      message: unknownFliteVoice(name),
    });
  }
  if (voice.provider !== undefined && engine === "openai" && !context.providers.has(provider)) {
    context.issues.push({
      path: `${context.path}.provider`,
      message: `Unknown voice provider "${provider}"${
        didYouMean(provider, [...LOCAL_VOICES, ...context.providers.keys()])
      }: ${VOICE_PROVIDERS_EXPECTED}`,
    });
  }
  const sameEngine = provider === base.provider;
  const field = voice.voice !== undefined
    ? `${context.path}.voice`
    : provider !== base.provider
    ? `${context.path}.provider`
    : base.field ?? null;
  return {
    provider,
    engine,
    field,
    voice: engine === "espeak" ? espeakVoiceKeyed(name) : name,
    rate: voice.rate ?? base.rate,
    model: engine === "openai"
      ? voice.model ?? (sameEngine ? base.model : null) ?? LESSON_DEFAULTS.speechModel
      : null,
  };
}

/**
 * An espeak voice as one spelling: its language in small letters, which espeak-ng reads in any case to the same bytes
 * (`en-US` keyed the narrations a second time), its `+variant` as written: a variant is a file, found by its name's
 * case (`en+Mike` is Mike, `en+mike` plain English; rv4).
 */
function espeakVoiceKeyed(voice: string): string {
  const plus = voice.indexOf("+");
  return plus < 0 ? voice.toLowerCase() : voice.slice(0, plus).toLowerCase() + voice.slice(plus);
}

/** Burned captions must be big enough to read in every format: a line too long for a narrow frame shrank them. */
function checkCaptionSize(
  captions: ResolvedCaptions,
  formats: readonly Format[],
  issues: WorkflowIssue[],
): void {
  const { style, rules } = captions;
  for (const format of formats) {
    const small = captionTooSmall(format, { style, maxLineLength: rules.maxLineLength });
    if (small === null) continue;
    issues.push({
      path: "captions.rules.maxLineLength",
      message:
        `Burned captions would be ${small.fontSize} px high on ${format.name} (a line of ${rules.maxLineLength} ` +
        `characters must fit its width): at most ${small.maxLineLength} characters a line keep them readable there`,
    });
    return;
  }
}

/**
 * The font for burned captions; its absence is the workflow's problem, named at `captions.burn`. Its identity holds
 * every font libass may fall back on too (see `libassFontsIdentity`), so the steps that burn captions are keyed by
 * them.
 */
async function burnFont(context: ResolveContext): Promise<CaptionFont | null> {
  const font = await burnedCaptionFont(context.env);
  if (font === null) {
    context.issues.push({
      path: "captions.burn",
      message: noFontMessage("burn captions", context.env),
    });
    return null;
  }
  return font;
}
