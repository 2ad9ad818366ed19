/**
 * A narration encoded as parts at once and spliced is the track encoded whole, as heard: the same packets and
 * length, and around every splice the decoded audio is as close to the source as the whole encode's is. The parts
 * cover the track's packets once each, and how many there are depends on its length alone.
 */
import assert from "node:assert/strict";
import { AAC_FRAME, aacParts, CONTEXT_FRAMES } from "../../../lib/media/aac_parts.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { musicMixFilter } from "../../../lib/media/music_mix_filter.ts";
import { runProcess } from "../../../lib/media/run_process.ts";
import { readAacTrack } from "../../../lib/media/mp4_mux.ts";
import { joinFilter, narrationStep } from "../../../lib/jobs/lesson/steps/narration_step.ts";
import { runStepKind } from "../../_support/step_runner.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const RATE = 48_000;
const FPS = 30;

Deno.test("aacParts: every packet once, in order, each part after the first with its context, the count by length", () => {
  for (const seconds of [30, 89, 91, 150, 181, 600, 3600]) {
    const samples = seconds * RATE + 123;
    const joins = Array.from({ length: Math.floor(seconds / 7) }, (_, i) => (i + 1) * 7 * RATE + 999);
    const parts = aacParts(samples, joins, RATE);
    assert.equal(parts.length, Math.max(1, Math.min(8, Math.round(seconds / 60))), `${seconds} s`);
    assert.equal(parts.reduce((sum, part) => sum + part.count, 0), Math.ceil(samples / AAC_FRAME) + 1);
    let packet = 0;
    for (const [i, part] of parts.entries()) {
      // Its first kept packet decodes the frame that starts at (packet - 1) frames.
      assert.equal(part.from, i === 0 ? 0 : (packet - 1 - CONTEXT_FRAMES) * AAC_FRAME);
      assert.equal(part.skip, i === 0 ? 0 : CONTEXT_FRAMES + 1);
      assert.ok(part.from >= 0 && part.to <= samples && part.to > part.from);
      if (i < parts.length - 1) assert.ok(part.to >= Math.min(samples, (packet + part.count) * AAC_FRAME));
      else assert.equal(part.to, samples);
      packet += part.count;
    }
  }
  // Joins near the even shares are taken: each part starts in a join's trailing frames.
  const parts = aacParts(180 * RATE, [59 * RATE, 118 * RATE], RATE);
  const starts = parts.slice(1).map((part) => (part.from / AAC_FRAME) + 1 + CONTEXT_FRAMES);
  assert.deepEqual(starts, [
    Math.floor((59 * RATE) / AAC_FRAME) - 1,
    Math.floor((118 * RATE) / AAC_FRAME) - 1,
  ]);
});

/** Seeded noise bursts with a tone under them, `seconds` long at 22.05 kHz: loud up to its end, no silence to hide a splice. */
function soundWav(seconds: number, seed: number): Uint8Array {
  const rate = 22_050;
  const samples = Math.round(seconds * rate);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, value: string) => bytes.set(new TextEncoder().encode(value), offset);
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  let state = seed;
  for (let i = 0; i < samples; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const burst = Math.floor(i / 2205) % 3 === 0 ? 0.3 : 1;
    const value = (state / 2 ** 31 - 0.5) * 9_000 * burst +
      6_000 * Math.sin((2 * Math.PI * (220 + 40 * seed) * i) / rate);
    view.setInt16(44 + i * 2, Math.round(value), true);
  }
  return bytes;
}

async function decode(file: string): Promise<Float32Array> {
  const { stdout } = await runProcess((await findFfmpeg()).ffmpeg, [
    "-v",
    "error",
    "-i",
    file,
    "-f",
    "f32le",
    "pipe:1",
  ]);
  return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 4);
}

/** Root mean square of `a - b` over each 1024-sample frame. */
function frameErrors(a: Float32Array, b: Float32Array): number[] {
  const errors = [];
  for (let at = 0; at + AAC_FRAME <= Math.min(a.length, b.length); at += AAC_FRAME) {
    let sum = 0;
    for (let i = at; i < at + AAC_FRAME; i++) sum += (a[i]! - b[i]!) ** 2;
    errors.push(Math.sqrt(sum / AAC_FRAME));
  }
  return errors;
}

for (const withMusic of [false, true]) {
  Deno.test(
    `narration in parts${
      withMusic ? " with music ducked under it" : ""
    }: the same packets and length as whole, ` +
      "and no splice heard above the encoder's own error",
    () => narrationInParts(withMusic),
  );
}

async function narrationInParts(withMusic: boolean): Promise<void> {
  const dir = await tempDir();
  const seconds = [1.9, 2.3, 1.7];
  const inputs: { path: string; value: { duration: number } }[] = [];
  for (const [i, length] of seconds.entries()) {
    const path = `${dir}/speech${i}.wav`;
    await Deno.writeFile(path, soundWav(length, i + 1));
    inputs.push({ path, value: { duration: length } });
  }
  // Music (a chord shorter than the track, looped) mixed under the voice, faded in and out and ducked: the
  // parts run the whole mix from its start, so their encoders read the samples the whole encode reads.
  const musicPath = `${dir}/music.wav`;
  if (withMusic) {
    await runFfmpeg(await findFfmpeg(), [
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=330:duration=2.5,volume=0.5",
      "-ar",
      String(RATE),
      musicPath,
    ]);
  }
  const music = withMusic ? { sha256: "test", volume: 0.5, fadeIn: 1, fadeOut: 1, duck: 6 } : null;
  const params = { fps: FPS, lead: 0, tail: 0, loudness: null, music };
  const narrate = async (name: string, extra: Record<string, number>) => {
    const outputPath = `${dir}/${name}.m4a`;
    await runStepKind(narrationStep, {
      params: { ...params, ...extra },
      inputs,
      outputPath,
      scratchDir: `${dir}/scratch-${name}`,
      runtime: withMusic ? { musicPath } : {},
    });
    return outputPath;
  };
  const whole = await narrate("whole", {});
  // Parts of about a second: four splices in a 6-second track, most inside the loud sound.
  const spliced = await narrate("parts", { partSeconds: 1 });
  const frames = seconds.map((length) => Math.ceil(length * FPS));
  const lengths = frames.map((count) => (count * RATE) / FPS);
  const samples = lengths.reduce((a, b) => a + b, 0);
  const parts = aacParts(
    samples,
    lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0)),
    RATE,
    1,
  );
  assert.ok(parts.length >= 4, `${parts.length} parts`);

  const [wholeTrack, splicedTrack] = [await readAacTrack(whole), await readAacTrack(spliced)];
  assert.equal(splicedTrack.sizes.length, wholeTrack.sizes.length);
  assert.deepEqual(splicedTrack.edit, wholeTrack.edit);
  // The source: the same join (and mix), decoded without encoding.
  const source = `${dir}/source.wav`;
  const mix = withMusic
    ? `;${musicMixFilter("narration", { input: inputs.length, samples, sampleRate: RATE, ...music! })}`
    : "";
  await runFfmpeg(await findFfmpeg(), [
    ...inputs.flatMap((input) => ["-i", input.path]),
    ...withMusic ? ["-stream_loop", "-1", "-i", musicPath] : [],
    "-filter_complex",
    `${joinFilter(lengths, RATE)}${mix}`,
    "-map",
    withMusic ? "[mix]" : "[narration]",
    "-c:a",
    "pcm_f32le",
    source,
  ]);
  const [reference, a, b] = [await decode(source), await decode(whole), await decode(spliced)];
  assert.equal(reference.length, samples);
  assert.equal(b.length, a.length);
  // The edit leaves the priming out (the decoder keeps the last frame's padding, as it does for the whole encode).
  assert.ok(b.length >= samples && b.length - samples < AAC_FRAME, `${b.length} samples for ${samples}`);
  const [wholeErrors, splicedErrors] = [frameErrors(a, reference), frameErrors(b, reference)];
  const typical = [...wholeErrors].sort((x, y) => x - y)[Math.floor(wholeErrors.length / 2)]!;
  let packet = 0;
  for (const part of parts.slice(0, -1)) {
    packet += part.count;
    // The frames whose windows touch the splice: the frame decoded from packet - 1 starts at (packet - 2) frames.
    for (let frame = packet - 4; frame <= packet + 2; frame++) {
      assert.ok(
        splicedErrors[frame]! <= Math.max(2 * wholeErrors[frame]!, 2 * typical),
        `frame ${frame} by the splice at packet ${packet}: ${splicedErrors[frame]} vs ${
          wholeErrors[frame]
        } whole`,
      );
    }
  }
}
