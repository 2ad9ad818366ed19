/**
 * Audio joins are seamless: the decoded audio of a finished video matches its sections' narrations, each resampled
 * on its own and laid at the sample where its first frame starts, to within 1 ms per join; bringing the track to a
 * loudness scales every section alike and moves no join.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { runProcess } from "../../../../lib/media/run_process.ts";
import { pcmWav } from "../../../../lib/media/wav_pcm.ts";
import { narrationStep } from "../../../../lib/jobs/lesson/steps/narration_step.ts";
import { stillsStep } from "../../../../lib/jobs/lesson/steps/stills_step.ts";
import { videoStep } from "../../../../lib/jobs/lesson/steps/video_step.ts";
import { STILL_ENCODING } from "../../../../lib/media/h264/encode_stills.ts";
import { assertDeliverable } from "../../../_support/media.ts";
import { ebur128Summary } from "../../../_support/sound.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const FPS = 30;
const RATE = 48_000;
/** Narration lengths that are not whole frames, at the rate espeak-ng writes. */
const SECONDS = [0.51, 0.77, 0.333, 1.2];
const SOURCE_RATE = 22_050;

/** A mono 16-bit WAV of seeded noise (broadband, so a cross-correlation has one sharp peak). */
function noiseWav(seconds: number, seed: number): Uint8Array {
  const samples = Math.round(seconds * SOURCE_RATE);
  const pcm = new Uint8Array(samples * 2);
  const view = new DataView(pcm.buffer);
  let state = seed;
  for (let i = 0; i < samples; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    view.setInt16(i * 2, Math.round((state / 2 ** 31 - 0.5) * 20_000), true);
  }
  return pcmWav(pcm, { sampleRate: SOURCE_RATE });
}

async function decodeAudio(file: string): Promise<Float32Array> {
  const { stdout } = await runProcess((await findFfmpeg()).ffmpeg, [
    "-v",
    "error",
    "-i",
    file,
    "-map",
    "a:0",
    "-ar",
    String(RATE),
    "-ac",
    "1",
    "-f",
    "f32le",
    "pipe:1",
  ]);
  return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 4);
}

/** The lag (in samples, within ±range) at which `signal` best matches `template` placed at `at`. */
function bestLag(signal: Float32Array, template: Float32Array, at: number, range: number): number {
  let best = { lag: 0, score: -Infinity };
  for (let lag = -range; lag <= range; lag++) {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < template.length; i++) {
      const value = signal[at + lag + i] ?? 0;
      dot += value * template[i]!;
      energy += value * value;
    }
    const score = dot / Math.sqrt(energy + 1e-12);
    if (score > best.score) best = { lag, score };
  }
  return best.lag;
}

/** How the scenario encodes: its loudness, the narration's parts and the cores the step is given. */
interface Encoding {
  loudness: { target: number; truePeak: number } | null;
  partSeconds: number;
  cores: number;
  /** The AAC parts it should make (0: one encode, no parts). */
  parts: number;
  /** Cores lent to it while parts are left (each given back). @default none */
  lent?: number;
}

async function joinsInPlace(encoding: Encoding): Promise<void> {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  const speech = [];
  for (const [i, seconds] of SECONDS.entries()) {
    const path = `${dir}/speech${i}.wav`;
    await Deno.writeFile(path, noiseWav(seconds, i + 1));
    speech.push({ path, value: { duration: seconds } });
  }
  const loans = { lent: 0, held: 0 };
  const narration = await runStepKind(narrationStep, {
    // A second of silence for a title card before the sections, half a second for an end card after them.
    params: {
      fps: FPS,
      lead: 1,
      tail: 0.5,
      loudness: encoding.loudness,
      music: null,
      partSeconds: encoding.partSeconds,
    },
    inputs: speech,
    outputPath: `${dir}/narration.m4a`,
    scratchDir: `${dir}/scratch-narration`,
    cores: encoding.cores,
  }, {
    borrowCore: () => {
      if (encoding.lent === undefined) return Promise.resolve(null);
      loans.lent++;
      loans.held++;
      return Promise.resolve({ release: () => loans.held-- });
    },
  }) as { duration: number; frames: number[]; lead: number; tail: number };
  assert.deepEqual([loans.lent, loans.held], [encoding.lent ?? 0, 0]);
  assert.deepEqual(narration.frames, SECONDS.map((seconds) => Math.ceil(seconds * FPS)));
  const made = [...Deno.readDirSync(`${dir}/scratch-narration`)].filter((entry) =>
    entry.name.startsWith("aac-part-")
  );
  assert.equal(made.length, encoding.parts);
  if (encoding.loudness !== null) {
    // Measured in parts or whole, the narration lands on its loudness, its true peak under the ceiling.
    const { integrated, truePeak } = await ebur128Summary(`${dir}/narration.m4a`);
    assert.ok(Math.abs(integrated - encoding.loudness.target) <= 1, `${integrated} LUFS`);
    assert.ok(truePeak <= encoding.loudness.truePeak, `${truePeak} dBTP`);
  }
  assert.deepEqual([narration.lead, narration.tail], [FPS, FPS / 2]);
  const parts = ["title", ...SECONDS.map(() => "section"), "end"];

  const slides = [];
  for (const i of parts.keys()) {
    const path = `${dir}/slide${i}.png`;
    await runFfmpeg(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      `color=c=0x${i}0${i}0${i}0:s=64x36`,
      "-frames:v",
      "1",
      path,
    ]);
    slides.push({ path, value: null });
  }
  await runStepKind(stillsStep, {
    params: { width: 64, height: 36, fps: FPS, encoding: STILL_ENCODING, parts, burn: false, captions: null },
    inputs: slides,
    outputPath: `${dir}/stills.h264`,
    scratchDir: `${dir}/scratch-stills`,
  });
  const video = `${dir}/video.mp4`;
  await runStepKind(videoStep, {
    params: { fps: FPS, gop: 2 * FPS, parts, motion: [], transition: 0, burn: false, clips: false },
    inputs: [{ path: `${dir}/stills.h264`, value: null }, { path: `${dir}/narration.m4a`, value: narration }],
    outputPath: video,
    scratchDir: `${dir}/scratch-video`,
  });
  const total = narration.lead + narration.frames.reduce((a, b) => a + b, 0) + narration.tail;
  await assertDeliverable(video, { fps: FPS, frames: total });

  const decoded = await decodeAudio(video);
  assert.ok(decoded.length >= (total * RATE) / FPS, `${decoded.length} samples`);
  let frame = narration.lead;
  const gains: number[] = [];
  for (const [i, count] of narration.frames.entries()) {
    // Each narration, resampled on its own, is expected where its section's first frame starts.
    const expected = await decodeAudio(speech[i]!.path);
    const start = Math.round((frame * RATE) / FPS);
    const lag = bestLag(decoded, expected.subarray(0, 960), start, 480);
    assert.ok(Math.abs(lag) <= RATE / 1000, `section ${i} starts ${lag} samples from sample ${start}`);
    // No gap inside the narration, and silence (not a shifted neighbour) in the padding up to the next section.
    const rms = (from: number, to: number) =>
      Math.sqrt(decoded.subarray(from, to).reduce((sum, v) => sum + v * v, 0) / Math.max(1, to - from));
    const speechRms = rms(start, start + expected.length);
    const expectedRms = Math.sqrt(expected.reduce((sum, v) => sum + v * v, 0) / expected.length);
    // The loudness gain is one for the whole track: every section is scaled alike.
    gains.push(speechRms / expectedRms);
    assert.ok(Math.abs(gains[i]! / gains[0]! - 1) < 0.1, `section ${i}: gain ${gains[i]} vs ${gains[0]}`);
    frame += count;
    const next = Math.round((frame * RATE) / FPS);
    if (next - (start + expected.length) > 480) {
      assert.ok(
        rms(start + expected.length + 240, next - 240) < (gains[i]! * expectedRms) / 30,
        `section ${i}: padding not silent`,
      );
    }
  }
}

Deno.test("narration + video: every join of the decoded audio is within 1 ms of where the narrations say, no gap or drift, at one gain", async () => {
  await joinsInPlace({ loudness: { target: -16, truePeak: -1.5 }, partSeconds: 40, cores: 1, parts: 0 });
});

Deno.test("narration in AAC parts (1 s each): the joins are as exact, brought to a loudness on one core, the voice alone on two or on lent ones", async () => {
  // 4.3 s of narration: 4 parts, cut near section joins, on one ffmpeg (the loudness path: parts of the
  // measured PCM) and on two at once (the voice alone: each part reads only the sections it spans).
  await joinsInPlace({ loudness: { target: -16, truePeak: -1.5 }, partSeconds: 1, cores: 1, parts: 4 });
  await joinsInPlace({ loudness: null, partSeconds: 1, cores: 2, parts: 4 });
  // On one core and the three lent one after another as parts are left.
  await joinsInPlace({ loudness: null, partSeconds: 1, cores: 1, parts: 4, lent: 3 });
});

Deno.test("narration with music in AAC parts: the music runs on across every cut as in one encode, ducked alike", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  const speech: { path: string; value: { duration: number } }[] = [];
  for (const [i, seconds] of SECONDS.entries()) {
    const path = `${dir}/speech${i}.wav`;
    await Deno.writeFile(path, noiseWav(seconds, i + 1));
    speech.push({ path, value: { duration: seconds } });
  }
  // A tone that changes pitch every 0.1 s: a part that started the music again at its own start would not match.
  const music = `${dir}/music.wav`;
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "aevalsrc='0.5*sin(2*PI*(300+200*floor(10*t))*t)':s=48000:d=3",
    music,
  ]);
  const narration = async (name: string, partSeconds: number, cores: number) => {
    const output = `${dir}/${name}.m4a`;
    await runStepKind(narrationStep, {
      params: {
        fps: FPS,
        lead: 1,
        tail: 0.5,
        loudness: null,
        music: { sha256: "0".repeat(64), volume: 0.5, fadeIn: 0.5, fadeOut: 0.5, duck: 12 },
        partSeconds,
      },
      runtime: { musicPath: music },
      inputs: speech,
      outputPath: output,
      scratchDir: `${dir}/scratch-${name}`,
      cores,
    });
    return await decodeAudio(output);
  };
  const whole = await narration("whole", 40, 1);
  const parted = await narration("parted", 1, 2);
  assert.equal(parted.length, whole.length);
  // 50 ms windows over the whole track: the parts' mix differs from one encode's by coding noise (the two encodes'
  // noise apart, under a tenth of the power), not by a music started again at a cut (as loud as the mix itself).
  const window = RATE / 20;
  for (let at = 0; at + window <= whole.length; at += window) {
    let difference = 0;
    let level = 0;
    for (let i = at; i < at + window; i++) {
      difference += (parted[i]! - whole[i]!) ** 2;
      level += whole[i]! ** 2;
    }
    assert.ok(difference <= 0.1 * level + 1e-6, `at ${at / RATE} s: ${difference} against ${level}`);
  }
});
