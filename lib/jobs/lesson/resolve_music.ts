/**
 * Resolving a video's background music: the video's `music` fields over the lesson's, the file read (relative to
 * the workflow file), checked to be audio and digested, each problem an issue at its path.
 * @module
 */
import { readUserFile, unreadableUserFile } from "../../core/read_user_file.ts";
import type { WorkflowIssue } from "../../core/errors.ts";
import { sha256Hex } from "../../core/sha256.ts";
import { sniffAudio } from "../../media/sniff_media.ts";
import { workflowPath } from "../../schema/workflow_path.ts";
import { type MusicInput, type ResolvedMusic, SOUND_DEFAULTS } from "./sound_schema.ts";

/** Where a video's music is resolved: the workflow module, the issues, and the files already read. */
export interface MusicContext {
  /** The workflow file's URL: music files are relative to its folder. */
  moduleUrl: string;
  /** Problems go here. */
  issues: WorkflowIssue[];
  /** Files read so far by path, so a lesson's music is read once for all its videos. */
  read: Map<string, Promise<{ path: string; sha256: string } | string>>;
}

/**
 * Resolves a video's music: its fields over the lesson's; null when neither sets any, or the video's is `false`.
 *
 * @param lesson The lesson's `music`.
 * @param video The video's `music`, and its index (for the path of an issue).
 * @param context The workflow module, the issues and the files read.
 * @returns The music, or null (also when the file cannot be used: the issue says why).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveMusic } from "./resolve_music.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.wav`, new TextEncoder().encode("RIFF\0\0\0\0WAVEfmt "));
 * const context = { moduleUrl: `file://${dir}/lesson.ts`, issues: [], read: new Map() };
 * const music = await resolveMusic({ file: "m.wav" }, { music: { volume: 0.5 }, index: 0 }, context);
 * assert.equal(music?.volume, 0.5);
 * assert.equal(music?.duck, 15);
 * assert.equal(music?.field, "music.file");
 * assert.equal(await resolveMusic({ file: "m.wav" }, { music: false, index: 0 }, context), null);
 * assert.equal(await resolveMusic(false, { music: undefined, index: 0 }, context), null);
 * assert.equal(await resolveMusic({ file: "gone.mp3" }, { music: undefined, index: 1 }, context), null);
 * assert.deepEqual(context.issues.map((issue: { path: string }) => issue.path), ["music.file"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function resolveMusic(
  lesson: MusicInput | undefined,
  video: { music: MusicInput | undefined; index: number },
  context: MusicContext,
): Promise<ResolvedMusic | null> {
  // The lesson's `false` is no music too (before: "Music needs a file"), unless a video names its own.
  const none = lesson === undefined || lesson === false;
  if (video.music === false || (none && video.music === undefined)) return null;
  const object = (music: MusicInput | undefined) =>
    typeof music === "string" ? { file: music } : music === false || music === undefined ? {} : music;
  const inner = object(video.music);
  const fields = { ...object(lesson), ...inner };
  const path = inner.file === undefined && (video.music === undefined || lesson !== undefined)
    ? "music.file"
    : `videos[${video.index}].music.file`;
  if (fields.file === undefined) {
    context.issues.push({ path, message: "Music needs a file" });
    return null;
  }
  const absolute = workflowPath(fields.file, context.moduleUrl);
  let read = context.read.get(absolute);
  if (read === undefined) {
    read = readMusic(absolute);
    context.read.set(absolute, read);
  }
  const file = await read;
  if (typeof file === "string") {
    // One issue per field that names the file: the lesson's is reported once for all its videos.
    if (!context.issues.some((issue) => issue.path === path && issue.message === file)) {
      context.issues.push({ path, message: file, file: absolute });
    }
    return null;
  }
  const defaults = SOUND_DEFAULTS.music;
  return {
    ...file,
    field: path,
    volume: fields.volume ?? defaults.volume,
    fadeIn: fields.fadeIn ?? defaults.fadeIn,
    fadeOut: fields.fadeOut ?? defaults.fadeOut,
    duck: fields.duck ?? defaults.duck,
  };
}

/** The file's path and digest, or what keeps it from being music (in the user's words). */
async function readMusic(path: string): Promise<{ path: string; sha256: string } | string> {
  try {
    const bytes = await readUserFile(path);
    if (sniffAudio(bytes) === null && !isMp4(bytes)) {
      return `Not an audio file (WAV, MP3, Ogg, FLAC, AAC or M4A): ${path}`;
    }
    return { path, sha256: sha256Hex(bytes) };
  } catch (error) {
    const problem = unreadableUserFile(error, "music file");
    if (problem === null) throw error;
    return `${problem}: ${path}`;
  }
}

/** An MP4/M4A file starts with a box of type `ftyp`. */
function isMp4(bytes: Uint8Array): boolean {
  return String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp";
}
