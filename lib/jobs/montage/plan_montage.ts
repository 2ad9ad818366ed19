/**
 * The montage planner: a grid is one step (one ffmpeg process); a scrolling strip is a step per chunk of frames
 * (each showing only the items in view, run in parallel under the CPU limit) and a step that joins them with the
 * soundtrack.
 * @module
 */
import { TEXT_SEGMENTATION } from "../../core/segmenters.ts";
import type { Json } from "../../core/json.ts";
import { readAsPattern } from "../../media/ffmpeg.ts";
import { type PlannedRead, readOfIdentity, withReads } from "../../media/planned_reads.ts";
import { encoderIdentity, encoderThreads } from "../../media/video_encoder.ts";
import type { Draft } from "../../plan/plan_step.ts";
import type { JobPlan, PlanContext } from "../../schema/job_kind.ts";
import { kindFields } from "../../steps/step_kind.ts";
import { gridLayout } from "./grid_layout.ts";
import { CAPTION_LINE, captionBand } from "./montage_cells.ts";
import type {
  MontageCommon,
  MontageItem,
  ResolvedGrid,
  ResolvedMontages,
  ResolvedScroll,
} from "./montage_schema.ts";
import { horizontal, type StripChunk, stripChunks, travel, uneased } from "./scroll_layout.ts";
import { type GridParams, gridStep } from "./steps/grid_step.ts";
import { stripChunkStep } from "./steps/strip_chunk_step.ts";
import type { StripChunkParams } from "./strip_graph.ts";
import { stripJoinStep } from "./steps/strip_join_step.ts";

/** Default timeouts: 5 minutes, plus 5 s per second of video a step makes; a workflow's `timeout` replaces `ms`. */
export const MONTAGE_TIMEOUT = { ms: 300_000, perSecond: 5_000 } as const;

/** Constant quality of montages, on x264's scale. */
const CRF = 23;

/**
 * The id of the step that writes a montage's output (a grid's one step, a strip's join), which the preflight looks
 * up in the store.
 *
 * @param montageId The montage's id.
 * @returns The step's id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { montageStepId } from "./plan_montage.ts";
 * assert.equal(montageStepId("wall"), "montage/wall");
 * ```
 */
export function montageStepId(montageId: string): string {
  return `montage/${montageId}`;
}

/**
 * Expands montages into steps.
 *
 * @param job The resolved montages.
 * @param context The workflow's file, timeout and toolchain (the chosen encoder keys the encodes).
 * @returns The steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planMontages } from "./plan_montage.ts";
 * const item = { name: "a.png", field: "montages[0].items[0]", path: "/a.png", identity: "sha256:00", still: true, caption: null };
 * const grid = {
 *   id: "wall", path: "montages[0]", layout: "grid" as const, items: [item, item], frame: { width: 320, height: 180 },
 *   fps: 30, background: "#000000", gap: 4, fit: "contain" as const, caption: { color: "#ffffff", size: 0.1 },
 *   font: null, audio: null, preset: "fastest" as const, rows: null, cols: null, duration: 2,
 * };
 * const toolchain = { ffmpeg: "f", espeak: null, slides: "s", encoders: { h264: { name: "libx264", codec: "h264" as const, hardware: false }, hevc: null, cores: 2 } };
 * const plan = planMontages({ montages: [grid] }, { file: "w.ts", moduleUrl: "file:///w.ts", timeout: null, providers: new Map(), toolchain });
 * assert.deepEqual(plan.steps.map((step) => step.output), ["wall.mp4"]);
 * ```
 */
export function planMontages(job: ResolvedMontages, context: PlanContext): JobPlan {
  const steps = job.montages.flatMap((montage) =>
    montage.layout === "grid" ? [gridDraft(montage, context)] : scrollDrafts(montage, context)
  );
  return { steps, templates: [] };
}

function common(montage: MontageCommon, context: PlanContext, seconds: number) {
  const encoders = context.toolchain.encoders;
  if (encoders === null) throw new TypeError("Planning montages needs the toolchain's encoders");
  return {
    workflow: context.file,
    retries: 0,
    tokenCost: 0,
    backoff: { base: 0, cap: 0 },
    scope: { item: `montage/${montage.id}`, part: null },
    provider: null,
    // Captions are cut into characters and runs before they are drawn (see `drawtextText`).
    engine: {
      ffmpeg: context.toolchain.ffmpeg,
      ...montage.items.some((item) => item.caption !== null) ? { text: TEXT_SEGMENTATION } : {},
    },
    cpu: true,
    timeout: {
      ms: (context.timeout ?? MONTAGE_TIMEOUT.ms) + seconds * MONTAGE_TIMEOUT.perSecond,
      perMediaSecond: 0,
    },
    encoder: encoderIdentity(encoders.h264),
    threads: encoderThreads(encoders.h264, encoders.cores),
  };
}

/** Pixels at the bottom of each cell kept for captions (see `captionBand`). */
function band(montage: MontageCommon, cellHeight: number): number {
  return captionBand(montage.items.some((item) => item.caption !== null), cellHeight, montage.caption.size);
}

function gridDraft(grid: ResolvedGrid, context: PlanContext): Draft {
  const { encoder, threads, ...fields } = common(grid, context, grid.duration);
  const layout = gridLayout(grid.items.length, grid);
  const params: GridParams = {
    frame: grid.frame,
    fps: grid.fps,
    background: grid.background,
    duration: grid.duration,
    fit: grid.fit,
    band: band(grid, layout.cells[0]!.height),
    ...grid.items.some((item) => item.caption !== null) ? { captionLine: CAPTION_LINE } : {},
    ...captionKeys(grid, grid.items),
    cells: layout.cells.map((cell, i) => {
      const item = grid.items[i]!;
      return {
        ...cell,
        item: item.identity,
        still: item.still,
        caption: item.caption,
        ...ownFont(item),
        ...literal(item),
      };
    }),
    audio: grid.audio === null ? null : { identity: grid.audio.identity, gain: grid.audio.gain },
    encoder,
    threads,
    crf: CRF,
    preset: grid.preset,
  };
  return {
    ...fields,
    ...kindFields(gridStep),
    id: montageStepId(grid.id),
    params: params as unknown as Json,
    runtime: withReads({
      items: grid.items.map((item) => item.path),
      audio: grid.audio?.path ?? null,
      font: grid.font?.path ?? null,
      fonts: grid.items.map((item) => item.captionFont?.path ?? null),
    }, [
      ...[...grid.items, ...grid.audio === null ? [] : [grid.audio]].map(readOfIdentity),
      ...fontReads([grid.font, ...grid.items.map((item) => item.captionFont)]),
    ]),
    deps: [],
    output: `${grid.id}.mp4`,
    extension: "mp4",
  };
}

function scrollDrafts(scroll: ResolvedScroll, context: PlanContext): Draft[] {
  const shape = { count: scroll.items.length, ...scroll };
  const distance = travel(shape);
  const drafts: Draft[] = stripChunks(shape, scroll).map((chunk, c) => {
    const { encoder, threads: _threads, ...fields } = common(scroll, context, chunk.frames / scroll.fps);
    const items = chunkItems(scroll, chunk, distance);
    const params: StripChunkParams = {
      frame: scroll.frame,
      fps: scroll.fps,
      background: scroll.background,
      fit: scroll.fit,
      band: band(scroll, scroll.cell.height),
      // Of this chunk's items: a chunk that shows no caption kept its bytes.
      ...items.some((item) => item.caption !== null) ? { captionLine: CAPTION_LINE } : {},
      ...captionKeys(scroll, items.map((item) => scroll.items[item.index]!)),
      cell: scroll.cell,
      gap: scroll.gap,
      direction: scroll.direction,
      easing: scroll.easing,
      duration: scroll.duration,
      distance,
      start: chunk.start,
      frames: chunk.frames,
      items,
      origin: items[0]?.index ?? 0,
      encoder,
      crf: CRF,
      preset: scroll.preset,
    };
    return {
      ...fields,
      ...kindFields(stripChunkStep),
      id: `montage/${scroll.id}/chunk-${c + 1}`,
      params: params as unknown as Json,
      runtime: withReads({
        items: items.map((item) => scroll.items[item.index]!.path),
        font: scroll.font?.path ?? null,
        fonts: items.map((item) => scroll.items[item.index]!.captionFont?.path ?? null),
      }, [
        ...items.map((item) => readOfIdentity(scroll.items[item.index]!)),
        ...fontReads([scroll.font, ...items.map((item) => scroll.items[item.index]!.captionFont)]),
      ]),
      deps: [],
      output: null,
      extension: "mp4",
    };
  });
  const { encoder: _encoder, threads: _threads, ...fields } = common(scroll, context, scroll.duration / 10);
  drafts.push({
    ...fields,
    ...kindFields(stripJoinStep),
    id: montageStepId(scroll.id),
    params: {
      audio: scroll.audio === null ? null : { identity: scroll.audio.identity, gain: scroll.audio.gain },
    },
    runtime: withReads({ audio: scroll.audio?.path ?? null }, [
      scroll.audio === null ? null : readOfIdentity(scroll.audio),
    ]),
    deps: drafts.map((draft) => draft.id),
    output: `${scroll.id}.mp4`,
    extension: "mp4",
  });
  return drafts;
}

/**
 * The items a chunk shows, in stacking order (left to right, top to bottom), with where a clip starts playing: from
 * the moment it comes into view.
 */
function chunkItems(scroll: ResolvedScroll, chunk: StripChunk, distance: number): StripChunkParams["items"] {
  if (chunk.items === null) return [];
  const { first, last } = chunk.items;
  const indexes = Array.from({ length: last - first + 1 }, (_, k) => first + k);
  const forward = scroll.direction === "left" || scroll.direction === "up";
  const pitch = (horizontal(scroll.direction) ? scroll.cell.width : scroll.cell.height) + scroll.gap;
  const start = chunk.start / scroll.fps;
  return (forward ? indexes : indexes.reverse()).map((index) => {
    const item = scroll.items[index]!;
    const entry = scroll.duration * uneased(scroll.easing, (index * pitch) / distance);
    return {
      index,
      item: item.identity,
      still: item.still,
      caption: item.caption,
      ...ownFont(item),
      ...literal(item),
      seek: item.still ? 0 : Math.max(0, Math.round((start - entry) * 1000) / 1000),
      delay: item.still ? 0 : Math.max(0, Math.round((entry - start) * scroll.fps)),
    };
  });
}

/**
 * What a step draws its captions with, keyed only where it draws one (rv25: a caption colour changed made a
 * montage that shows no caption again): the colour where any caption is drawn (else none), the montage's font where
 * a caption has no font of its own (else null).
 */
function captionKeys(
  montage: MontageCommon,
  shown: readonly MontageItem[],
): { captionColor: string; font: string | null } {
  const captioned = shown.filter((item) => item.caption !== null);
  return {
    captionColor: captioned.length === 0 ? "" : montage.caption.color,
    font: captioned.some((item) => item.captionFont === undefined) ? montage.font?.identity ?? null : null,
  };
}

/** An item's caption font, where it draws a caption with a font of its own. */
function ownFont(item: MontageItem): { font?: string } {
  return item.caption === null || item.captionFont === undefined ? {} : { font: item.captionFont.identity };
}

/**
 * `{ literal: true }` for an item ffmpeg once read as a frame-number pattern (`frame%d.png` drew `frame1.png`): its
 * steps are made again, now that it is read as itself; nothing for the others, which keep their keys.
 */
function literal(item: MontageItem): { literal?: true } {
  return readAsPattern(item.path) ? { literal: true } : {};
}

/** The fonts a step draws its captions with, read by path and keyed by their digests (see `planned_reads.ts`). */
function fontReads(fonts: readonly ({ path: string; identity: string } | null | undefined)[]): PlannedRead[] {
  return fonts.filter((font) => font != null).map((font) => ({ path: font.path, sha256: font.identity }));
}
