/**
 * Speech whose sentence starts are known without listening: each sentence spoken alone (flite or espeak-ng, the
 * engines lessons use), the recordings joined with pauses of chosen lengths. A sentence starts at its recording's
 * offset plus its own leading silence, measured on its samples.
 * @module
 */
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { pcmWav, readPcmRange, readWavLayout } from "../../lib/media/wav_pcm.ts";
import { espeakEngine } from "../../lib/providers/local/speech/espeak_engine.ts";
import { fliteEngine } from "../../lib/providers/local/speech/flite_engine.ts";

/** A local voice: its engine and name. */
export interface LocalVoice {
  engine: "flite" | "espeak";
  voice: string;
}

/** Joined speech and where its sentences start. */
export interface JoinedSpeech {
  /** The recording: mono 16-bit WAV at the voice's rate. */
  path: string;
  /** Its length in seconds. */
  duration: number;
  /** Where each sentence's speech starts, in seconds. */
  starts: number[];
}

/** A sample louder than this (-40 dBFS) is speech. */
const LOUD = 328;

/**
 * Speaks each sentence alone and joins the recordings with pauses.
 *
 * @param dir A folder for the files.
 * @param sentences What is said.
 * @param options The voice and the pause after each sentence but the last, in seconds.
 * @returns The recording and its sentence starts.
 */
export async function joinedSpeech(
  dir: string,
  sentences: readonly string[],
  options: { voice: LocalVoice; pauses: readonly number[] },
): Promise<JoinedSpeech> {
  const parts: Uint8Array[] = [];
  const starts: number[] = [];
  let sampleRate = 0;
  let at = 0;
  for (const [i, sentence] of sentences.entries()) {
    const file = `${dir}/sentence-${i}.wav`;
    await speak(sentence, file, options.voice);
    const layout = await readWavLayout(file);
    sampleRate = layout.sampleRate;
    const pcm = await readPcmRange(file, layout, { from: 0, to: layout.dataBytes / 2 });
    await Deno.remove(file);
    starts.push((at + firstLoudSample(pcm)) / sampleRate);
    const pause = new Uint8Array(2 * Math.round((options.pauses[i] ?? 0) * sampleRate));
    parts.push(pcm, pause);
    at += (pcm.length + pause.length) / 2;
  }
  const joined = new Uint8Array(at * 2);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  const path = `${dir}/joined.wav`;
  await Deno.writeFile(path, pcmWav(joined, { sampleRate }));
  return { path, duration: at / sampleRate, starts };
}

/**
 * Speaks a text with a local voice at 165 words a minute, as a lesson's speech step does.
 *
 * @param text What to say.
 * @param path The WAV file to write.
 * @param voice The voice.
 */
export async function speak(text: string, path: string, voice: LocalVoice): Promise<void> {
  const engine = voice.engine === "flite" ? fliteEngine : espeakEngine;
  await engine.synthesize({ text, voice: voice.voice, rate: 165 }, {
    ffmpeg: await findFfmpeg(),
    outPath: path,
  });
}

/**
 * The first sample louder than -40 dBFS.
 *
 * @param pcm Mono 16-bit little-endian samples.
 * @returns Its index (the sample count when none is).
 */
export function firstLoudSample(pcm: Uint8Array): number {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  for (let i = 0; i < pcm.length / 2; i++) if (Math.abs(view.getInt16(2 * i, true)) > LOUD) return i;
  return pcm.length / 2;
}

/**
 * The last sample louder than -40 dBFS.
 *
 * @param pcm Mono 16-bit little-endian samples.
 * @returns Its index (-1 when none is).
 */
export function lastLoudSample(pcm: Uint8Array): number {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  for (let i = pcm.length / 2 - 1; i >= 0; i--) if (Math.abs(view.getInt16(2 * i, true)) > LOUD) return i;
  return -1;
}
