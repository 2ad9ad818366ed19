/**
 * The stills step: a video's pictures in one format, each encoded once as an H.264 IDR picture (libx264 in the
 * worker where the plan found the library, else one ffmpeg pass for all of them): every part's slide (title card,
 * sections, end card) and, when captions are burned, a copy of a section's slide for each of its cues with the cue
 * drawn on it. The `video` step shows each for its frames without encoding another.
 * @module
 */
import { burnedCaptionFonts } from "./_caption_fonts.ts";
import type { CaptionStyle } from "../../../media/caption_placement.ts";
import { encodeStills } from "../../../media/h264/encode_stills.ts";
import { findLibx264, libx264Identity, openedLibx264Identity } from "../../../media/h264/libx264.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";
import { timelinePictures } from "../picture_timeline.ts";
import { type TimelineParams, timelineParts } from "./_lesson_timeline.ts";

/** The stills step's params. */
export interface StillsParams extends Pick<TimelineParams, "fps" | "parts" | "burn"> {
  width: number;
  height: number;
  /** The captions' look and longest line when burned, else null. */
  captions: { style: CaptionStyle; maxLineLength: number } | null;
  /** Encode with libx264 in the worker (the plan found a usable one; no captions burned, no clips to match). */
  inProcess?: boolean;
}

/**
 * Encodes the pictures. Inputs: each part's slide, in order, then (when captions are burned) each section's cues.
 * Runtime: `fontsDir`, the caption font's folder. Its value is `{ stills }`, how many were encoded.
 */
export const stillsStep: StepKindDefinition = {
  kind: "stills",
  // 3: encoded in-process where libx264 is found (the same encoder and parameter sets; chroma from 2×2 means). 4:
  // burned cues in Arabic or Hebrew set right to left (each cue in its own direction).
  version: 4,
  blocking: false,
  run: async (task, { signal }) => {
    const params = task.params as unknown as StillsParams;
    const count = params.parts.length;
    const parts = timelineParts(
      { ...params, motion: [], transition: 0 },
      task.inputs.slice(count).map((input) => input.value),
    );
    const pictures = timelinePictures(parts);
    const texts = pictures.map(({ part, cue }) => cue === null ? null : parts[part]!.cues[cue]!.text);
    const captions = params.captions === null ? null : {
      ...params.captions,
      ...await burnedCaptionFonts(String(task.runtime.fontsDir), texts.filter((text) => text !== null)),
      texts,
    };
    const images = pictures.map(({ part }) => inputPath(task, part));
    const options = {
      fps: numberField(task.params, "fps"),
      width: params.width,
      height: params.height,
      scratchDir: task.scratchDir,
      output: outputPath(task),
      captions,
      signal,
    };
    const library = params.inProcess === true ? plannedLibx264(task.id, task.runtime.x264) : null;
    // Loaded here, on the worker: the planner loads this module for the step's kind and version alone.
    const encoded = library === null
      ? null
      : await (await import("../../../media/h264/encode_stills_in_process.ts")).encodeStillsInProcess(
        library,
        images,
        options,
      );
    const { stills } = encoded ?? await encodeStills(task.ffmpeg, images, options);
    return { stills: stills.length };
  },
};

/**
 * The libx264 this machine has, when it is the one the plan keyed the stills with (its bytes' digest), and
 * the one this worker would encode with: a worker that opened the file before it was replaced still runs the old
 * code (the loader cannot open it again).
 *
 * @throws {Error} When it is missing or another (a cluster worker set up unlike the coordinator, a library replaced
 * since planning or since this worker opened it): the stills would not be the bytes their key names. Another worker
 * may take the step.
 */
function plannedLibx264(step: string, planned: unknown): string {
  const library = findLibx264();
  const identity = libx264Identity(library);
  if (library === null || identity !== planned) {
    throw new Error(
      `${step}: planned for the libx264 of digest ${String(planned)}, but this machine has ${
        library === null ? "none" : `${library} (digest ${identity})`
      }. Install the same libx264 here, or render with REEL_LIBX264=off so that ffmpeg encodes the stills`,
    );
  }
  const loaded = openedLibx264Identity(library);
  if (loaded !== undefined && loaded !== identity) {
    throw new Error(
      `${step}: planned for the libx264 of digest ${String(planned)}, but this worker loaded ${library}${
        loaded === null ? "" : ` (digest ${loaded})`
      } before the file was replaced, and still encodes with it. Restart the worker (reel worker) to load the new ` +
        "one",
    );
  }
  return library;
}
