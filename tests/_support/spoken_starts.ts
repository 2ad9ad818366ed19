/**
 * Where sentences start in a narration spoken at once (as a lesson's speech step speaks it), found without
 * listening: the voice is deterministic, so the first k sentences spoken alone fall silent where sentence k+1's
 * pause begins in the whole recording; the sentence starts where sound resumes after that pause.
 * @module
 */
import { readPcmRange, readWavLayout } from "../../lib/media/wav_pcm.ts";
import { firstLoudSample, lastLoudSample, type LocalVoice, speak } from "./joined_speech.ts";

/** A sample louder than this (-40 dBFS) is speech. */
const LOUD = 328;

/**
 * Finds each sentence's start in a recording of the sentences spoken at once.
 *
 * @param path The recording (mono 16-bit WAV).
 * @param sentences What was said, in order.
 * @param options The voice it was said with and a folder for scratch files.
 * @returns The recording's length and each sentence's start in seconds (null where no pause was found).
 */
export async function spokenStarts(
  path: string,
  sentences: readonly string[],
  options: { voice: LocalVoice; dir: string },
): Promise<{ duration: number; starts: (number | null)[] }> {
  const pcm = await allSamples(path);
  const rate = (await readWavLayout(path)).sampleRate;
  const starts: (number | null)[] = [firstLoudSample(pcm) / rate];
  const prefix = `${options.dir}/prefix.wav`;
  for (let k = 1; k < sentences.length; k++) {
    await speak(sentences.slice(0, k).join(" "), prefix, options.voice);
    const end = lastLoudSample(await allSamples(prefix)) + 1;
    // The first quiet run of 60 ms from 30 ms before that point (a pause, not a stop consonant), then the first
    // loud sample after it.
    const quiet = quietRunFrom(pcm, {
      from: Math.max(0, end - 0.03 * rate),
      to: end + 0.15 * rate,
      run: 0.06 * rate,
    });
    starts.push(quiet === null ? null : (quiet + firstLoudSample(pcm.subarray(2 * quiet))) / rate);
  }
  await Deno.remove(prefix).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  return { duration: pcm.length / 2 / rate, starts };
}

async function allSamples(path: string): Promise<Uint8Array> {
  const layout = await readWavLayout(path);
  return await readPcmRange(path, layout, { from: 0, to: layout.dataBytes / 2 });
}

/** The sample where a quiet run of at least `run` samples that starts in `[from, to]` ends, or null. */
function quietRunFrom(pcm: Uint8Array, range: { from: number; to: number; run: number }): number | null {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  let quietSince = -1;
  for (let i = Math.floor(range.from); i < pcm.length / 2; i++) {
    if (Math.abs(view.getInt16(2 * i, true)) > LOUD) {
      if (quietSince >= 0 && i - quietSince >= range.run) return i;
      quietSince = -1;
      if (i > range.to) return null;
    } else if (quietSince < 0) {
      quietSince = i;
    }
  }
  return null;
}
