/**
 * The clips step: the stretches of one format of a video that move, encoded frame by frame with the stills'
 * settings: a transition across each join between parts, and each Ken Burns move. Everything else is stills; only
 * these frames are encoded, and the `video` step joins them to the stills' stream as they are.
 * @module
 */
import { burnedCaptionFonts } from "./_caption_fonts.ts";
import type { CaptionStyle } from "../../../media/caption_placement.ts";
import { encodeClips } from "../../../media/h264/encode_clips.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";
import type { ClipSource } from "../picture_timeline.ts";
import { lessonTimeline, narrationFrames, type TimelineParams } from "./_lesson_timeline.ts";

/** The clips step's params. */
export interface ClipsParams extends TimelineParams {
  /** The title and end cards' seconds (0 for none), as the narration's params hold them. */
  lead: number;
  tail: number;
  width: number;
  height: number;
  gop: number;
  /** `xfade`'s transition. */
  type: string;
  /** The captions' look and longest line when burned, else null. */
  captions: { style: CaptionStyle; maxLineLength: number } | null;
}

/**
 * Encodes the clips one after another into one stream, a few to an ffmpeg (see `encodeClips`). Inputs: each
 * section's speech (their lengths lay the frames as the narration does, see `narrationFrames`); each part's
 * picture, its slide or, for a part that moves, its picture layer (the slide without its caption band); each
 * moving part's band layer (RGBA), in the parts' order; then (when captions are burned) each section's cues. A
 * move zooms the picture layer and lays the band layer, unmoved, over every frame. Runtime: `fontsDir`. Its value
 * is `{ clips }`, each clip's frames.
 */
export const clipsStep: StepKindDefinition = {
  kind: "clips",
  // 2: a moving picture's caption band stays still over its move (its inputs hold the two layers). 3: the clips in
  // one encode, each from an IDR, a burned cue from its own frame (it began a frame late where its time rounded up).
  // 4: the frames from the speech, not the narration (a change of music or loudness re-encoded every clip). 5: a Ken
  // Burns view placed to a fraction of a pixel (ffmpeg's perspective): zoompan's whole pixels made it judder. 6:
  // burned cues in Arabic or Hebrew set right to left.
  version: 6,
  blocking: false,
  run: async (task, { signal }) => {
    const params = task.params as unknown as ClipsParams;
    const count = params.parts.length;
    const sections = params.parts.filter((kind) => kind === "section").length;
    const moving = params.motion.flatMap((move, part) => move === null ? [] : [part]);
    const bands = new Map(moving.map((part, i) => [part, inputPath(task, sections + count + i)]));
    const cues = task.inputs.slice(sections + count + moving.length).map((input) => input.value);
    const speech = task.inputs.slice(0, sections).map((input) => numberField(input.value, "duration"));
    const frames = narrationFrames(speech, params);
    const timeline = lessonTimeline(params, frames, cues);
    const partOf = (picture: number) => timeline.pictures[picture]!.part;
    const side = (source: ClipSource) => {
      const part = partOf(source.picture);
      return { ...source, image: inputPath(task, sections + part), band: bands.get(part) ?? null };
    };
    const texts = timeline.clips.flatMap((clip) => clip.cues.map((cue) => cue.text));
    const captions = params.captions === null
      ? null
      : { ...params.captions, ...await burnedCaptionFonts(String(task.runtime.fontsDir), texts) };
    await encodeClips(
      task.ffmpeg,
      timeline.clips.map((clip) => ({
        frames: clip.frames,
        from: side(clip.from),
        to: clip.to === null ? null : side(clip.to),
        transition: params.type,
        cues: clip.cues,
      })),
      { ...params, captions, scratchDir: task.scratchDir, output: outputPath(task), signal },
    );
    return { clips: timeline.clips.map((clip) => clip.frames) };
  },
};
