/**
 * The montage job's part of a workflow file: images or clips in a grid (rows × cols, gaps, background, captions) or
 * moving across the frame as a strip (direction, speed in px/s, easing), with audio; and the resolved types.
 * @module
 */
import { z } from "zod";
import { color, formatText, nonBlank, oneOf, slug } from "../../schema/fields.ts";

const itemSchema = z.union([
  nonBlank("Item"),
  z.strictObject({ file: nonBlank("Item file"), caption: nonBlank("Caption").max(200).optional() }),
]);

const common = {
  id: slug("Expected a lowercase id like wall"),
  items: z.array(itemSchema).min(1, "Give at least one image or clip"),
  size: formatText.optional(),
  fps: z.number().min(1).max(60).optional(),
  background: color.optional(),
  gap: z.number().int().min(0).max(1000).optional(),
  fit: oneOf(["contain", "cover"]).optional(),
  captions: z.boolean().optional(),
  preset: oneOf(["fast", "fastest"]).optional(),
  caption: z.strictObject({ color: color.optional(), size: z.number().min(0.05).max(0.5).optional() })
    .optional(),
  audio: z.union([
    nonBlank("Audio file"),
    z.strictObject({ file: nonBlank("Audio file"), gain: z.number().min(-30).max(30).optional() }),
  ]).optional(),
};

/**
 * How long a montage lasts: a second at least (a strip that crosses in a frame shows nothing, a grid of one frame is
 * a picture), an hour at most.
 */
export const MONTAGE_SECONDS = { min: 1, max: 3600 } as const;

const secondsMessage = `Expected ${MONTAGE_SECONDS.min} to ${MONTAGE_SECONDS.max} seconds`;
const montageDuration = z.number().min(MONTAGE_SECONDS.min, secondsMessage).max(
  MONTAGE_SECONDS.max,
  secondsMessage,
);

const gridSchema = z.strictObject({
  ...common,
  layout: z.literal("grid"),
  rows: z.number().int().min(1).max(100).optional(),
  cols: z.number().int().min(1).max(100).optional(),
  // fi12: a grid took 0.01 s (one frame) where a strip refused under a second.
  duration: montageDuration.optional(),
});

const scrollSchema = z.strictObject({
  ...common,
  layout: z.literal("scroll"),
  direction: oneOf(["left", "right", "up", "down"]).optional(),
  speed: z.number().positive().max(20_000).optional(),
  // fi4: a strip that crossed in a frame gave one black frame, exit 0.
  duration: montageDuration.optional(),
  easing: oneOf(["linear", "ease-in", "ease-out", "ease-in-out"]).optional(),
  cell: z.strictObject({
    width: z.number().int().min(16).max(7680),
    height: z.number().int().min(16).max(7680),
  })
    .optional(),
});

/** The workflow fields the montage job kind owns. */
export const montageFields = {
  montages: z.array(z.discriminatedUnion("layout", [gridSchema, scrollSchema])).min(1).optional(),
};

/** The montage fields as parsed. */
export type MontageInput = z.output<z.ZodObject<typeof montageFields>>;

/** A montage as a workflow file writes it. */
export type MontageJobInput = z.input<typeof gridSchema> | z.input<typeof scrollSchema>;

/** A rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One image or clip of a montage. */
export interface MontageItem {
  /** As the user would name it. */
  name: string;
  /** Where the workflow names it (`montages[0].items[2]`, the pattern that found it), for messages; not keyed. */
  field: string;
  /**
   * Where its file is named: `field`, or its `file` when the item is written as an object
   * (`montages[0].items[2].file`), for the messages about the file; not keyed. @default field
   */
  fileField?: string;
  /** Its absolute path (run-time: the key holds its identity). */
  path: string;
  /** What keys it (its content's digest). */
  identity: string;
  /** True for a still image (decoded once), false for a clip (played, looped). */
  still: boolean;
  /** Its caption, or null. */
  caption: string | null;
  /** The font its caption is drawn with when the montage's lacks one of its characters (CJK, emoji); absent else. */
  captionFont?: { path: string; identity: string };
}

/** What grids and strips share, resolved. */
export interface MontageCommon {
  /** Its id: its steps are `montage/<id>/…`, its output `<id>.mp4`. */
  id: string;
  /** Where it was written, for messages. */
  path: string;
  /** The items, in order. */
  items: MontageItem[];
  /** The output frame. */
  frame: { width: number; height: number };
  /** Frames per second. */
  fps: number;
  /** The background colour. */
  background: string;
  /** Pixels between cells (and around a grid). */
  gap: number;
  /** How an item fills its cell: whole inside it, or covering it (cut). */
  fit: "contain" | "cover";
  /** How captions look: colour and height as a share of the cell's. */
  caption: { color: string; size: number };
  /** The caption font, or null when no item has a caption. */
  font: { path: string; identity: string } | null;
  /** The soundtrack (looped to the length, faded out), or null for none. */
  audio: {
    path: string;
    identity: string;
    gain: number;
    /** Where the workflow names the file (`montages[0].audio.file`), for messages; not keyed. */
    field: string;
  } | null;
  /** The encoder's speed: `fastest` by default (a montage moves every pixel, so encoding is most of its cost). */
  preset: "fast" | "fastest";
}

/** A grid, resolved. */
export interface ResolvedGrid extends MontageCommon {
  layout: "grid";
  /** Rows and columns, or null to choose them from the count and the frame. */
  rows: number | null;
  cols: number | null;
  /** Seconds. */
  duration: number;
}

/** A scrolling strip, resolved. */
export interface ResolvedScroll extends MontageCommon {
  layout: "scroll";
  /** Where the strip moves. */
  direction: "left" | "right" | "up" | "down";
  /** Seconds the whole strip takes to cross the frame (from the speed when not given). */
  duration: number;
  /** How the motion speeds up and slows down. */
  easing: "linear" | "ease-in" | "ease-out" | "ease-in-out";
  /** Each item's cell. */
  cell: { width: number; height: number };
}

/** A montage, resolved. */
export type ResolvedMontage = ResolvedGrid | ResolvedScroll;

/** The workflow's montages. */
export interface ResolvedMontages {
  /** In the order written. */
  montages: ResolvedMontage[];
}
