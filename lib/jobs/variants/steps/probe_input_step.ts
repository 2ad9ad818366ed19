/**
 * The probe step: what an input holds (duration, frame size and rate, audio), read once by ffprobe and shared by
 * every output made from it. Its value's `duration` scales the timeouts of the encodes that read it. A file ffprobe
 * cannot read, an empty one and one cut short (see `cutShort`) fail here, once, and only that input's outputs are
 * skipped.
 * @module
 */
import { UnrecoverableError } from "../../../core/errors.ts";
import { toMicroseconds } from "../../../core/units.ts";
import { cutShort } from "../../../media/cut_short.ts";
import { decodedSeconds, ffprobeJson, unreadableMediaWords } from "../../../media/ffmpeg.ts";
import { decodeProblem } from "../../../media/media_problem.ts";
import { ProcessError, runProcess } from "../../../media/run_process.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";

/** What the probe finds. */
export interface ProbedInput {
  /** Seconds. */
  duration: number;
  /** Frame width in pixels, as ffmpeg decodes it: turned upright (a phone's video taken upright is tall). */
  width: number;
  /** Frame height in pixels, likewise. */
  height: number;
  /** Frames per second (the stream's average). */
  fps: number;
  /** True when it has an audio stream. */
  audio: boolean;
  /**
   * Seconds of pictures, where the container says (its pictures may start after its sound: the whole file is longer),
   * else null. Absent in a probe stored by an older version.
   */
  videoDuration?: number | null;
  /**
   * Seconds from the file's start to its pictures' first (a file whose pictures start after its sound), 0 when they
   * start with it or the container does not say. Absent in a probe stored by an older version.
   */
  videoStart?: number;
}

/**
 * Reads ffprobe's JSON for a file.
 *
 * @param probed What ffprobe printed as JSON, read, for the format's `duration` and `start_time` and the streams'
 * `codec_type`, `duration`, `start_time`, `width`, `height`, `avg_frame_rate`, `rotate` tag, `rotation` side data
 * and `attached_pic` disposition (see {@linkcode PROBE_ENTRIES}).
 * @param options `measured`: the length found by decoding, for a file whose container says none (see
 *   {@linkcode lengthUnsaid}).
 * @returns The input's facts.
 * @throws {UnrecoverableError} When it has no video stream or no duration.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseProbe } from "./probe_input_step.ts";
 * const json = '{"format":{"duration":"2.0"},"streams":[{"codec_type":"video","width":160,"height":90,"avg_frame_rate":"25/1"}]}';
 * const facts = {
 *   duration: 2, width: 160, height: 90, fps: 25, audio: false, videoDuration: null, videoStart: 0,
 * };
 * assert.deepEqual(parseProbe(JSON.parse(json)), facts);
 * // A phone's video held upright: stored 160×90, turned a quarter, decoded 90×160.
 * const upright = json.replace('"width":160', '"side_data_list":[{"rotation":-90}],"width":160');
 * assert.deepEqual(parseProbe(JSON.parse(upright)), {
 *   duration: 2, width: 90, height: 160, fps: 25, audio: false, videoDuration: null, videoStart: 0,
 * });
 * // Pictures that start 1.5 s into the file, after its sound.
 * const late = json.replace('"codec_type":"video"', '"codec_type":"video","start_time":"1.5"')
 *   .replace('"duration":"2.0"', '"duration":"2.0","start_time":"0"');
 * assert.equal(parseProbe(JSON.parse(late)).videoStart, 1.5);
 * // Another angle is drawn inside the frame as it is.
 * const tilted = json.replace('"width":160', '"side_data_list":[{"rotation":45}],"width":160');
 * assert.equal(parseProbe(JSON.parse(tilted)).width, 160);
 * // A song's cover art is no video.
 * const song = json.replace('"codec_type":"video"', '"codec_type":"video","disposition":{"attached_pic":1}')
 *   .replace("}]}", '},{"codec_type":"audio"}]}');
 * assert.throws(() => parseProbe(JSON.parse(song)), /sound only, no pictures \(a cover picture only\)/);
 * ```
 */
export function parseProbe(probed: unknown, options: { measured?: number } = {}): ProbedInput {
  const parsed = probed as {
    format?: { duration?: string; start_time?: string };
    streams?: {
      codec_type?: string;
      codec_name?: string;
      duration?: string;
      start_time?: string;
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      tags?: { rotate?: string };
      side_data_list?: { rotation?: number }[];
      disposition?: { attached_pic?: number };
    }[];
  };
  const streams = parsed.streams ?? [];
  const video = streams.find((stream) =>
    stream.codec_type === "video" && (stream.width ?? 0) > 0 && !isCoverArt(stream)
  );
  if (video === undefined) {
    const sound = streams.some((stream) => stream.codec_type === "audio");
    const art = streams.some(isCoverArt) ? " (a cover picture only)" : "";
    throw new UnrecoverableError(
      sound ? `it holds sound only, no pictures${art}` : "it has no video stream",
      {
        badInput: true,
      },
    );
  }
  const duration = Number(parsed.format?.duration) || (options.measured ?? NaN);
  if (!(duration > 0)) {
    // A picture (a PNG named as an input): before, "ffprobe found no duration".
    const still = STILL_CODECS.has(video.codec_name ?? "");
    throw new UnrecoverableError(
      still ? `it is a still image (${video.codec_name}), not a video` : "ffprobe found no duration",
      { badInput: true },
    );
  }
  const [num, den] = (video.avg_frame_rate ?? "0/0").split("/").map(Number);
  const fps = num! > 0 && den! > 0 ? num! / den! : 25;
  // ffmpeg turns a video upright as it decodes it (its display matrix, or an older file's `rotate` tag): a quarter
  // turn swaps its sides, and every size made from the probe is of the turned frame.
  const rotation = video.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ??
    Number(video.tags?.rotate ?? 0);
  // ffmpeg turns a frame on its side only within a degree of a quarter turn (another angle is drawn in the frame).
  const angle = ((rotation % 360) + 360) % 360;
  const turned = Math.abs(angle - 90) < 1 || Math.abs(angle - 270) < 1;
  return {
    duration,
    width: turned ? video.height! : video.width!,
    height: turned ? video.width! : video.height!,
    fps: Math.round(fps * 1000) / 1000,
    audio: streams.some((stream) => stream.codec_type === "audio"),
    videoDuration: Number(video.duration) > 0 ? Number(video.duration) : null,
    videoStart: lateBy(Number(video.start_time), Number(parsed.format?.start_time)),
  };
}

/**
 * Whether ffprobe's JSON is of a video whose container says no length (a raw H.264 or MPEG-2 stream), not of a
 * still image (which has none either).
 *
 * @param probed What ffprobe printed as JSON, read (see {@linkcode parseProbe}).
 * @returns True when its length must be found by decoding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lengthUnsaid } from "./probe_input_step.ts";
 * const h264 = { codec_type: "video", codec_name: "h264", width: 160 };
 * assert.equal(lengthUnsaid({ format: {}, streams: [h264] }), true);
 * assert.equal(lengthUnsaid({ format: {}, streams: [{ ...h264, codec_name: "png" }] }), false);
 * assert.equal(lengthUnsaid({ format: { duration: "2" }, streams: [h264] }), false);
 * ```
 */
export function lengthUnsaid(probed: unknown): boolean {
  const parsed = probed as {
    format?: { duration?: string };
    streams?: { codec_type?: string; codec_name?: string; disposition?: { attached_pic?: number } }[];
  };
  if (Number(parsed.format?.duration) > 0) return false;
  return (parsed.streams ?? []).some((stream) =>
    stream.codec_type === "video" && !isCoverArt(stream) && !STILL_CODECS.has(stream.codec_name ?? "")
  );
}

/**
 * Whether a stream is a song's cover art: a picture stream of one frame, not pictures to play (before, an MP3 with
 * a cover made a video of one frame beside its sound).
 */
function isCoverArt(stream: { disposition?: { attached_pic?: number } }): boolean {
  return stream.disposition?.attached_pic === 1;
}

/** Seconds a stream starts after its file, to the microsecond; 0 when it does not or either is not known. */
function lateBy(stream: number, file: number): number {
  const seconds = stream - file;
  return Number.isFinite(seconds) && seconds > 0 ? toMicroseconds(seconds) : 0;
}

/** What the probe asks ffprobe for (the codec's name only to say a still image is one). */
const PROBE_ENTRIES = "format=duration,start_time:" +
  "stream=codec_type,codec_name,duration,start_time,width,height,avg_frame_rate:stream_tags=rotate:" +
  "stream_side_data=rotation:stream_disposition=attached_pic";

/** Codecs of still pictures, as ffprobe names them: a file of one has no duration. */
const STILL_CODECS = new Set([
  "png",
  "mjpeg",
  "webp",
  "bmp",
  "tiff",
  "jpeg2000",
  "jpegls",
  "qoi",
  "pgm",
  "ppm",
]);

/** Probes `runtime.path`; its value is a {@linkcode ProbedInput}. */
export const probeInputStep: StepKindDefinition = {
  kind: "probe-input",
  // 2: a video's sides as decoded, turned upright (a phone's upright video was squeezed into its stored frame).
  // 3: the pictures' own duration (`videoDuration`), which the sound is padded to.
  // 4: when the pictures start (`videoStart`): a variant holds the first picture until then; an input no picture
  // of which decodes is refused. 5: a song with cover art is refused as sound only (a video of one frame was made);
  // a raw H.264 stream's length found by counting its pictures (it was refused: "ffprobe found no duration").
  version: 5,
  blocking: false,
  run: async (task, { signal }) => {
    const path = String(task.runtime.path);
    const name = String(task.runtime.name ?? path);
    // Before, ffprobe's words for it ("moov atom not found"). A stream (a pipe) is not looked into.
    const info = await Deno.stat(path);
    if (info.isFile && info.size === 0) {
      throw new UnrecoverableError(`Cannot read ${name}: it is empty (0 bytes)`, { badInput: true });
    }
    let probed: ProbedInput;
    try {
      const args = ["-v", "error", "-show_entries", PROBE_ENTRIES, "-of", "json", path];
      const { stdout } = await runProcess(task.ffmpeg.ffprobe, args, { signal });
      // A program that is not ffprobe is named (fi10: JSON's SyntaxError, which named nothing).
      const json = ffprobeJson(new TextDecoder().decode(stdout), { ffprobe: task.ffmpeg.ffprobe, args });
      // A raw H.264 stream says no length: its pictures are counted (a pipe is read once, by the encode).
      const measured = info.isFile && lengthUnsaid(json)
        ? await decodedSeconds(task.ffmpeg, path, { stream: "pictures", signal })
        : undefined;
      probed = parseProbe(json, { measured });
    } catch (error) {
      if (error instanceof ProcessError || error instanceof UnrecoverableError) {
        // ffprobe's words without its logger's prefix and the file's path (named here as given).
        const why = error instanceof ProcessError
          ? (await unreadableMediaWords(error.stderr, path)) || error.message
          : error.message;
        throw new UnrecoverableError(`Cannot read ${name}: ${why}`, { cause: error, badInput: true });
      }
      throw error;
    }
    // Its header or index gives the whole length, and ffmpeg encodes the part there is, exit 0 (before, a Matroska
    // or WebM file cut short made a shorter output; an MP4 failed only at its encode).
    const cut = await cutShort(path);
    if (cut !== null) {
      throw new UnrecoverableError(`${name} is cut short: ${cut} (a partial download or copy?)`, {
        badInput: true,
      });
    }
    // Pictures that are all damaged probe well: before, the encode failed in the AAC encoder's words ("more samples
    // than frame size").
    const damaged = info.isFile ? await decodeProblem(task.ffmpeg, path, { needs: "video", signal }) : null;
    if (damaged !== null) throw new UnrecoverableError(damaged.replace(path, name), { badInput: true });
    return { ...probed };
  },
};
