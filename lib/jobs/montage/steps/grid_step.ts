/**
 * The grid step: every cell placed by one `xstack` in one ffmpeg process, with the soundtrack. A grid of stills is
 * composed once, as one frame, and that frame is held for the run (no per-frame composition); a grid with clips
 * plays them, looped, in their cells.
 * @module
 */
import type { Json } from "../../../core/json.ts";
import { ffmpegColor } from "../../../media/ffmpeg_filters.ts";
import { runFfmpegWithProgress } from "../../../media/ffmpeg_progress.ts";
import { drawtextText, textEms } from "../../../providers/local/slides/font_for_text.ts";
import {
  BT709_TAGS,
  encoderFromIdentity,
  KEYFRAME_SECONDS,
  videoEncodingArgs,
} from "../../../media/video_encoder.ts";
import { soundLoop } from "../../../media/music_mix_filter.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";
import type { Rect } from "../montage_schema.ts";
import {
  type CAPTION_LINE,
  captionFontSize,
  captionWarnings,
  cellFilters,
  frameTimes,
  itemInput,
  soundtrackFilters,
  TO_BT709,
} from "../montage_cells.ts";
import { loopedItems } from "../_looped_items.ts";

/** The params of a grid step: everything that shapes its bytes. */
export interface GridParams {
  frame: { width: number; height: number };
  fps: number;
  background: string;
  /** Seconds. */
  duration: number;
  fit: "contain" | "cover";
  /** Pixels at the bottom of each cell kept for captions (0 for none). */
  band: number;
  /** {@linkcode CAPTION_LINE} where there are captions (their place changed: those montages re-key). */
  captionLine?: typeof CAPTION_LINE;
  /** The captions' colour; empty where none is drawn (see `captionKeys` of the planner). */
  captionColor: string;
  /** The cells, each with its item's identity, whether it is a still, and its caption. */
  cells: (Rect & { item: string; still: boolean; caption: string | null; font?: string; literal?: true })[];
  /** The soundtrack's identity and gain, or null. */
  audio: { identity: string; gain: number } | null;
  /** The caption font's identity; null where no caption is drawn with it. */
  font: string | null;
  /** The encoder's identity and the constant quality. */
  encoder: Json;
  /** A software encoder's threads, as planned (the bytes depend on them: see `encoderThreads`); null for hardware. */
  threads: number | null;
  crf: number;
  /** The encoder's speed. */
  preset: "fast" | "fastest";
}

/** Encodes a grid; its value is `{ duration }`. */
export const gridStep: StepKindDefinition = {
  kind: "montage-grid",
  // 2: the threads as planned. 3: its last frame kept when a clip is among the items. 4: a clip in a format that
  // ffmpeg cannot loop copied into one that loops (a transport stream spun; a 1-s FLV made a 1-s grid, not 2.5 s).
  // 5: AVI, ASF and MPEG program streams too (an MPEG program stream of H.264 lost pictures at each loop).
  // 6: a caption too wide for its cell drawn smaller, to fit. 7: the soundtrack looped by its decoded samples (an
  // M4A's, AAC's or Opus's encoder delay played as a dropout at every loop). 8: an Arabic or Hebrew caption set right
  // to left. 9: a still laid on its cell's background (its transparent pixels showed black), a clip's pixels made
  // square (a 2:1 clip was drawn squeezed). 10: a keyframe every 2 s, BT.709 colours, tagged.
  version: 10,
  blocking: false,
  run: async (task, { signal, reportProgress }) => {
    const params = task.params as unknown as GridParams;
    const items = await loopedItems(
      task,
      params.cells.map((cell) => ({ item: cell.item, still: cell.still, seconds: params.duration })),
      signal,
    );
    const font = typeof task.runtime.font === "string" ? task.runtime.font : null;
    const fonts = Array.isArray(task.runtime.fonts) ? task.runtime.fonts as (string | null)[] : [];
    const frames = Math.max(1, Math.round(params.duration * params.fps));
    const encoding = videoEncodingArgs(encoderFromIdentity(params.encoder), {
      crf: params.crf,
      bitrate: null,
      // Seekable as a lesson's video is (fi12: a 60-s grid had a keyframe every 8.3 s, x264's default).
      gop: Math.round(KEYFRAME_SECONDS * params.fps),
      preset: params.preset,
      threads: params.threads,
    });
    const captionFiles = params.cells.map((_, k) => `${task.scratchDir}/caption-${k}.txt`);
    const captionEms: number[] = [];
    for (const [k, cell] of params.cells.entries()) {
      const drawn = fonts[k] ?? font;
      if (cell.caption !== null) {
        const text = drawn === null ? cell.caption : await drawtextText(cell.caption, drawn);
        await Deno.writeTextFile(captionFiles[k]!, text);
      }
      captionEms.push(cell.caption === null || drawn === null ? 0 : await textEms(cell.caption, drawn));
    }
    const chains = gridChains(params, {
      frames,
      captionFiles,
      captionEms,
      font,
      fonts,
      encoderFilter: encoding.filter,
    });
    const n = params.cells.length;
    const audio = typeof task.runtime.audio === "string" && params.audio !== null ? task.runtime.audio : null;
    if (audio !== null) {
      const loop = await soundLoop(task.ffmpeg, audio, { needed: frames / params.fps, signal });
      chains.push(
        soundtrackFilters(n, { duration: frames / params.fps, gain: params.audio!.gain, loop }),
      );
    }
    await runFfmpegWithProgress(task.ffmpeg, [
      ...encoding.input,
      ...params.cells.flatMap((cell, k) => itemInput(items[k]!, { still: cell.still })),
      ...(audio === null ? [] : ["-i", audio]),
      "-filter_complex",
      chains.join(";"),
      "-map",
      "[v]",
      ...(audio === null ? [] : ["-map", "[a]", "-c:a", "aac", "-b:a", "128k"]),
      ...encoding.output,
      ...BT709_TAGS,
      // A length, not a frame count: the soundtrack must not stop with the last frame muxed.
      "-t",
      String(frames / params.fps),
      "-movflags",
      "+faststart",
      "-f",
      "mp4",
      outputPath(task),
    ], { signal, duration: frames / params.fps, onProgress: reportProgress });
    const cut = params.cells.filter((cell, k) =>
      cell.caption !== null && !captionFontSize(params.band, cell.width, captionEms[k]!).fits
    );
    return { duration: frames / params.fps, ...captionWarnings(cut.map((cell) => cell.caption!)) };
  },
};

/** The grid's filter chains: each cell, then the cells placed by `xstack` (held when all are stills), to `[v]`. */
function gridChains(
  params: GridParams,
  context: {
    frames: number;
    captionFiles: string[];
    /** How wide each cell's caption is in its font, in ems (0 for none). */
    captionEms: readonly number[];
    font: string | null;
    /** Each cell's caption font where it is not `font`. */
    fonts: readonly (string | null)[];
    encoderFilter: string;
  },
): string[] {
  const { frames, font } = context;
  const still = params.cells.every((cell) => cell.still);
  const chains = params.cells.map((cell, k) =>
    cellFilters(k, `c${k}`, {
      width: cell.width,
      height: cell.height,
      band: params.band,
      fit: params.fit,
      background: params.background,
      fps: params.fps,
      frames: still ? null : frames,
      still: cell.still,
      caption: cell.caption === null || font === null ? null : {
        textFile: context.captionFiles[k]!,
        fontFile: context.fonts[k] ?? font,
        color: params.captionColor,
        ems: context.captionEms[k] ?? 0,
      },
      delay: 0,
      skip: 0,
    })
  );
  const { width, height } = params.frame;
  const color = ffmpegColor(params.background);
  const n = params.cells.length;
  const first = params.cells[0]!;
  chains.push(
    n === 1
      ? `[c0]pad=${width}:${height}:${first.x}:${first.y}:color=${color}[g]`
      : `${params.cells.map((_, k) => `[c${k}]`).join("")}xstack=inputs=${n}:layout=${
        params.cells.map((cell) => `${cell.x}_${cell.y}`).join("|")
      }:fill=${color}[s];[s]pad=${width}:${height}:0:0:color=${color}[g]`,
  );
  const hold = still ? `loop=loop=${frames - 1}:size=1,` : "";
  // Each frame numbered again before the rate is said (a still's stream keeps its image's rate, 25, otherwise):
  // xstack's stream ends at its last frame's time, and fps alone then dropped that frame.
  // Into BT.709 before the hold: a grid of stills is turned once.
  chains.push(
    `[g]${TO_BT709},${hold}${frameTimes(params.fps).join(",")},fps=${params.fps},${context.encoderFilter}[v]`,
  );
  return chains;
}
