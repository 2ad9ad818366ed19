/**
 * Real media bodies for the fake API: a solid-colour PNG and a tone WAV.
 * @module
 */
import { createHash } from "node:crypto";
import { encodePng } from "../media/png_encoder.ts";
import { pcmWav } from "../media/wav_pcm.ts";

/**
 * A PNG of the given size, in a colour derived from the prompt (the same prompt, the same colour); with `vary`, one
 * random pixel is changed, so every call's bytes differ.
 */
export function promptPng(
  prompt: string,
  width: number,
  height: number,
  vary: (() => number) | null = null,
): Uint8Array {
  const [r, g, b] = createHash("sha256").update(prompt).digest();
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < pixels.length; i += 4) {
    pixels[i] = r!;
    pixels[i + 1] = g!;
    pixels[i + 2] = b!;
    pixels[i + 3] = 255;
  }
  if (vary !== null) {
    const at = Math.floor(vary() * width * height) * 4;
    pixels[at] = Math.floor(vary() * 256);
    pixels[at + 1] = Math.floor(vary() * 256);
  }
  return encodePng(pixels, width, height);
}

/**
 * A 16 kHz mono WAV holding a soft tone as long as the text would take to say at ~160 words per minute; with
 * `vary`, one random sample is changed, so every call's bytes differ.
 */
export function speechWav(
  text: string,
  speed: number,
  vary: (() => number) | null = null,
): Uint8Array<ArrayBuffer> {
  const words = text.trim().split(/\s+/).length;
  const seconds = Math.max(0.5, (words * 0.375) / speed);
  const rate = 16_000;
  const samples = Math.round(seconds * rate);
  const pcm = new Uint8Array(samples * 2);
  const view = new DataView(pcm.buffer);
  for (let i = 0; i < samples; i++) {
    view.setInt16(i * 2, Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / rate)), true);
  }
  if (vary !== null) {
    view.setInt16(Math.floor(vary() * samples) * 2, Math.round(vary() * 6000 - 3000), true);
  }
  return pcmWav(pcm, { sampleRate: rate });
}
