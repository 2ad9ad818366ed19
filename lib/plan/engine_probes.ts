/**
 * How each local engine is identified for step keys: one function each, which the planner's toolchain and a cluster
 * worker both call, so that a worker compares the string a key holds with the same string probed on its own host.
 * @module
 */
import { InputError, systemReason } from "../core/errors.ts";
import { isMissing, pathTrouble } from "../core/exists.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { foldersDigest } from "../media/file_digests.ts";
import { findLibx264, libx264Identity, libx264Problem, namedLibx264 } from "../media/h264/libx264.ts";
import { pocketsphinxIdentity, requirePocketsphinx } from "../media/pocketsphinx.ts";
import { programVersion } from "../media/program_version.ts";
import { slideRendererIdentity } from "../providers/local/slides/slide_renderer_identity.ts";
import { findEspeak } from "../providers/local/speech/espeak_engine.ts";

/** The probes, by the name the toolchain gives each engine. */
export interface EngineProbes {
  /**
   * ffmpeg's and ffprobe's versions, with their libraries.
   * @throws {ProcessError} When one of them cannot run.
   */
  ffmpeg(paths: FfmpegPaths): Promise<string>;
  /**
   * espeak-ng's version.
   * @throws {MissingBinaryError} When it is not installed.
   */
  espeak(): Promise<string>;
  /** The slide renderer's identity: resvg's build and the fonts it draws with. */
  slides(): Promise<string>;
  /**
   * pocketsphinx's identity: its binary and model files.
   * @throws {MissingBinaryError} When it is not installed.
   */
  pocketsphinx(): Promise<string>;
  /** The libx264 stills are encoded with in-process, or null where there is none that works (ffmpeg encodes them). */
  x264(): string | null;
}

/**
 * The probes of the local engines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "../media/ffmpeg.ts";
 * import { engineProbes } from "./engine_probes.ts";
 * assert.match(await engineProbes.ffmpeg(await findFfmpeg()), /^ffmpeg version .*; ffprobe version /);
 * ```
 */
export const engineProbes: EngineProbes = {
  ffmpeg: async (paths) => {
    const [ffmpeg, ffprobe] = await Promise.all([
      programVersion(paths.ffmpeg, ["-version"], { name: "ffmpeg" }),
      // ffprobe's readings (an input's duration, size, rate) shape the variants' and transcriptions' steps.
      programVersion(paths.ffprobe, ["-version"], { name: "ffprobe" }),
    ]);
    return `${ffmpeg}; ${ffprobe}`;
  },
  espeak: async () =>
    espeakWithData(await programVersion(await findEspeak(), ["--version"], { name: "espeak-ng" })),
  slides: slideRendererIdentity,
  pocketsphinx: async () => await pocketsphinxIdentity(await requirePocketsphinx()),
  x264: () => {
    const library = findLibx264();
    // A library the user names must be the one: before, a path to nothing (or to a text file) was passed over
    // for ffmpeg's encoder without a word. One found by searching may be absent: ffmpeg encodes then.
    const configured = namedLibx264();
    const problem = library !== null
      ? libx264Problem(library)
      : configured === null
      ? "there is no such file"
      : notAFile(configured);
    if (configured !== null && problem !== null) {
      throw new InputError(`REEL_LIBX264 names ${configured}, which cannot encode the stills: ${problem}`, {
        hint:
          "Point it at libx264.so.164 (on Debian /usr/lib/x86_64-linux-gnu/libx264.so.164), or set it to " +
          "off to let ffmpeg encode them",
      });
    }
    return problem !== null ? null : libx264Identity(library);
  },
};

/**
 * espeak-ng's version with a digest of the voice data it reads (the folder its `--version` names, in
 * `ESPEAK_DATA_PATH` when set): a dictionary compiled again in place (`espeak-ng --compile=en` after editing
 * `en_extra`) says words otherwise, and its version's text does not change.
 *
 * The folder's place is left out: the same data elsewhere (a copy, a link to it in `ESPEAK_DATA_PATH`) speaks alike.
 *
 * @param version What {@linkcode programVersion} says of espeak-ng: `eSpeak NG …: 1.51  Data at: … #…`.
 * @returns The version without the folder's place, then ` data #` and the folder's digest; the version alone when
 * it names no folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { espeakWithData } from "./engine_probes.ts";
 * assert.equal(espeakWithData("eSpeak NG 1.51 #0123456789abcdef"), "eSpeak NG 1.51 #0123456789abcdef");
 * assert.match(
 *   espeakWithData("eSpeak NG 1.51  Data at: /no/folder #0123456789abcdef"),
 *   /^eSpeak NG 1.51 #0123456789abcdef data #[0-9a-f]{16}$/,
 * );
 * ```
 */
export function espeakWithData(version: string): string {
  const said = /^(.*?)\s*Data at: (.+) (#[0-9a-f]{16})$/.exec(version);
  if (said === null) return version;
  const [, program, folder, binary] = said;
  return `${program} ${binary} data #${foldersDigest([folder!])}`;
}

/** Why a path the user named is no file (fi22: a folder was said to be "no such file"). */
function notAFile(path: string): string {
  try {
    return Deno.statSync(path).isDirectory ? "it is a folder" : "it is not a file";
  } catch (error) {
    if (isMissing(error)) return "there is no such file";
    return pathTrouble(error, path) ?? systemReason(error);
  }
}
