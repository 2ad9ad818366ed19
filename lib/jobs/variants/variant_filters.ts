/**
 * From a transform set to ffmpeg's filtergraph: the video chain (speed, frame rate, rotation, mirror, zoom, fit to
 * the format, colour, overlay, the rendition's height, the encoder's pixel format) and the audio chain (speed,
 * gain, loudness).
 * @module
 */
import { toMicroseconds } from "../../core/units.ts";
import { escapeFilterOption } from "../../media/escape_filter_option.ts";
import { ffmpegColor } from "../../media/ffmpeg_filters.ts";
import { frameRate } from "../../media/frame_rate.ts";
import type { Position, Rendition, TransformSet } from "./variants_schema.ts";
import { RECIPE_DEFAULTS } from "./resolve_recipe.ts";
import { fittedTextSize } from "../../providers/local/slides/font_for_text.ts";

/** What the graph needs to know of the input and the run. */
export interface GraphContext {
  /** The input's frame size. */
  input: { width: number; height: number };
  /** Whether the input has audio (and the output keeps it). */
  audio: boolean;
  /** The output's length in seconds (its sound is padded with silence to it; its pictures and sound end there). */
  duration: number;
  /**
   * Seconds of the output before its first picture, when the input's pictures start after its sound (and after the
   * trim's start): the first picture is held that long. @default 0
   */
  lead?: number;
  /**
   * Where the trim starts on the input's timeline, in seconds, when the graph cuts it (an input decoded from its
   * start, whose container has no index for `-ss` to seek by); 0 when ffmpeg's `-ss` did. @default 0
   */
  trimStart?: number;
  /**
   * Seconds the last picture may be held past where `fps` ends it, up to the output's end: a variable-rate input's
   * last picture lasts longer than a frame (ut: 6.72 s of pictures where 6.8 s were due). Bounded, so that pictures
   * that end early (a trim that starts inside a long still loses it) still come out short, and are refused so.
   * @default 0
   */
  hold?: number;
  /** The rendition to scale to. */
  rendition: Rendition;
  /** The encoder's last filter (`format=yuv420p`). */
  encoderFilter: string;
  /** The caption font's path, for a text overlay. */
  fontFile: string | null;
  /** A file holding the overlay's text (drawtext reads it, so the text needs no escaping). */
  textFile: string | null;
  /** How wide the overlay's text is in its font, in ems (see `textEms`): it is drawn smaller where it would not fit. */
  textEms?: number;
}

/** The graph and its outputs' labels. */
export interface VariantGraph {
  /** The filtergraph (`[0:v]` is the input, `[1:v]` an overlay image). */
  graph: string;
  /** Size of the frames written. */
  size: { width: number; height: number };
  /** True when the graph has an `[a]` output. */
  audio: boolean;
  /**
   * Text overlay only: the frame it is drawn in (before the rendition's scale) and whether it fits there whole
   * (false where even 8 px is too wide: drawn cut at the edges).
   */
  text?: { frame: { width: number; height: number }; fits: boolean };
}

const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);

/**
 * The frame size after rotation, zoom and fit, before the rendition's scale.
 *
 * @param set The transforms.
 * @param input The input's frame size.
 * @returns Width and height, even.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameSize } from "./variant_filters.ts";
 * const set = { size: null, rotate: 90, zoom: 1 } as Parameters<typeof frameSize>[0];
 * assert.deepEqual(frameSize(set, { width: 160, height: 90 }), { width: 90, height: 160 });
 * ```
 */
export function frameSize(
  set: Pick<TransformSet, "size" | "rotate" | "zoom">,
  input: { width: number; height: number },
): { width: number; height: number } {
  if (set.size !== null) return set.size;
  const { width, height } = turnedSize(set.rotate, input);
  return { width: even(width), height: even(height) };
}

/**
 * The input's pictures as a rotation by quarter turns leaves them: its width and height, swapped by a quarter
 * turn (another angle keeps the frame's size).
 *
 * @param rotate The recipe's rotation, in degrees.
 * @param input The input's size.
 * @returns The size, not rounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { turnedSize } from "./variant_filters.ts";
 * assert.deepEqual(turnedSize(90, { width: 161, height: 91 }), { width: 91, height: 161 });
 * assert.deepEqual(turnedSize(30, { width: 161, height: 91 }), { width: 161, height: 91 });
 * ```
 */
export function turnedSize(
  rotate: number,
  input: { width: number; height: number },
): { width: number; height: number } {
  const turned = quarterTurns(rotate) % 2 === 1;
  return turned ? { width: input.height, height: input.width } : { width: input.width, height: input.height };
}

/** The output size of a rendition of a frame: its height, the width keeping the frame's shape. */
function renditionSize(frame: { width: number; height: number }, rendition: Rendition) {
  if (rendition.height === null) return frame;
  return { width: even((frame.width * rendition.height) / frame.height), height: rendition.height };
}

/**
 * The transforms as the graph reads them: a field it does not read for this set is its default, so that an encode
 * is keyed by what shapes its bytes (rv25: a `background` under `fit: "crop"` encoded the same video again). The
 * fit is read only for a set with a size, the focus only by a crop, the background only by a pad or a turn that is
 * not a quarter, the sound's gain and loudness only when it is not muted.
 *
 * @param set The transforms.
 * @returns The transforms, the unread fields at their defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTransforms } from "./variant_filters.ts";
 * import type { TransformSet } from "./variants_schema.ts";
 * const set = {
 *   size: { width: 64, height: 64 }, fit: "crop", focus: { x: 0, y: 0 }, background: "#ff0000", rotate: 0,
 *   audio: { gain: 0, loudness: null, mute: false },
 * } as TransformSet;
 * assert.equal(readTransforms(set).background, "#000000");
 * assert.deepEqual(readTransforms(set).focus, { x: 0, y: 0 });
 * assert.equal(readTransforms({ ...set, fit: "pad" }).background, "#ff0000");
 * ```
 */
export function readTransforms(set: TransformSet): TransformSet {
  const sized = set.size !== null;
  const turned = quarterTurns(set.rotate) < 0;
  return {
    ...set,
    fit: sized ? set.fit : RECIPE_DEFAULTS.fit,
    focus: sized && set.fit === "crop" ? set.focus : { x: 0.5, y: 0.5 },
    background: (sized && set.fit === "pad") || turned ? set.background : RECIPE_DEFAULTS.background,
    audio: set.audio.mute ? { gain: 0, loudness: null, mute: true } : set.audio,
  };
}

function quarterTurns(degrees: number): number {
  return Number.isInteger(degrees / 90) ? (((degrees / 90) % 4) + 4) % 4 : -1;
}

/**
 * Builds the filtergraph of one output.
 *
 * @param set The transforms.
 * @param context The input's size and audio, the rendition, the encoder's filter, the overlay's files.
 * @returns The graph, the frame size written, and whether it has audio.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantGraph } from "./variant_filters.ts";
 * const set = {
 *   size: { width: 90, height: 160 }, fit: "crop" as const, focus: { x: 0.5, y: 0.5 }, background: "#000000",
 *   trim: { start: 0, duration: null }, speed: 1, fps: null, zoom: 1, rotate: 0, mirror: false,
 *   color: { brightness: 0, contrast: 1, saturation: 1, hue: 0 }, overlay: null,
 *   audio: { gain: 0, loudness: null, mute: false },
 * };
 * const { graph } = variantGraph(set, {
 *   input: { width: 160, height: 90 }, audio: false, duration: 2,
 *   rendition: { name: null, height: null, bitrate: null },
 *   encoderFilter: "format=yuv420p", fontFile: null, textFile: null,
 * });
 * assert.match(graph, /crop=90:160/);
 * ```
 */
export function variantGraph(set: TransformSet, context: GraphContext): VariantGraph {
  const frame = frameSize(set, context.input);
  const size = renditionSize(frame, context.rendition);
  const trimStart = toMicroseconds(context.trimStart ?? 0);
  // As `-ss` would: the pictures from the trim's start, the first of them at the output's start.
  const chain = [...trimStart > 0 ? [`trim=start=${trimStart}`] : [], `setpts=(PTS-STARTPTS)/${set.speed}`];
  const lead = toMicroseconds(context.lead ?? 0);
  if (lead > 0) chain.push(`tpad=start_mode=clone:start_duration=${lead}`);
  // Ends with the sound: a trim's `-t` counts each stream from its own first frame, so pictures that start after the
  // sound ran past the trim's end by their lead (1.5 s, or a frame or two of a transport stream).
  const end = `trim=end=${toMicroseconds(context.duration)}`;
  // The frames are picked by fps, at the input's rate unless one is set: left to the muxer, a 2x clip began
  // 0,1,2,3,4,6… and its pictures trailed the sound by two frames.
  const rate = `fps=${set.fps === null ? "source_fps" : frameRate(set.fps)}`;
  // Where the graph cuts the trim, the input is read past its end (from the file's start, by `-t`, each stream from
  // its own first frame) and `fps` after `trim=end` held the last picture up to the next one dropped: 70 frames
  // where 60 were due at half speed (review), so the frames are picked first. Where `-ss` cut, the input is cut
  // before them too, as those outputs were made. Either way the last picture is held (see `hold`) and cut at the
  // end: `fps` ends at that picture's start, or past the end when `trim=end` cut before it (ut: 6.88 s where 6.8 s
  // were due).
  const hold = toMicroseconds(context.hold ?? 0);
  chain.push(
    ...trimStart > 0 ? [rate] : [end, rate],
    ...hold > 0 ? [`tpad=stop_mode=clone:stop_duration=${hold}`] : [],
    end,
  );
  // The colour changes the picture, not what the background fills (nt18: brightness 0.3 drew a pad's black bars
  // grey): before a rotation that fills the corners, between the scale and the pad of a fit that pads, else on the
  // fitted frames (the output's size, not the input's).
  const colour = colourFilters(set.color);
  const filling = quarterTurns(set.rotate) < 0;
  if (filling) chain.push(...colour);
  chain.push(...rotation(set));
  if (set.mirror) chain.push("hflip");
  if (set.zoom !== 1) {
    chain.push(`crop=trunc(iw/${set.zoom}/2)*2:trunc(ih/${set.zoom}/2)*2`);
  }
  const parts: string[] = [];
  const padding = set.size !== null && set.fit === "pad";
  const fitted = fit(set, frame, { chain, colour: filling || !padding ? [] : colour });
  parts.push(fitted.graph);
  let label = fitted.label;
  const after: string[] = filling || padding ? [] : [...colour];
  const overlay = set.overlay;
  const text = overlay?.kind === "text" ? overlayTextSize(overlay, frame, context.textEms ?? 0) : null;
  if (overlay?.kind === "text") after.push(drawText(overlay, frame, { ...context, size: text!.size }));
  if (overlay?.kind === "image") {
    const width = even(frame.width * overlay.size);
    const xy = place(overlay.position, frame, { width: "w", height: "h" });
    parts.push(`[1:v]format=rgba,colorchannelmixer=aa=${overlay.opacity},scale=${width}:-2[logo]`);
    parts.push(`[${label}]${after.length > 0 ? `${after.join(",")},` : ""}null[under]`);
    parts.push(`[under][logo]overlay=x=${xy.x}:y=${xy.y}[over]`);
    after.length = 0;
    label = "over";
  }
  if (size.height !== frame.height) after.push(`scale=${size.width}:${size.height}`);
  after.push("setsar=1", context.encoderFilter);
  parts.push(`[${label}]${after.join(",")}[v]`);
  const audio = context.audio && !set.audio.mute;
  if (audio) {
    // The sound from the trim's start, keeping its place after it (as `-ss` would).
    const cut = trimStart > 0 ? [`atrim=start=${trimStart}`, `asetpts=PTS-${trimStart}/TB`] : [];
    parts.push(`[0:a]${[...cut, ...audioChain(set, context.duration)].join(",")}[a]`);
  }
  return {
    graph: parts.join(";"),
    size,
    audio,
    ...text === null ? {} : { text: { frame, fits: text.fits } },
  };
}

function rotation(set: TransformSet): string[] {
  const turns = quarterTurns(set.rotate);
  if (turns === 0) return [];
  if (turns === 1) return ["transpose=clock"];
  if (turns === 2) return ["hflip", "vflip"];
  if (turns === 3) return ["transpose=cclock"];
  return [`rotate=${set.rotate}*PI/180:fillcolor=${ffmpegColor(set.background)}`];
}

/** The filters of a colour change: none for none. */
function colourFilters({ brightness, contrast, saturation, hue }: TransformSet["color"]): string[] {
  return [
    ...brightness !== 0 || contrast !== 1 || saturation !== 1
      ? [`eq=brightness=${brightness}:contrast=${contrast}:saturation=${saturation}`]
      : [],
    ...hue !== 0 ? [`hue=h=${hue}`] : [],
  ];
}

/**
 * Fits the chain's frames into `frame`, `colour` applied to the scaled picture before a pad fills around it;
 * returns the graph so far and its output label.
 */
function fit(
  set: TransformSet,
  frame: { width: number; height: number },
  { chain, colour }: { chain: readonly string[]; colour: readonly string[] },
): { graph: string; label: string } {
  const { width: w, height: h } = frame;
  const head = `[0:v]${chain.join(",")}`;
  if (set.size === null) return { graph: `${head},scale=${w}:${h}[fit]`, label: "fit" };
  switch (set.fit) {
    case "stretch":
      return { graph: `${head},scale=${w}:${h}[fit]`, label: "fit" };
    case "pad":
      return {
        graph: `${head},scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
          colour.map((filter) => `${filter},`).join("") +
          `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=${ffmpegColor(set.background)}[fit]`,
        label: "fit",
      };
    case "blur":
      return {
        graph: `${head},split[back][front];` +
          `[back]scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h},gblur=sigma=20[blurred];` +
          `[front]scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2[sharp];` +
          `[blurred][sharp]overlay=(W-w)/2:(H-h)/2[fit]`,
        label: "fit",
      };
    case "crop":
      return {
        graph: `${head},scale=${w}:${h}:force_original_aspect_ratio=increase,` +
          `crop=${w}:${h}:(iw-${w})*${set.focus.x}:(ih-${h})*${set.focus.y}[fit]`,
        label: "fit",
      };
  }
}

/** Where an overlay of size (`width`, `height`, as expressions) goes in the frame, 4% in from the edges. */
function place(
  position: Position,
  frame: { width: number; height: number },
  size: { width: string; height: string },
): { x: string; y: string } {
  const edge = margin(frame);
  const x = position.endsWith("left")
    ? `${edge}`
    : position.endsWith("right")
    ? `W-${size.width}-${edge}`
    : `(W-${size.width})/2`;
  const y = position.startsWith("top")
    ? `${edge}`
    : position.startsWith("bottom")
    ? `H-${size.height}-${edge}`
    : `(H-${size.height})/2`;
  return { x, y };
}

/**
 * The font size of overlay text: its size's share of the frame's height, smaller where the text would be wider than
 * the frame within its margins (before: cut at the frame's edge, exit 0), 8 px at least; `fits` is false where even
 * 8 px is too wide.
 */
function overlayTextSize(
  overlay: { size: number },
  frame: { width: number; height: number },
  ems: number,
): { size: number; fits: boolean } {
  const size = Math.round(frame.height * overlay.size);
  return fittedTextSize(ems, { size, room: frame.width - 2 * margin(frame), least: 8 });
}

/** An overlay's distance from the frame's edges: 4% of its shorter side. */
function margin(frame: { width: number; height: number }): number {
  return Math.round(Math.min(frame.width, frame.height) * 0.04);
}

function drawText(
  overlay: Extract<TransformSet["overlay"], { kind: "text" }>,
  frame: { width: number; height: number },
  context: GraphContext & { size: number },
): string {
  if (context.fontFile === null || context.textFile === null) {
    throw new TypeError("A text overlay needs the font and the text file");
  }
  const xy = place(overlay.position, frame, { width: "tw", height: "th" });
  const { size } = context;
  return `drawtext=fontfile=${escapeFilterOption(context.fontFile)}:textfile=${
    escapeFilterOption(context.textFile)
  }:expansion=none:fontsize=${size}:fontcolor=${ffmpegColor(overlay.color)}@${overlay.opacity}:x=${
    xy.x.replaceAll("W", "w")
  }:y=${xy.y.replaceAll("H", "h")}`;
}

/**
 * The sound's chain. It keeps its place on the input's timeline (a phone's or a screen recorder's sound that starts
 * after the pictures, or pauses, is padded with silence there; before, each stream was moved to start at 0 and the
 * sound played seconds early), and is padded with silence to the output's length (a trim that starts after the
 * sound ends gave an MP4 without sound, its manifest saying it had some); sound past the pictures' end is cut.
 */
function audioChain(set: TransformSet, duration: number): string[] {
  const chain = ["aresample=async=1:first_pts=0"];
  // atempo takes 0.5 to 2 per stage: 0.25 is two stages of 0.5, 4 two of 2.
  let speed = set.speed;
  while (speed < 0.5) {
    chain.push("atempo=0.5");
    speed /= 0.5;
  }
  while (speed > 2) {
    chain.push("atempo=2");
    speed /= 2;
  }
  if (speed !== 1) chain.push(`atempo=${toMicroseconds(speed)}`);
  if (set.audio.gain !== 0) chain.push(`volume=${set.audio.gain}dB`);
  if (set.audio.loudness !== null) chain.push(`loudnorm=I=${set.audio.loudness}:TP=-1.5:LRA=11`);
  const seconds = toMicroseconds(duration);
  chain.push(`apad=whole_dur=${seconds}`, `atrim=end=${seconds}`, "aresample=48000");
  return chain;
}
