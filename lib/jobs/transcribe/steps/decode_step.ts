/**
 * The decode step: the recording's first audio stream, once, as 16 kHz mono 16-bit PCM (what speech engines hear),
 * with no metadata, so equal audio decodes to equal bytes.
 * @module
 */
import { UnrecoverableError } from "../../../core/errors.ts";
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import { readWavLayout } from "../../../media/wav_pcm.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";

/** The sample rate every chunk is heard at. */
export const SPEECH_SAMPLE_RATE = 16_000;

/**
 * How much shorter than its probe a recording may decode before it is taken for cut short: a tenth, and a quarter
 * second. A file whose index survived its end (an MP4 with its moov first, a WAV's header) probes whole and decodes
 * in part, and its transcript stopped where the bytes did, exit 0; a probe that estimates (an MP3 without a header)
 * is off by less.
 */
const CUT_SHORT = { ratio: 0.9, seconds: 0.25 };

/**
 * Decodes `runtime.input` into its WAV artifact; its value is `{ duration, frames }`. Its input is the probe's
 * value (`{ sound }`, its audio's length): a recording that decodes much shorter than that fails, not retried.
 */
export const decodeStep: StepKindDefinition = {
  kind: "transcribe-decode",
  version: 2,
  blocking: false,
  run: async (task, { signal }) => {
    const output = outputPath(task);
    await runFfmpeg(task.ffmpeg, [
      "-i",
      String(task.runtime.input),
      "-map",
      "0:a:0",
      "-vn",
      "-ac",
      "1",
      "-ar",
      String(SPEECH_SAMPLE_RATE),
      "-c:a",
      "pcm_s16le",
      "-map_metadata",
      "-1",
      "-fflags",
      "+bitexact",
      "-flags:a",
      "+bitexact",
      "-f",
      "wav",
      output,
    ], { signal });
    const layout = await readWavLayout(output);
    const frames = layout.dataBytes / (layout.channels * layout.bitsPerSample / 8);
    const duration = frames / layout.sampleRate;
    const probed = task.inputs[0]?.value as { sound?: unknown } | undefined;
    const expected = typeof probed?.sound === "number" ? probed.sound : null;
    if (
      expected !== null && duration < expected * CUT_SHORT.ratio && expected - duration > CUT_SHORT.seconds
    ) {
      throw new UnrecoverableError(
        `${task.runtime.input} is cut short: its audio should last ${expected.toFixed(2)} s, but only ` +
          `${duration.toFixed(2)} s of its sound decode (a partial download or copy?)`,
      );
    }
    return { duration, frames };
  },
};
