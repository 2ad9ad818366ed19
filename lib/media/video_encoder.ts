/**
 * The video encoders reel knows and the one helper that turns an encoder and a quality into ffmpeg arguments. Every
 * step that encodes video builds its arguments here and keys itself by {@linkcode encoderIdentity}, so the choice
 * of encoder and what it makes are one fact in one place.
 * @module
 */
import type { Json } from "../core/json.ts";

/** The codecs reel writes. */
export type VideoCodec = "h264" | "hevc";

/** An ffmpeg video encoder reel can drive. */
export interface VideoEncoder {
  /** ffmpeg's name for it: `libx264`, `h264_nvenc`, `hevc_vaapi`… */
  name: string;
  /** The codec it writes. */
  codec: VideoCodec;
  /** True for a hardware encoder (probed with a test encode before use). */
  hardware: boolean;
}

/** ffmpeg's output options that tag a video's colours as reel writes them: BT.709, limited range. */
export const BT709_TAGS: readonly string[] = [
  "-colorspace",
  "bt709",
  "-color_primaries",
  "bt709",
  "-color_trc",
  "bt709",
  "-color_range",
  "tv",
];

/** Seconds between keyframes of reel's videos: a player seeking anywhere decodes at most this much. */
export const KEYFRAME_SECONDS = 2;

/** What an output asks of the encoder. */
export interface VideoQuality {
  /** Constant quality on x264's 0–51 scale (lower is better), or null when `bitrate` rules. */
  crf: number | null;
  /** Target bitrate in bits per second (with a matching maxrate and buffer), or null for constant quality. */
  bitrate: number | null;
  /** Frames between keyframes (HLS segments and chunk joins need them regular), or null for the encoder's own. */
  gop: number | null;
  /**
   * How hard the encoder works: `fast` (x264 `veryfast`: smaller files) or `fastest` (x264 `ultrafast`: about twice
   * as fast and half the memory, files about 1.8 times as big).
   */
  preset: "fast" | "fastest";
  /**
   * A software encoder's threads (x264's `-threads`, x265's frame threads), or null for the encoder's own choice,
   * which follows the machine's cores: only for test encodes, as the bytes depend on it (see
   * {@linkcode encoderThreads}). One thread each suits encodes that already run side by side (a montage's chunks).
   */
  threads: number | null;
}

/** The arguments an encoder needs, by where they go on ffmpeg's command line. */
export interface EncodingArgs {
  /** Before the first `-i` (a hardware device). */
  input: string[];
  /** The last filter of the video chain: the pixel format the encoder takes (and its upload to the device). */
  filter: string;
  /** Output options: codec, rate control, keyframes. */
  output: string[];
}

/**
 * The version of the argument choices below for an encoder: part of every encoding step's key, so changing a preset
 * or a pixel format re-runs what it made. 2: x264 with several threads made different bytes from one run to the next
 * (see `X264_PARAMS` and {@linkcode encoderThreads}); its threads now work so that one key makes one set of bytes.
 * 3, libx265: x265's frame threads, and at a bitrate its wavefront threads, made different bytes from one run to
 * the next (see {@linkcode encoderThreads} and `presetArgs`). 3, libx264: x264's `ultrafast` wrote Constrained
 * Baseline; with its 8×8 transform on, High, as every other H.264 reel writes.
 */
function argsVersion(encoder: VideoEncoder): number {
  return encoder.name === "libx265" || encoder.name === "libx264" ? 3 : 2;
}

/** The hardware encoders that may exist, by family, H.264 then HEVC: probed in this order. */
export const HARDWARE_ENCODERS: readonly VideoEncoder[] = [
  "nvenc",
  "qsv",
  "vaapi",
  "videotoolbox",
  "amf",
  "v4l2m2m",
].flatMap((family) =>
  (["h264", "hevc"] as const).map((codec) => ({ name: `${codec}_${family}`, codec, hardware: true }))
);

/** The software encoders, used when no hardware encoder works. */
export const SOFTWARE_ENCODERS: Readonly<Record<VideoCodec, VideoEncoder>> = {
  h264: { name: "libx264", codec: "h264", hardware: false },
  hevc: { name: "libx265", codec: "hevc", hardware: false },
};

/** The render node VA-API encoders use. */
const VAAPI_DEVICE = "/dev/dri/renderD128";

/**
 * Finds a known encoder by its ffmpeg name.
 *
 * @param name e.g. `libx264` or `h264_nvenc`.
 * @returns The encoder, or null when reel does not know it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { knownEncoder } from "./video_encoder.ts";
 * assert.equal(knownEncoder("h264_nvenc")?.hardware, true);
 * assert.equal(knownEncoder("mpeg4"), null);
 * ```
 */
export function knownEncoder(name: string): VideoEncoder | null {
  const all = [...Object.values(SOFTWARE_ENCODERS), ...HARDWARE_ENCODERS];
  return all.find((encoder) => encoder.name === name) ?? null;
}

/**
 * The encoder's identity as step keys hold it: its name and codec and the version of the arguments reel gives it.
 * Steps that encode with it put this in their params, so a different encoder makes a different key.
 *
 * @param encoder The encoder.
 * @returns JSON for a key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encoderIdentity, SOFTWARE_ENCODERS } from "./video_encoder.ts";
 * assert.deepEqual(encoderIdentity(SOFTWARE_ENCODERS.h264), { name: "libx264", codec: "h264", hardware: false, args: 3 });
 * assert.equal(encoderIdentity(SOFTWARE_ENCODERS.hevc).args, 3);
 * ```
 */
export function encoderIdentity(encoder: VideoEncoder): { [key: string]: Json } {
  return { name: encoder.name, codec: encoder.codec, hardware: encoder.hardware, args: argsVersion(encoder) };
}

/** What the threads of an encode depend on besides the encoder and the cores. */
export interface EncoderThreadsOptions {
  /**
   * True for an encode at a bitrate (with a maxrate and buffer: x264's VBV), false for constant quality.
   * @default false
   */
  bitrate?: boolean;
}

/**
 * The threads a software encoder would pick by itself on a machine of `cores` logical CPUs, made explicit: its
 * bytes depend on them, so a step that encodes with them puts the number in its params (its key) and passes it on
 * (see {@linkcode videoEncodingArgs}). x264 takes 1.5 threads a core. Null for a hardware encoder.
 *
 * x265 takes one frame thread, whatever the cores: with two or more, its frames came out differently from one run
 * to the next (640×360 at a bitrate: 3 different streams in 4 encodes side by side at 2 frame threads, what it picks
 * on 4 to 7 cores; at constant quality 2 in 4 at 3). Its wavefront threads (a thread pool of the machine's cores)
 * still encode the rows of a frame in parallel, and do not change the pictures; their number is not written in the
 * stream unless set.
 *
 * x264 at a bitrate takes one thread: its VBV plans each frame from the sizes the frames encoded beside it (frame
 * threads) or the other slices (sliced threads) have reached so far, so with more than one thread the `ladder`
 * renditions came out 4 different ways in 4 runs. Encodes at a bitrate run side by side (a ladder's renditions).
 *
 * @param encoder The encoder.
 * @param cores The planning machine's logical CPUs (`EncoderChoice.cores`).
 * @param options Whether the encode is at a bitrate.
 * @returns The threads, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encoderThreads, SOFTWARE_ENCODERS } from "./video_encoder.ts";
 * assert.equal(encoderThreads(SOFTWARE_ENCODERS.h264, 2), 3);
 * assert.equal(encoderThreads(SOFTWARE_ENCODERS.hevc, 8), 1);
 * assert.equal(encoderThreads(SOFTWARE_ENCODERS.h264, 2, { bitrate: true }), 1);
 * ```
 */
export function encoderThreads(
  encoder: VideoEncoder,
  cores: number,
  options: EncoderThreadsOptions = {},
): number | null {
  const { bitrate = false } = options;
  if (encoder.hardware) return null;
  if (encoder.name === "libx265" || (bitrate && encoder.name === "libx264")) return 1;
  return Math.max(1, Math.floor((Math.max(1, Math.floor(cores)) * 3) / 2));
}

/**
 * Reads an encoder back from the identity a step's params hold.
 *
 * @param identity What {@linkcode encoderIdentity} made.
 * @returns The encoder.
 * @throws {TypeError} When the identity names no encoder reel knows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encoderFromIdentity, encoderIdentity, SOFTWARE_ENCODERS } from "./video_encoder.ts";
 * assert.equal(encoderFromIdentity(encoderIdentity(SOFTWARE_ENCODERS.h264)).name, "libx264");
 * ```
 */
export function encoderFromIdentity(identity: Json): VideoEncoder {
  const name = typeof identity === "object" && identity !== null && !Array.isArray(identity)
    ? identity.name
    : null;
  const encoder = typeof name === "string" ? knownEncoder(name) : null;
  if (encoder === null) {
    throw new TypeError(`Expected a video encoder's identity, got ${JSON.stringify(identity)}`);
  }
  return encoder;
}

/**
 * The one encoding-args helper: what ffmpeg needs to encode video with `encoder` at `quality`.
 *
 * @param encoder The encoder.
 * @param quality Constant quality or bitrate, and the keyframe interval.
 * @returns Input options, the last video filter, and output options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SOFTWARE_ENCODERS, videoEncodingArgs } from "./video_encoder.ts";
 * const args = videoEncodingArgs(SOFTWARE_ENCODERS.h264, { crf: 23, bitrate: null, gop: 60, preset: "fast", threads: null });
 * assert.equal(args.filter, "format=yuv420p");
 * assert.deepEqual(args.output.slice(0, 2), ["-c:v", "libx264"]);
 * ```
 */
export function videoEncodingArgs(encoder: VideoEncoder, quality: VideoQuality): EncodingArgs {
  const family = encoder.hardware ? encoder.name.slice(encoder.name.indexOf("_") + 1) : "software";
  const rate = rateArgs(family, quality);
  const gop = quality.gop === null ? [] : ["-g", String(quality.gop), "-keyint_min", String(quality.gop)];
  const tag = encoder.codec === "hevc" ? ["-tag:v", "hvc1"] : [];
  // x265 takes its frame threads in its own params (ffmpeg's -threads does not reach it).
  const threads = quality.threads === null || encoder.name === "libx265"
    ? []
    : ["-threads", String(quality.threads)];
  const output = [
    "-c:v",
    encoder.name,
    ...presetArgs(encoder, quality),
    ...rate,
    ...gop,
    ...threads,
    ...tag,
  ];
  if (family === "vaapi") {
    return {
      input: ["-init_hw_device", `vaapi=va:${VAAPI_DEVICE}`, "-filter_hw_device", "va"],
      filter: "format=nv12,hwupload",
      output,
    };
  }
  return { input: [], filter: family === "qsv" ? "format=nv12" : "format=yuv420p", output };
}

function presetArgs(encoder: VideoEncoder, { preset, threads, bitrate }: VideoQuality): string[] {
  const fastest = preset === "fastest";
  if (encoder.name === "libx264") {
    // `ultrafast` turns the 8×8 transform off, which leaves a Constrained Baseline stream: on, it is High (a few
    // per cent more work), the profile of every other H.264 reel writes.
    return fastest
      ? ["-preset", "ultrafast", "-profile:v", "high", "-x264-params", `${X264_PARAMS}:8x8dct=1`]
      : ["-preset", "veryfast", "-x264-params", X264_PARAMS];
  }
  if (encoder.name === "libx265") {
    const frames = threads === null ? "" : `:frame-threads=${threads}`;
    // At a bitrate, x265's VBV adjusts each row's quantiser from the rows its wavefront threads have encoded so far:
    // 4 encodes side by side gave 4 different streams at one frame thread. A pool of one thread gives one.
    const pool = bitrate === null ? "" : ":pools=1";
    return ["-preset", fastest ? "ultrafast" : "veryfast", "-x265-params", `log-level=error${frames}${pool}`];
  }
  if (encoder.name.endsWith("_nvenc")) return ["-preset", fastest ? "p1" : "p4"];
  if (encoder.name.endsWith("_qsv")) return ["-preset", fastest ? "veryfast" : "medium"];
  return [];
}

/**
 * x264's own options, so that its threads make the same bytes on every run (x264's `deterministic`, on by default,
 * does not cover this). With several threads x264 encodes several frames at once and, by default, decides frame
 * types and MB-tree in a lookahead thread of its own; what that thread has taken in when it decides depends on
 * timing: a 1080×1920 crop (`vertical`) at 3 threads gave 2 or 3 different video streams in 6 runs (landscape frames
 * of the same size did not). `sync-lookahead=0` runs the lookahead in the threads that encode and keeps the frame
 * threads: the same stream in 10 runs of 10, 4 at once too. With one thread x264 works so already (the same bytes).
 * An encode at a bitrate needs one thread (see {@linkcode encoderThreads}).
 */
const X264_PARAMS = "sync-lookahead=0";

function rateArgs(family: string, quality: VideoQuality): string[] {
  if (quality.bitrate !== null) {
    const bits = String(Math.round(quality.bitrate));
    return ["-b:v", bits, "-maxrate", bits, "-bufsize", String(Math.round(quality.bitrate * 2))];
  }
  const crf = String(quality.crf ?? 23);
  switch (family) {
    case "software":
      return ["-crf", crf];
    case "nvenc":
      return ["-rc", "vbr", "-cq", crf, "-b:v", "0"];
    case "qsv":
      return ["-global_quality", crf];
    case "vaapi":
    case "amf":
      return family === "vaapi" ? ["-qp", crf] : ["-rc", "cqp", "-qp_i", crf, "-qp_p", crf];
    default:
      // videotoolbox and v4l2m2m take a bitrate only: a generous one stands in for constant quality.
      return ["-b:v", "8M"];
  }
}
