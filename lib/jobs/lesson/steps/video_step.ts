/**
 * The video step: one format of a video, at a constant frame rate, from its encoded stills and its narration. Each
 * still is shown for its section's frames: its IDR picture again at the start of every GOP (so the file can be
 * seeked) and skipped pictures between; the stream goes through ffmpeg's stdin and is muxed with the narration by
 * stream copy, with the index at the front (`+faststart`). Nothing is encoded here.
 * @module
 */
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { probeMedia, runFfmpeg } from "../../../media/ffmpeg.ts";
import type { Json } from "../../../core/json.ts";
import {
  type EncodedStills,
  pictureStream,
  readPictures,
  readStills,
} from "../../../media/h264/still_stream.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numbersField, outputPath } from "../../../steps/task_fields.ts";
import { lessonTimeline, type TimelineParams } from "./_lesson_timeline.ts";

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
 * Writes one format of a video: its pictures laid on the narration's frames (see `picture_timeline.ts`), stills
 * shown by skipped pictures and clips played as encoded, muxed with the narration; checks the result with ffprobe.
 * Inputs: the stills, the narration, the clips when the video has any (params `clips: true`), then each section's
 * cues when captions are burned. Its value is `{ duration }` in seconds.
 */
export const videoStep: StepKindDefinition = {
  kind: "video",
  version: 2,
  blocking: false,
  run: async (task, { signal }) => {
    const params = task.params as unknown as TimelineParams & { gop: number; clips: boolean };
    const { fps, gop } = params;
    const stills = readStills(await Deno.readFile(inputPath(task, 0), { signal }));
    const narration = task.inputs[1]!.value;
    const first = params.clips ? 3 : 2;
    const timeline = lessonTimeline(params, narration, task.inputs.slice(first).map((input) => input.value));
    const clips = params.clips
      ? splitClips(await Deno.readFile(inputPath(task, 2), { signal }), task.inputs[2]!.value)
      : null;
    const output = outputPath(task);
    await muxStream(
      task.ffmpeg,
      pictureStream(stills, clips, { pieces: timeline.pieces, gop }),
      inputPath(task, 1),
      {
        fps,
        output,
        signal,
      },
    );
    const duration = timeline.total / fps;
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

/** The clips step's stream cut into its clips, by the frame counts of its value (`{ clips }`). */
function splitClips(stream: Uint8Array, value: Json): EncodedStills[] {
  const counts = numbersField(value, "clips");
  const all = readPictures(stream);
  if (all.stills.length !== counts.reduce((sum, count) => sum + count, 0)) {
    throw new Error(`The clips have ${all.stills.length} pictures, expected ${counts.join(" + ")}`);
  }
  let at = 0;
  return counts.map((count) => ({ ...all, stills: all.stills.slice(at, at += count) }));
}
