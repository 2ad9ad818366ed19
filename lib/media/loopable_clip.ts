/**
 * A clip that ffmpeg plays looped (`-stream_loop -1`). ffmpeg loops an input by seeking back to its start, which
 * many formats do not let it do (ffmpeg 5.1): an MPEG transport stream (`.ts`, `.m2ts`, `.mts`), an AVI or an ASF
 * whose H.264 has B-frames spins at full CPU and never ends, an MPEG-2 elementary stream (`.m2v`) spins too, an
 * MPEG program stream of H.264 loses pictures at each loop, an FLV stops after one play. Such a clip's video is
 * encoded again without loss (x264 at quantizer 0) into a Matroska file, which loops: its pictures are the clip's,
 * bit for bit. Copied without encoding (into NUT, MP4 or Matroska), an AVI's or an ASF's B-frames lose their
 * times (genpts cannot give them theirs: 71 pictures of 75 in three loops) and a program stream's cannot be
 * written at all (review).
 * @module
 */
import { UnrecoverableError } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { fileInput, OutputWriteError, runFfmpeg } from "./ffmpeg.ts";
import { ProcessError, runProcess } from "./run_process.ts";

/**
 * The formats ffmpeg 5.1 loops whatever their video (as ffprobe names them): MP4 and Matroska, which index every
 * picture, and formats of pictures coded alone. A clip of 1 s with B-frames looped to 3 s gave 3 s of its
 * pictures. AVI, ASF and MPEG program streams loop some codecs and not H.264 with B-frames (review): they, and every
 * other format, are copied first.
 */
const LOOPING_FORMATS = new Set([
  "mov,mp4,m4a,3gp,3g2,mj2",
  "matroska,webm",
  "dv",
  "gif",
  "apng",
  "image2",
]);

/** Seconds of a long clip copied past what is played: the pictures shown late in decoding order. */
const COPY_MARGIN = 1;

/** Options for {@linkcode loopableClip}. */
export interface LoopableClipOptions {
  /** Where the copy is written when one is needed (a Matroska file in a step's scratch folder). */
  copy: string;
  /** Seconds of the clip that will be played from its start (its seek included): a longer clip is copied that far. */
  seconds: number;
  /** Kills ffprobe and ffmpeg. */
  signal?: AbortSignal;
}

/**
 * The file to read a clip from with `-stream_loop -1`: the clip itself when its format loops, else its first video
 * stream copied (no encoding) to `options.copy`, as far as `options.seconds` needs.
 *
 * @param paths ffmpeg and ffprobe.
 * @param file The clip.
 * @param options Where a copy goes, the seconds played, the signal.
 * @returns `file`, or `options.copy`.
 * @throws {ProcessError} When ffprobe cannot read the clip; an {@linkcode UnrecoverableError} naming it when ffmpeg
 * cannot copy its video (a raw H.264 stream).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * import { loopableClip } from "./loopable_clip.ts";
 * const paths = await findFfmpeg();
 * const dir = await Deno.makeTempDir();
 * await runFfmpeg(paths, ["-f", "lavfi", "-i", "testsrc=s=64x48:d=1", "-f", "mpegts", `${dir}/a.ts`]);
 * assert.equal(await loopableClip(paths, `${dir}/a.ts`, { copy: `${dir}/a.mkv`, seconds: 3 }), `${dir}/a.mkv`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loopableClip(
  paths: FfmpegPaths,
  file: string,
  options: LoopableClipOptions,
): Promise<string> {
  const { copy, seconds, signal } = options;
  const format = await formatOf(paths, file, signal);
  if (loops(format)) return file;
  try {
    await runFfmpeg(paths, [
      ...fileInput(file),
      "-map",
      "0:v:0",
      // Lossless, in the clip's own pixel format: decoded, the same pictures.
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-qp",
      "0",
      "-t",
      String(seconds + COPY_MARGIN),
      "-f",
      "matroska",
      copy,
    ], { signal });
  } catch (error) {
    // A full disk is no fault of the clip's.
    if (!(error instanceof ProcessError) || error instanceof OutputWriteError) throw error;
    // A video ffmpeg cannot decode whole, or one x264 cannot take (a pixel format it lacks).
    throw new UnrecoverableError(
      `Cannot play ${file} looped: ffmpeg does not loop its format (${format}) and could not copy its video into ` +
        "one it loops; put it in an MP4 or MKV first",
      { cause: error, badInput: true },
    );
  }
  return copy;
}

/** The file's format as ffprobe names it (`mpegts`, `mov,mp4,m4a,3gp,3g2,mj2`…). */
async function formatOf(paths: FfmpegPaths, file: string, signal: AbortSignal | undefined): Promise<string> {
  const { stdout } = await runProcess(paths.ffprobe, [
    "-v",
    "error",
    "-show_entries",
    "format=format_name",
    "-of",
    "default=noprint_wrappers=1:nokey=1",
    ...fileInput(file),
  ], { signal });
  return new TextDecoder().decode(stdout).trim();
}

/** Whether ffmpeg loops a file of this format as it is: one seen to loop. */
function loops(format: string): boolean {
  // Pictures read by their own demuxer (`bmp_pipe`, `webp_pipe`, `tiff_pipe`…) loop as `image2` does.
  return LOOPING_FORMATS.has(format) || format.endsWith("_pipe");
}
