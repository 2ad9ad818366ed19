/**
 * The variant step: one output of one input, one ffmpeg process: the transform set's filtergraph, the chosen
 * encoder, progress from ffmpeg's `-progress` as a share of the output's expected duration. An HLS rendition is
 * written as one fragmented MP4 whose playlist comes back in the step's value.
 * @module
 */
import { UnrecoverableError } from "../../../core/errors.ts";
import type { Json } from "../../../core/json.ts";
import {
  damagedInputWarning,
  decodeErrors,
  fileInput,
  PARTIAL_FILE,
  probeMedia,
} from "../../../media/ffmpeg.ts";
import { runFfmpegWithProgress } from "../../../media/ffmpeg_progress.ts";
import { encoderFromIdentity, videoEncodingArgs } from "../../../media/video_encoder.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";
import { drawtextText, textEms } from "../../../providers/local/slides/font_for_text.ts";
import { turnedSize, variantGraph } from "../variant_filters.ts";
import type { Rendition, TransformSet } from "../variants_schema.ts";
import type { ProbedInput } from "./probe_input_step.ts";

/** The params of a variant step: everything that shapes its bytes. */
export interface VariantParams {
  /** The input's identity (its content's digest). */
  input: string;
  /** The transforms. */
  set: TransformSet;
  /** Its rendition. */
  rendition: Rendition;
  /** Codec, constant quality (null for a rendition of a bitrate, which is encoded without it) and the speed. */
  video: { codec: "h264" | "hevc"; crf: number | null; preset: "fast" | "fastest" };
  /** The encoder's identity ({@linkcode encoderIdentity}). */
  encoder: Json;
  /** A software encoder's threads, as planned (the bytes depend on them: see `encoderThreads`); null for hardware. */
  threads: number | null;
  /** `mp4`, or `hls` for a rendition that is also an HLS stream (fragmented MP4, keyframes every 2 s). */
  container: "mp4" | "hls";
  /** The fixes of the step that changed this output's bytes (see `plan_variants.ts`); absent for none. */
  fixed?: string[];
}

/**
 * The fix (see `fixesOf` in `plan_variants.ts`) of a trim of an input whose container has no index of keyframes:
 * the input is decoded from its start and cut in the graph, where `-ss` lost the pictures up to the next keyframe.
 */
export const TRIM_BY_DECODING = "trim-by-decoding";

/**
 * How an output is encoded, as its recipe and rendition say: the recipe's constant quality, or the rendition's
 * bitrate (which rules it out), and reel's preset. Its encode and its manifest say it alike.
 *
 * @param params The output's codec settings and rendition.
 * @returns The quality settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantQuality } from "./encode_variant_step.ts";
 * const video = { codec: "h264" as const, crf: 23, preset: "fast" as const };
 * assert.deepEqual(variantQuality({ video, rendition: { bitrate: null } }), { crf: 23, bitrate: null, preset: "fast" });
 * assert.equal(variantQuality({ video, rendition: { bitrate: 300_000 } }).crf, null);
 * ```
 */
export function variantQuality(
  params: { video: VariantParams["video"]; rendition: Pick<Rendition, "bitrate"> },
): { crf: number | null; bitrate: number | null; preset: VariantParams["video"]["preset"] } {
  const { video, rendition } = params;
  return {
    crf: rendition.bitrate === null ? video.crf : null,
    bitrate: rendition.bitrate,
    preset: video.preset,
  };
}

/** HLS segments are this long, in seconds. */
const SEGMENT_SECONDS = 2;

/**
 * The length of the output, in seconds: the input after the trim, at the speed.
 *
 * @param set The transforms.
 * @param input The input's path and duration in seconds.
 * @returns Seconds.
 * @throws {UnrecoverableError} When the trim starts at or after the input's end, naming the input (nt3: it named
 *   neither the file nor how long it is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputDuration } from "./encode_variant_step.ts";
 * assert.equal(outputDuration({ trim: { start: 2, duration: null }, speed: 2 }, { path: "a.mp4", duration: 20 }), 9);
 * ```
 */
export function outputDuration(
  set: Pick<TransformSet, "trim" | "speed">,
  input: { path: string; duration: number },
): number {
  const left = input.duration - set.trim.start;
  if (!(left > 0)) {
    throw new UnrecoverableError(
      `The trim starts at ${set.trim.start} s, after the end of ${input.path} (${
        input.duration.toFixed(2)
      } s)`,
      { badInput: true },
    );
  }
  return Math.min(left, set.trim.duration ?? left) / set.speed;
}

/**
 * The output's pictures' length, from its start (held first picture included): {@linkcode outputDuration} up to the
 * input's last picture, where the container says when that is.
 */
function pictureSeconds(set: TransformSet, probe: ProbedInput): number {
  const end = probe.videoDuration == null ? probe.duration : (probe.videoStart ?? 0) + probe.videoDuration;
  return Math.max(0, Math.min(end - set.trim.start, set.trim.duration ?? Infinity)) / set.speed;
}

/** How much shorter than due an output's pictures may be (a frame or two at a low rate), 10% of a long one. */
const SHORT_SLACK_S = 0.25;

/**
 * Seconds of the output before the input's first picture (its pictures start after its sound and after the trim's
 * start), or 0 under half a frame.
 */
function pictureLead(set: TransformSet, probe: ProbedInput): number {
  const lead = (probe.videoStart ?? 0) - set.trim.start;
  return lead >= 0.5 / probe.fps ? lead / set.speed : 0;
}

/** Encodes one output; its value is `{ duration, width, height, bitrate, playlist }` (playlist: HLS only). */
export const encodeVariantStep: StepKindDefinition = {
  kind: "variant",
  // 3: the sound keeps its place on the input's timeline, padded with silence to the output's length.
  // 4: so do the pictures (the first held until they start, when they start after the sound); the sound ends with
  // them.
  // 5: pictures and sound end at the output's length (with a trim's duration, late pictures ran on by their lead).
  // 6: overlay text too wide for the frame is drawn smaller, to fit. 7: Arabic or Hebrew text set right to left.
  // 8: the frames picked by fps at every rate, the last picture held a little (a variable-rate input's lasts long).
  // 9: a colour change leaves what the background fills (a pad's bars, a rotation's corners) in its colour.
  version: 9,
  blocking: false,
  run: async (task, { signal, reportProgress }) => {
    const params = task.params as unknown as VariantParams;
    const probe = task.inputs[0]!.value as unknown as ProbedInput;
    const { set, rendition } = params;
    const duration = outputDuration(set, { path: String(task.runtime.input), duration: probe.duration });
    const encoder = encoderFromIdentity(params.encoder);
    const hls = params.container === "hls";
    const decodeTrim = params.fixed?.includes(TRIM_BY_DECODING) ?? false;
    const encoding = videoEncodingArgs(encoder, {
      ...variantQuality(params),
      gop: null,
      threads: params.threads,
    });
    const textFile = set.overlay?.kind === "text" ? `${task.scratchDir}/overlay.txt` : null;
    const fontFile = typeof task.runtime.fontFile === "string" ? task.runtime.fontFile : null;
    let ems: number | undefined;
    if (textFile !== null && set.overlay?.kind === "text") {
      const text = set.overlay.text;
      await Deno.writeTextFile(textFile, fontFile === null ? text : await drawtextText(text, fontFile));
      if (fontFile !== null) ems = await textEms(text, fontFile);
    }
    const graph = variantGraph(set, {
      input: probe,
      audio: probe.audio,
      // The sound is padded to the pictures' length: a file whose pictures start after its sound is longer than them.
      duration: Math.min(duration, pictureSeconds(set, probe)),
      lead: pictureLead(set, probe),
      trimStart: decodeTrim ? set.trim.start : 0,
      // Where the input says how long its pictures last (a Matroska does not: they may end before its sound).
      hold: probe.videoDuration != null ? SHORT_SLACK_S : 0,
      rendition,
      encoderFilter: encoding.filter,
      fontFile,
      textFile,
      textEms: ems,
    });
    const image = set.overlay?.kind === "image" ? String(task.runtime.overlayImage) : null;
    const playlist = `${task.scratchDir}/media.m3u8`;
    const said = await runFfmpegWithProgress(task.ffmpeg, [
      ...encoding.input,
      ...inputArgs(set, { input: String(task.runtime.input), image, decodeTrim }),
      "-filter_complex",
      graph.graph,
      "-map",
      "[v]",
      ...(graph.audio ? ["-map", "[a]", "-c:a", "aac", "-b:a", "128k", "-ac", "2"] : ["-an"]),
      ...encoding.output,
      ...(hls ? hlsArgs(playlist) : ["-movflags", "+faststart", "-f", "mp4", outputPath(task)]),
    ], { signal, duration, onProgress: reportProgress });
    if (hls) await Deno.rename(`${task.scratchDir}/media.m4s`, outputPath(task));
    const written = await probeMedia(task.ffmpeg, outputPath(task), { signal });
    // An MP4 cut after its index (a partial download): ffmpeg reads what is there, says so and exits 0, and the
    // output was the part, exit 0.
    if (PARTIAL_FILE.test(said)) {
      throw new UnrecoverableError(
        `${task.runtime.input} is cut short: its index says ${
          probe.duration.toFixed(2)
        } s, but its data ends ` +
          `before that (ffmpeg: partial file; a partial download or copy?)`,
        { badInput: true },
      );
    }
    // A trim that starts inside the input's last frame leaves no picture: ffmpeg wrote the sound alone, exit 0.
    if (!written.streams.some((stream) => stream.type === "video")) {
      throw new UnrecoverableError(
        `The trim starts at ${set.trim.start} s, which leaves less than one frame of ${task.runtime.input} ` +
          `(${probe.duration.toFixed(2)} s)`,
        { badInput: true },
      );
    }
    // Pictures that end early, found by their length (before, shorter outputs were stored and published, exit 0: a
    // trim inside a variable-rate video's long still gave 0.24 s of 1, an ffmpeg that stopped early 1 s of 8).
    // Only where the input says its pictures' length: a Matroska, WebM or FLV file says none (its pictures may end
    // before its sound, and the file's length is the sound's).
    const pictures = written.streams.find((stream) => stream.type === "video")?.duration ?? null;
    const due = Math.min(duration, pictureSeconds(set, probe));
    if (
      probe.videoDuration !== null && pictures !== null && pictures < due - Math.max(SHORT_SLACK_S, due * 0.1)
    ) {
      throw new UnrecoverableError(
        `The encode of ${task.runtime.input} wrote ${pictures.toFixed(2)} s of pictures where ${
          due.toFixed(2)
        } s were due` +
          (set.trim.start > 0
            ? ` (a trim that starts inside a long still of a variable-rate video loses it: trim elsewhere)`
            : ""),
        // A trim inside a long still of a variable-rate video is the input's; an ffmpeg that stopped early is not.
        { badInput: set.trim.start > 0 },
      );
    }
    const bytes = (await Deno.stat(outputPath(task))).size;
    // nt5: its height as the input has it (91), not as written (92, made even).
    const source = turnedSize(set.rotate, probe);
    // Not in the version: the bytes are those made before, and a value stored before lacks only the warning.
    const errors = decodeErrors(said);
    const warnings = [
      ...errors > 0
        ? [damagedInputWarning(String(task.runtime.input), {
          errors,
          missing: "the variant holds the last good picture, and silence, where they were",
        })]
        : [],
      // A ladder's rung taller than the input's pictures (turned as the recipe turns them) is made, as asked; the
      // user is told it adds no detail (a fit into a format or a zoom is not counted: both enlarge by design).
      ...rendition.height !== null && rendition.height > source.height
        ? [
          `its ${rendition.name} rendition is taller than the input's pictures (${source.height} px high): they ` +
          "are scaled up, no sharper than the input",
        ]
        : fitScale(set, source, graph.size) >= UPSCALE_WARNED
        ? [
          // nt21: a 160×120 clip made 1080×1080 by `square` without a word. A fit that enlarges a little (a
          // 1080p landscape cropped to 9:16, 1.8×) is what a format asks; more is said.
          `the input's pictures (${source.width}×${source.height}) are scaled up ${
            fitScale(set, source, graph.size).toFixed(1)
          }× to ${
            set.fit === "pad" || set.fit === "blur" ? "fit" : "fill"
          } ${graph.size.width}×${graph.size.height}: ` +
          "no sharper than the input",
        ]
        : [],
      ...graph.text?.fits === false
        ? [
          `its overlay text is too long for a frame ${graph.text.frame.width} px wide even at 8 px: it is cut at ` +
          "the edges",
        ]
        : [],
    ];
    return {
      duration: written.duration,
      width: graph.size.width,
      height: graph.size.height,
      bitrate: Math.round((bytes * 8) / Math.max(written.duration, 0.001)),
      playlist: hls ? targetAtLeastSegments(await Deno.readTextFile(playlist)) : null,
      ...warnings.length > 0 ? { warnings } : {},
    };
  },
};

/** How much a format's fit may enlarge the input's pictures before a variant says so. */
const UPSCALE_WARNED = 2;

/**
 * How many times a format's fit enlarges the input's pictures (turned as the recipe turns them): 1 without a
 * format. A crop or a stretch fills the frame, a pad or a blurred background fits in it; a zoom is not counted (it
 * enlarges by design).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitScale } from "./encode_variant_step.ts";
 * const square = { width: 1080, height: 1080 };
 * assert.equal(fitScale({ size: square, fit: "crop" }, { width: 160, height: 120 }, square), 9);
 * assert.equal(fitScale({ size: square, fit: "pad" }, { width: 160, height: 120 }, square), 6.75);
 * assert.equal(fitScale({ size: null, fit: "crop" }, { width: 160, height: 120 }, square), 1);
 * ```
 */
export function fitScale(
  set: Pick<TransformSet, "size" | "fit">,
  source: { width: number; height: number },
  frame: { width: number; height: number },
): number {
  if (set.size === null) return 1;
  const across = frame.width / source.width;
  const down = frame.height / source.height;
  return set.fit === "pad" || set.fit === "blur" ? Math.min(across, down) : Math.max(across, down);
}

/**
 * The input, trimmed (by `-ss`, or up to the trim's end only where the graph cuts its start), and the overlay image.
 */
function inputArgs(
  set: TransformSet,
  { input, image, decodeTrim }: { input: string; image: string | null; decodeTrim: boolean },
): string[] {
  const start = decodeTrim ? 0 : set.trim.start;
  return [
    ...(start > 0 ? ["-ss", String(start)] : []),
    // Read to the trim's end, counted from where `-ss` put the start.
    ...(set.trim.duration !== null ? ["-t", String(set.trim.start - start + set.trim.duration)] : []),
    "-i",
    input,
    ...(image === null ? [] : fileInput(image)),
  ];
}

/** An HLS stream as one fragmented MP4 (`media.m4s` beside the playlist), a keyframe every segment. */
function hlsArgs(playlist: string): string[] {
  return [
    "-force_key_frames",
    `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
    "-f",
    "hls",
    "-hls_segment_type",
    "fmp4",
    "-hls_flags",
    "single_file",
    "-hls_time",
    String(SEGMENT_SECONDS),
    "-hls_playlist_type",
    "vod",
    playlist,
  ];
}

/**
 * A media playlist whose target duration holds its longest segment rounded (RFC 8216 4.3.3.1): ffmpeg rounds the
 * target down, and a clip under half a second had `#EXT-X-TARGETDURATION:0` beside `#EXTINF:0.5`, which players
 * refuse.
 *
 * @param text The playlist ffmpeg wrote.
 * @returns The playlist, its target duration at least 1 and at least each segment's length rounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetAtLeastSegments } from "./encode_variant_step.ts";
 * const text = "#EXTM3U\n#EXT-X-TARGETDURATION:0\n#EXTINF:0.500000,\nmedia.m4s\n";
 * assert.match(targetAtLeastSegments(text), /#EXT-X-TARGETDURATION:1\n/);
 * ```
 */
export function targetAtLeastSegments(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/^#EXTINF:([\d.]+)/gm)].map((match) => Number(match[1])));
  return text.replace(
    /^#EXT-X-TARGETDURATION:(\d+)$/m,
    (_, target) => `#EXT-X-TARGETDURATION:${Math.max(1, Number(target), Math.round(longest))}`,
  );
}
