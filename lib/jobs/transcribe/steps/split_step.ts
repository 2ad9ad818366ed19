/**
 * The split step: finds the silences of the decoded audio, plans the chunks (see `plan_chunks.ts`), and spawns one
 * chunk step each, keyed by the chunk's samples: a chunk heard before (by this recording or another) is not heard
 * again.
 * @module
 */
import { sha256Hex } from "../../../core/sha256.ts";
import { detectSilences, loudestStretchDb } from "../../../media/detect_silences.ts";
import { silenceNoise } from "../resolve_transcribe.ts";
import { readPcmRange, readWavLayout } from "../../../media/wav_pcm.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, outputPath } from "../../../steps/task_fields.ts";
import { overlapSilences } from "../merge_chunk_words.ts";
import { planChunks } from "../plan_chunks.ts";
import { CompactChunks } from "./_compact_chunks.ts";
import { concatBytes } from "../../../core/concat_bytes.ts";

/** What the split step is asked (its params). */
export interface SplitParams {
  chunk: number;
  overlap: number;
  context: number;
  /** `noise` null: the recording's own (see `silenceNoise`). */
  silence: { noise: number | null; duration: number };
  /** `m4a` to encode each chunk compactly for an upload into the artifact (a hosted engine), or null. */
  upload: "m4a" | null;
}

/**
 * Plans and spawns the chunks of its input (the decoded WAV). Each child is the template `runtime.template` (named
 * under this step, `./chunk`: a stored split serves any recording of the same audio, whatever its id), keyed
 * by the digest of its samples, told where to read them (`runtime`), and charged its seconds of audio against its
 * provider's token budget. For a hosted engine its artifact holds every chunk encoded for upload (the child reads
 * its byte range, `runtime.upload`). Its value is `{ duration, noise, silences, chunks, shared }`: the level it
 * took for silence, how many silences, each chunk's place, and the silences in audio two chunks both hear (see
 * `overlapSilences`), which the merge needs.
 */
export const splitStep: StepKindDefinition = {
  kind: "transcribe-split",
  // 2: silences scanned in-process (see `detectSilences`), not by an ffmpeg pass. 3: children named `./chunk`.
  // 4: the silences two chunks both hear, in its value. 5: a silence's level, unset, the recording's own (a quiet
  // one's speech lay under -35 dB), and in its value.
  version: 5,
  blocking: false,
  optionalArtifact: true,
  // One chunk per stretch of the recording: however long it is, not held to a run's count of spawned children.
  finiteChildren: true,
  run: async (task, { signal, spawn }) => {
    const params = task.params as unknown as SplitParams;
    const source = inputPath(task, 0);
    const layout = await readWavLayout(source);
    const rate = layout.sampleRate;
    const frames = layout.dataBytes / (layout.channels * layout.bitsPerSample / 8);
    const duration = frames / rate;
    const noise = params.silence.noise ?? silenceNoise(await loudestStretchDb(source, { signal }));
    const silences = await detectSilences(task.ffmpeg, source, {
      noise,
      minDuration: params.silence.duration,
      duration,
      signal,
    });
    const chunks = planChunks(duration, silences, params);
    const uploads = params.upload === null
      ? null
      : await CompactChunks.create(outputPath(task), { scratch: task.scratchDir, ffmpeg: task.ffmpeg });
    const format = new TextEncoder().encode(
      `pcm s${layout.bitsPerSample}le ${rate} Hz ${layout.channels} ch\n`,
    );
    const template = String(task.runtime.template);
    try {
      for (const [index, chunk] of chunks.entries()) {
        signal.throwIfAborted();
        // Cut points are rounded to the millisecond: the last chunk ends at the last frame, whatever its rounding.
        const range = {
          from: Math.round(chunk.start * rate),
          to: index === chunks.length - 1 ? frames : Math.round(chunk.end * rate),
        };
        const samples = await readPcmRange(source, layout, range);
        const upload = uploads === null ? null : await uploads.add(samples, { sampleRate: rate, signal });
        spawn({
          step: template,
          params: {},
          content: sha256Hex(concatBytes([format, samples])),
          runtime: { source, ...range, sampleRate: rate, index, start: chunk.start, end: chunk.end, upload },
          tokenCost: Math.ceil(chunk.end - chunk.start),
          // Its seconds of audio: the longest chunks are heard first and the short last one fills the end.
          cost: chunk.end - chunk.start,
        });
      }
    } finally {
      uploads?.close();
    }
    return {
      duration,
      noise,
      silences: silences.length,
      chunks: chunks.map((chunk) => ({ ...chunk })),
      shared: overlapSilences(chunks, silences).map((silence) => ({ ...silence })),
    };
  },
};
