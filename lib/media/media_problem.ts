/**
 * Whether a media file a workflow names holds what a step will take from it (sound for music or a soundtrack,
 * pictures for a montage's clip), asked of the probe before any step runs, so that a wrong file stops the render at
 * its field and not in a step with ffmpeg's words.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { cutShort } from "./cut_short.ts";
import {
  ffmpegWords,
  fileInput,
  misnamedMedia,
  probeMedia,
  runFfmpegSaying,
  unreadableMediaWords,
} from "./ffmpeg.ts";
import { ProcessError } from "./run_process.ts";
import { sniffStill } from "./sniff_media.ts";
import { readHead } from "../core/read_full.ts";

/** Options for {@linkcode mediaProblem}. */
export interface MediaProblemOptions {
  /** The stream the file must have: `audio`, or `video` (with a size: pictures, not only cover art's header). */
  needs: "audio" | "video";
  /**
   * Whether ffmpeg must also decode some of that stream ({@linkcode decodeProblem}): for a file played looped.
   * @default false
   */
  decodes?: boolean;
  /** Kills the probe. */
  signal?: AbortSignal;
}

/** Files a preflight checks at once: each check is a few short ffprobe and ffmpeg processes. */
export const PROBES_IN_FLIGHT = 4;

/**
 * What keeps a file from giving the stream a step needs, in the user's words.
 *
 * @param paths The ffprobe (and ffmpeg) to ask.
 * @param file The file's path.
 * @param options The stream it needs, whether ffmpeg must decode some of it, and the signal.
 * @returns Null when the probe reads the file and finds the stream (and, asked, ffmpeg decodes some of it), else why
 * not (`No audio stream in …`, empty, cut short: see {@linkcode cutShort}; none of it decodes: see
 * {@linkcode decodeProblem}).
 * @throws What probing throws for a failure that is not the file's (ffprobe missing, an abort).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { mediaProblem } from "./media_problem.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/song.mp3`, "not a song");
 * const problem = await mediaProblem(await findFfmpeg(), `${dir}/song.mp3`, { needs: "audio" });
 * assert.match(problem ?? "", /^Cannot read .*song\.mp3 as audio/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mediaProblem(
  paths: FfmpegPaths,
  file: string,
  options: MediaProblemOptions,
): Promise<string | null> {
  const { needs, decodes = false, signal } = options;
  // Before, ffprobe's words for it ("moov atom not found", "Invalid data found when processing input").
  if ((await Deno.stat(file)).size === 0) return `${file} is empty (0 bytes)`;
  let streams;
  try {
    streams = (await probeMedia(paths, file, { signal })).streams;
  } catch (error) {
    if (error instanceof ProcessError) {
      const said = await unreadableMediaWords(error.stderr, file);
      return `Cannot read ${file} as ${needs}${said === "" ? "" : `: ${said}`}`;
    }
    if (!(error instanceof RangeError)) throw error;
    // ffprobe read the file but found no duration: a still in a format other than PNG or JPEG (WebP, BMP) has none,
    // and plays as a clip (if ffmpeg decodes it: an animated WebP is read so too); sound without a length cannot be
    // looped under a video.
    if (needs === "audio") {
      // A picture: said as transcribe and variants say it (nt11: "it has no duration").
      const image = sniffStill(await readHead(file, 16));
      if (image !== null) return `Cannot read ${file} as audio: it is a still image (${image})`;
      return `Cannot read ${file} as audio: ${await misnamedMedia(file) ?? "it has no duration"}`;
    }
    return decodes ? await decodeProblem(paths, file, { needs, signal }) : null;
  }
  const found = needs === "audio"
    ? streams.some((stream) => stream.type === "audio")
    : streams.some((stream) =>
      stream.type === "video" && (stream.width ?? 0) > 0 && (stream.height ?? 0) > 0
    );
  if (!found) return `No ${needs} stream in ${file}`;
  // Its header or index gives the whole length, and ffmpeg plays the part there is, exit 0: looped, the part repeats.
  const cut = await cutShort(file);
  if (cut !== null) return `${file} is cut short: ${cut} (a partial download or copy?)`;
  return decodes ? await decodeProblem(paths, file, { needs, signal }) : null;
}

/**
 * Whether ffmpeg decodes anything of the stream a step takes from a file: a video all of whose pictures are damaged
 * (its only keyframe's bytes garbled), or a song all of whose frames are, probes well, and played looped
 * (`-stream_loop -1`: a montage's clip, a lesson's music) it gives nothing ever, so the encode waiting for it spun at
 * full CPU until its step's timeout (five minutes for a 1-s montage). So did an animated WebP, which ffmpeg 5.1 does
 * not decode.
 *
 * @param paths The ffmpeg to ask.
 * @param file The file's path.
 * @param options The stream (`video`: a picture; `audio`: some sound), and the signal that kills ffmpeg.
 * @returns Null when ffmpeg decodes some of it, else why not.
 * @throws What running ffmpeg throws for a failure that is not the file's (ffmpeg missing, an abort).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * import { decodeProblem } from "./media_problem.ts";
 * const dir = await Deno.makeTempDir();
 * const ffmpeg = await findFfmpeg();
 * await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "testsrc=s=32x32:d=0.2", `${dir}/clip.mp4`]);
 * assert.equal(await decodeProblem(ffmpeg, `${dir}/clip.mp4`, { needs: "video" }), null);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function decodeProblem(
  paths: FfmpegPaths,
  file: string,
  options: Pick<MediaProblemOptions, "needs" | "signal">,
): Promise<string | null> {
  const args = options.needs === "video"
    ? ["-map", "0:v:0", "-frames:v", "1", "-vf", "scale=2:2", "-pix_fmt", "gray", "-f", "rawvideo"]
    : ["-map", "0:a:0", "-frames:a", "1", "-ac", "1", "-f", "s16le"];
  let said = "";
  try {
    const { stdout } = await runFfmpegSaying(paths, [...fileInput(file), ...args, "pipe:1"], {
      signal: options.signal,
    });
    if (stdout.length > 0) return null;
  } catch (error) {
    // An ffmpeg that wrote nothing exits 69 (its output empty), the decoder's words before.
    if (!(error instanceof ProcessError)) throw error;
    // Its first words, the decoder named (`webp: image data not found`).
    said = ffmpegWords(error.stderr, { named: true });
  }
  const what = options.needs === "video" ? "picture" : "sound";
  // Random bytes named .flac: ffprobe guessed a format in them, and what the name says they are not is said.
  const misnamed = await misnamedMedia(file);
  if (misnamed !== null) return `ffmpeg decodes no ${what} of ${file}: ${misnamed}`;
  return `ffmpeg decodes no ${what} of ${file}: it is damaged, or of a kind this ffmpeg does not decode` +
    (said === "" ? "" : ` (ffmpeg: ${said})`);
}
