/**
 * The decode step: the recording's first audio stream, once, as 16 kHz mono 16-bit PCM (what speech engines hear),
 * with no metadata, so equal audio decodes to equal bytes.
 * @module
 */
import { UnrecoverableError } from "../../../core/errors.ts";
import {
  BITEXACT_WAV,
  damagedInputWarning,
  decodeErrors,
  PARTIAL_FILE,
  runFfmpegSaying,
} from "../../../media/ffmpeg.ts";
import { readWavLayout } from "../../../media/wav_pcm.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";

/** The sample rate every chunk is heard at. */
export const SPEECH_SAMPLE_RATE = 16_000;

/**
 * Decodes `runtime.input` into its WAV artifact; its value is `{ duration, frames }`, with `warnings` when ffmpeg
 * could not decode part of it (a damaged file: the transcript is made of the rest, and the run says so). A recording
 * whose data ends before its index says (an MP4 cut after its moov: a partial download) fails, not retried: ffmpeg
 * decodes what is there, says "partial file" and exits 0, and the transcript stopped where the bytes did.
 */
export const decodeStep: StepKindDefinition = {
  kind: "transcribe-decode",
  // 2: on the recording's timeline (see the arguments).
  version: 2,
  blocking: false,
  run: async (task, { signal }) => {
    const output = outputPath(task);
    const input = String(task.runtime.input);
    const { stderr } = await runFfmpegSaying(task.ffmpeg, [
      "-i",
      input,
      "-map",
      "0:a:0",
      "-vn",
      // On the recording's timeline: sound that starts after its pictures, or pauses (a phone's or a screen
      // recorder's), is padded with silence there. Before, its samples were laid end to end from 0, and every word
      // after the start or the pause was timed early by its length.
      "-af",
      "aresample=async=1:first_pts=0",
      "-ac",
      "1",
      "-ar",
      String(SPEECH_SAMPLE_RATE),
      ...BITEXACT_WAV,
      output,
    ], { signal });
    if (PARTIAL_FILE.test(stderr)) {
      throw new UnrecoverableError(
        `${input} is cut short: its data ends before its index says (ffmpeg: partial file; a partial download ` +
          "or copy?)",
        { badInput: true },
      );
    }
    const layout = await readWavLayout(output);
    const frames = layout.dataBytes / (layout.channels * layout.bitsPerSample / 8);
    // Not in the version: the bytes are those made before, and a value stored before lacks only the warning.
    const errors = decodeErrors(stderr);
    return {
      duration: frames / layout.sampleRate,
      frames,
      ...errors > 0
        ? {
          warnings: [damagedInputWarning(input, { errors, missing: "the transcript misses what they held" })],
        }
        : {},
    };
  },
};
