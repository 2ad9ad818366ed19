/**
 * The video step: one format of a video, at a constant frame rate, from its encoded stills and its narration. Each
 * still is shown for its section's frames: its IDR picture again at the start of every GOP (so the file can be
 * seeked) and skipped pictures between; the stream goes through ffmpeg's stdin and is muxed with the narration by
 * stream copy, with the index at the front (`+faststart`). Nothing is encoded here.
 * @module
 */
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { probeMedia, runFfmpeg } from "../../../media/ffmpeg.ts";
import { readStills, stillStream } from "../../../media/h264/still_stream.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, numbersField, outputPath } from "../../../steps/task_fields.ts";

/**
 * Muxes a raw H.264 stream, given as chunks, and an audio file into an MP4 at a constant frame rate.
 *
 * @param ffmpeg The binaries.
 * @param video The Annex-B stream's chunks.
 * @param audio The audio file (copied as it is).
 * @param options Frame rate, output file, signal.
 *
 * @example
 * ```ts
 * import { muxStream } from "./video_step.ts";
 * // await muxStream(ffmpeg, stillStream(stills, { frames, gop: 60 }), "narration.m4a", { fps: 30, output: "a.mp4" });
 * ```
 */
export async function muxStream(
  ffmpeg: FfmpegPaths,
  video: Iterable<Uint8Array>,
  audio: string,
  options: { fps: number; output: string; signal?: AbortSignal },
): Promise<void> {
  const { fps, output, signal } = options;
  await runFfmpeg(ffmpeg, [
    "-f",
    "h264",
    // `-r` on the input stamps frame N at exactly N / fps (`-framerate` leaves rounding drift in the timestamps).
    "-r",
    String(fps),
    // With a second input, ffmpeg reads each in a thread of its own; the default queue of 8 packets makes the pipe
    // wait on the muxer (1.4 s instead of 0.16 s for 150 s of 1080p stills).
    "-thread_queue_size",
    "4096",
    "-i",
    "pipe:0",
    "-i",
    audio,
    "-map",
    "0:v:0",
    "-map",
    "1:a:0",
    "-c",
    "copy",
    // A time scale that is a multiple of the frame rate: every frame lasts the same whole number of ticks.
    "-video_track_timescale",
    String(fps * 512),
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
    output,
  ], { signal, stdin: video });
}

/**
 * Writes one format of a video from its inputs, the stills then the narration; checks the result with ffprobe. Its
 * value is `{ duration }` in seconds.
 */
export const videoStep: StepKindDefinition = {
  kind: "video",
  version: 1,
  blocking: false,
  run: async (task, { signal }) => {
    const fps = numberField(task.params, "fps");
    const gop = numberField(task.params, "gop");
    const stills = readStills(await Deno.readFile(inputPath(task, 0), { signal }));
    const frames = numbersField(task.inputs[1]!.value, "frames");
    const output = outputPath(task);
    await muxStream(task.ffmpeg, stillStream(stills, { frames, gop }), inputPath(task, 1), {
      fps,
      output,
      signal,
    });
    const duration = frames.reduce((sum, count) => sum + count, 0) / fps;
    const probed = await probeMedia(task.ffmpeg, output, { signal });
    const streams = probed.streams.map((stream) => stream.codec).sort().join("+");
    if (streams !== "aac+h264") throw new Error(`The video has streams ${streams}, expected h264 and aac`);
    for (const stream of probed.streams) {
      if (stream.duration === null || Math.abs(stream.duration - duration) >= 1 / fps) {
        throw new Error(
          `The video's ${stream.codec} stream lasts ${stream.duration} s, expected ${duration} s`,
        );
      }
    }
    return { duration };
  },
};
