/**
 * Resolving montages: items found (paths or globs) and told apart (stills from clips), captions and their font,
 * the soundtrack, the frame and the strip's timing (from its speed or its duration).
 * @module
 */
import type { WorkflowIssue } from "../../core/errors.ts";
import { readHead } from "../../core/read_full.ts";
import { captionFont, noFontMessage } from "../../media/caption_font.ts";
import {
  fontForText,
  noOneFontMessage,
  textFontIdentity,
} from "../../providers/local/slides/font_for_text.ts";
import { sniffImage } from "../../media/sniff_media.ts";
import { parseFormat } from "../../schema/formats.ts";
import { expandInputFiles, IMAGE_OR_VIDEO_FILES, isFolder } from "../../schema/input_files.ts";
import type { ResolveContext } from "../../schema/job_kind.ts";
import { workflowDir } from "../../schema/workflow_path.ts";
import { gridLayout, GridLayoutError } from "./grid_layout.ts";
import { captionBand } from "./montage_cells.ts";
import { exactFps } from "../../media/frame_rate.ts";
import {
  MONTAGE_SECONDS,
  type MontageCommon,
  type MontageInput,
  type MontageItem,
  type ResolvedMontage,
  type ResolvedMontages,
} from "./montage_schema.ts";
import { horizontal, travel } from "./scroll_layout.ts";

/** The least height a captioned grid's cell leaves its picture, in pixels. */
const MIN_PICTURE_HEIGHT = 8;

/** Defaults applied where a montage leaves a field out. */
export const MONTAGE_DEFAULTS = {
  size: "16:9",
  fps: 30,
  background: "#000000",
  /** The gap as a share of the frame's short side. */
  gap: 0.02,
  fit: "contain",
  preset: "fastest",
  caption: { color: "#ffffff", size: 0.12 },
  gridDuration: 5,
  direction: "left",
  speed: 300,
  easing: "linear",
  /** A horizontal strip's cells are this share of the frame's height (a vertical one's, of its width), at 4:3. */
  cell: 0.6,
} as const;

type Written = NonNullable<MontageInput["montages"]>[number];

/**
 * Resolves a workflow's montages.
 *
 * @param input The parsed fields.
 * @param context The workflow's file and where problems go.
 * @returns The montages, or null when the workflow has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveMontages } from "./resolve_montage.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/a.png`, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
 * const resolved = await resolveMontages({ montages: [{ id: "wall", layout: "grid", items: ["*.png"] }] }, {
 *   file: "w.ts", moduleUrl: `file://${dir}/w.ts`, env: () => undefined, providers: new Map(), timeout: null, issues: [],
 * });
 * assert.equal(resolved?.montages[0]?.items[0]?.still, true);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function resolveMontages(
  input: MontageInput,
  context: ResolveContext,
): Promise<ResolvedMontages | null> {
  if (input.montages === undefined) return null;
  const baseDir = workflowDir(context.moduleUrl);
  const montages: ResolvedMontage[] = [];
  const ids = new Set<string>();
  for (const [m, written] of input.montages.entries()) {
    const path = `montages[${m}]`;
    if (ids.has(written.id)) {
      context.issues.push({ path: `${path}.id`, message: `Duplicate montage id "${written.id}"` });
    }
    ids.add(written.id);
    const before = context.issues.length;
    const common = await resolveCommon(written, { ...context, path, baseDir });
    if (common === null || context.issues.length > before) continue;
    const resolved = resolveLayout(written, common, context.issues);
    if (resolved !== null) montages.push(resolved);
  }
  return { montages };
}

async function resolveCommon(
  written: Written,
  context: ResolveContext & { path: string; baseDir: string },
): Promise<MontageCommon | null> {
  const { path, issues, baseDir } = context;
  // Its text was checked with the workflow's fields (`formatText`).
  const format = parseFormat(written.size ?? MONTAGE_DEFAULTS.size)!;
  const items = await resolveItems(written, { baseDir, path, issues });
  const captioned = items.some((item) => item.caption !== null);
  const font = captioned ? await captionFont(context.env) : null;
  if (captioned && font === null) {
    issues.push({
      path: `${path}.captions`,
      message: noFontMessage("draw captions", context.env),
    });
  }
  if (font !== null) await chooseCaptionFonts(items, font.path, issues);
  const audio = written.audio === undefined
    ? null
    : typeof written.audio === "string"
    ? { file: written.audio, gain: 0, field: `${path}.audio` }
    : { file: written.audio.file, gain: written.audio.gain ?? 0, field: `${path}.audio.file` };
  const [track] = audio === null || await namesFolder(audio.file, { baseDir, field: audio.field, issues })
    ? []
    : await expandInputFiles([audio.file], { baseDir, path: () => audio.field, issues });
  return {
    id: written.id,
    path,
    items,
    frame: { width: format.width, height: format.height },
    // 29.97 as NTSC's 30000/1001, as a variant's (nt17: written 2997/100).
    fps: exactFps(written.fps ?? MONTAGE_DEFAULTS.fps),
    background: written.background ?? MONTAGE_DEFAULTS.background,
    gap: written.gap ??
      Math.round((Math.min(format.width, format.height) * MONTAGE_DEFAULTS.gap) / 2) * 2,
    fit: written.fit ?? MONTAGE_DEFAULTS.fit,
    preset: written.preset ?? MONTAGE_DEFAULTS.preset,
    caption: {
      color: written.caption?.color ?? MONTAGE_DEFAULTS.caption.color,
      size: written.caption?.size ?? MONTAGE_DEFAULTS.caption.size,
    },
    font: captioned ? font : null,
    audio: audio === null || track === undefined
      ? null
      : { path: track.path, identity: track.identity, gain: audio.gain, field: audio.field },
  };
}

function resolveLayout(
  written: Written,
  common: MontageCommon,
  issues: WorkflowIssue[],
): ResolvedMontage | null {
  const { path } = common;
  if (written.layout === "grid") {
    const grid = {
      ...common,
      layout: "grid" as const,
      rows: written.rows ?? null,
      cols: written.cols ?? null,
      duration: written.duration ?? MONTAGE_DEFAULTS.gridDuration,
    };
    try {
      const layout = gridLayout(common.items.length, grid);
      // Cells too small for their captions' band (nt17: a captioned grid of 16 rows in 180 px passed the checks
      // and failed in ffmpeg, "s=312x-2"). The gap's when they leave room without it (rv35), as below.
      const left = pictureRoom(common, layout.cells[0]!.height);
      if (left !== null) {
        const gapped = written.gap !== undefined &&
          pictureRoom(common, gridLayout(common.items.length, { ...grid, gap: 0 }).cells[0]!.height) === null;
        const field = gapped
          ? "gap"
          : written.captions !== undefined
          ? "captions"
          : (["rows", "cols"] as const).find((name) => written[name] !== undefined);
        issues.push({
          path: field === undefined ? path : `${path}.${field}`,
          message:
            `Captions take ${left.band} px at the bottom of each cell, and the ${layout.rows} × ${layout.cols} ` +
            `cells are ${layout.cells[0]!.height} px high, leaving their pictures ${
              left.picture > 0 ? `${left.picture} px` : "none"
            } ` +
            `(${MIN_PICTURE_HEIGHT} at least): ${
              gapped ? "a smaller gap" : "fewer rows or a larger size"
            } leaves ` +
            "them room",
        });
        return null;
      }
    } catch (error) {
      if (!(error instanceof GridLayoutError)) throw error;
      // The field written that makes it so (fi12: a gap too wide was told at the montage): too few cells are the
      // rows' and cols' (both written, or the other follows from the count); cells too small are the gap's when
      // they fit without it (rv13: 100 rows do not fit 180 px at any gap), else the rows' or cols'.
      const gapped = error.reason === "size" && written.gap !== undefined &&
        fitsWithoutGap(common.items.length, grid);
      const field = gapped ? "gap" : (["rows", "cols"] as const).find((name) => written[name] !== undefined);
      issues.push({ path: field === undefined ? path : `${path}.${field}`, message: error.message });
      return null;
    }
    return grid;
  }
  if (written.speed !== undefined && written.duration !== undefined) {
    issues.push({ path: `${path}.duration`, message: "Give the speed or the duration, not both" });
    return null;
  }
  const direction = written.direction ?? MONTAGE_DEFAULTS.direction;
  const cell = written.cell ?? defaultCell(common.frame, horizontal(direction));
  const distance = travel({
    count: common.items.length,
    frame: common.frame,
    cell,
    gap: common.gap,
    direction,
  });
  const speed = written.speed ?? MONTAGE_DEFAULTS.speed;
  const duration = written.duration ?? distance / speed;
  // (A duration written is bounded by the schema; one from the speed is not.)
  if (written.duration === undefined && duration < MONTAGE_SECONDS.min) {
    // fi4: a strip that crossed in a frame gave one black frame, exit 0.
    issues.push({
      path: `${path}.speed`,
      message: `At ${speed} px/s the strip's ${Math.round(distance)} px take ${
        Math.round(duration * 1000) / 1000
      } s to cross: a montage lasts ${MONTAGE_SECONDS.min} s at least (a speed of ${
        Math.floor(distance / MONTAGE_SECONDS.min)
      } px/s or less)`,
    });
    return null;
  }
  if (written.duration === undefined && duration > MONTAGE_SECONDS.max) {
    // Before: a speed of 0.001 planned 90,801 steps (a strip of 454,000 s) and broke the store at run time.
    issues.push({
      path: `${path}.speed`,
      message:
        `At ${speed} px/s the strip's ${Math.round(distance)} px take ${Math.round(duration)} s to cross: ` +
        `a montage lasts ${MONTAGE_SECONDS.max} s at most (a speed of ${
          Math.ceil((distance / MONTAGE_SECONDS.max) * 1000) / 1000
        } px/s or more)`,
    });
    return null;
  }
  return {
    ...common,
    layout: "scroll",
    direction,
    duration,
    easing: written.easing ?? MONTAGE_DEFAULTS.easing,
    cell,
  };
}

/**
 * The band a grid's captions take and the picture's height left above it, when that is under
 * {@linkcode MIN_PICTURE_HEIGHT}; null when the pictures have room (or no item has a caption).
 */
function pictureRoom(common: MontageCommon, cellHeight: number): { band: number; picture: number } | null {
  const band = captionBand(
    common.items.some((item) => item.caption !== null),
    cellHeight,
    common.caption.size,
  );
  return band > 0 && cellHeight - band < MIN_PICTURE_HEIGHT ? { band, picture: cellHeight - band } : null;
}

/** Whether a grid's cells fit its frame with no gap. */
function fitsWithoutGap(count: number, grid: Parameters<typeof gridLayout>[1]): boolean {
  try {
    gridLayout(count, { ...grid, gap: 0 });
    return true;
  } catch (error) {
    if (!(error instanceof GridLayoutError)) throw error;
    return false;
  }
}

function defaultCell(
  frame: { width: number; height: number },
  across: boolean,
): { width: number; height: number } {
  const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);
  if (across) {
    const height = even(frame.height * MONTAGE_DEFAULTS.cell);
    return { width: even((height * 4) / 3), height };
  }
  const width = even(frame.width * MONTAGE_DEFAULTS.cell);
  return { width, height: even((width * 3) / 4) };
}

/** The items: patterns expanded, each told still or clip, each with its caption. */
async function resolveItems(
  written: Written,
  context: { baseDir: string; path: string; issues: WorkflowIssue[] },
): Promise<MontageItem[]> {
  const patterns = written.items.map((item) => typeof item === "string" ? item : item.file);
  // An item written as an object is named at its `file` (rv44, nt22), as a picture's is.
  const fileField = (i: number) =>
    `${context.path}.items[${i}]${typeof written.items[i] === "string" ? "" : ".file"}`;
  const files = await expandInputFiles(patterns, {
    ...context,
    path: fileField,
    takes: IMAGE_OR_VIDEO_FILES,
    // An item named again is shown again (a pattern of tiles, a captioned second showing); before, it was dropped.
    repeats: true,
  });
  const items: MontageItem[] = [];
  for (const file of files) {
    const item = written.items[file.pattern]!;
    const caption = typeof item === "string" ? null : item.caption ?? null;
    const stem = file.name.slice(file.name.lastIndexOf("/") + 1).replace(/\.[^.]+$/, "");
    items.push({
      name: file.name,
      field: `${context.path}.items[${file.pattern}]`,
      // nt22: a file no clip or image was named at its item, as a picture's `file` is not.
      ...typeof item === "string" ? {} : { fileField: fileField(file.pattern) },
      path: file.path,
      identity: file.identity,
      still: await isStill(file.path, file.identity),
      caption: caption ?? (written.captions === true ? stem : null),
    });
  }
  return items;
}

/**
 * Each caption's font: `drawtext` draws a line in one font, so a caption the montage's font lacks a character of
 * (CJK, emoji) is drawn in the installed font that has them all (before: boxes); a caption no one font draws, or
 * of several lines (drawn past its band), is refused at its item.
 */
async function chooseCaptionFonts(
  items: MontageItem[],
  primary: string,
  issues: WorkflowIssue[],
): Promise<void> {
  for (const item of items) {
    if (item.caption === null) continue;
    if (/[\r\n]/.test(item.caption)) {
      issues.push({ path: item.field, message: "A caption is drawn on one line: this one has a line break" });
      continue;
    }
    const chosen = await fontForText(item.caption, primary);
    if (typeof chosen !== "string") {
      issues.push({ path: item.field, message: noOneFontMessage("caption", item.caption, chosen) });
    } else if (chosen !== primary) {
      item.captionFont = { path: chosen, identity: textFontIdentity(chosen) };
    }
  }
}

/** A PNG or JPEG is a still; anything else (a video, a stream) is played as a clip. */
async function isStill(path: string, identity: string): Promise<boolean> {
  if (identity.startsWith("stream:")) return false;
  return sniffImage(await readHead(path, 8)) !== null;
}

/**
 * Whether a soundtrack's file is a folder, said at its field if so (before: the folder's first file was taken as the
 * soundtrack, a picture told as "no duration"). What cannot be looked at is left to the files' expansion to tell.
 */
async function namesFolder(
  file: string,
  context: { baseDir: string; field: string; issues: WorkflowIssue[] },
): Promise<boolean> {
  if (!await isFolder(file.startsWith("/") ? file : `${context.baseDir}/${file}`)) return false;
  context.issues.push({ path: context.field, message: `Expected an audio file, got a folder: ${file}` });
  return true;
}
