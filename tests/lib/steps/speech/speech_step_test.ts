import assert from "node:assert/strict";
import { ProviderError } from "../../../../lib/core/errors.ts";
import { encodePng } from "../../../../lib/media/png_encoder.ts";
import { pcmWav } from "../../../../lib/media/wav_pcm.ts";
import { speechStep } from "../../../../lib/steps/speech/speech_step.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { speakWithEspeak } from "../../../_support/espeak_speech_run.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

/** Control characters (C0 and C1, DEL), built from their codes. */
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}-${
    String.fromCharCode(0x9f)
  }]`,
);

/** A speech endpoint that answers `body` with `contentType` to every request. */
function answering(body: Uint8Array<ArrayBuffer>, contentType: string) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    return new Response(body, { headers: { "content-type": contentType } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** Runs an API speech step against a provider answering `body` with `contentType` (see `answering`, `speakAt`). */
async function speakAnswered(
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
): Promise<{ dir: string; value: unknown; error: unknown }> {
  const server = answering(body, contentType);
  try {
    return await speakAt(server.url);
  } finally {
    await server.close();
  }
}

/** Runs an API speech step against `url` (a fake provider): its value, or what it threw, and its folder. */
async function speakAt(url: string): Promise<{ dir: string; value: unknown; error: unknown }> {
  const dir = await tempDir();
  const task = {
    params: { text: "Hello there.", voice: { engine: "openai", voice: "alloy", rate: 175, model: "tts-1" } },
    inputs: [],
    outputPath: `${dir}/speech.wav`,
    scratchDir: `${dir}/scratch`,
    runtime: { provider: "fake", baseUrl: url, keyEnv: "REEL_TEST_UNSET_KEY", timeout: 5000 },
  };
  return await runStepKind(speechStep, task).then(
    (value) => ({ dir, value, error: null }),
    (error: unknown) => ({ dir, value: null, error }),
  );
}

Deno.test("speech step: an API answering a PNG as audio fails naming its size and type, with no raw bytes in the message", async () => {
  const png = new Uint8Array(encodePng(new Uint8Array(32 * 32 * 4).fill(200), 32, 32));
  const { error } = await speakAnswered(png, "audio/wav");
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(
    error.message,
    `fake: returned something that is not audio (${png.length} bytes of image/png (sent as audio/wav))`,
  );
  assert.doesNotMatch(error.message, CONTROL);
});

Deno.test("speech step: an error sent with status 200 is quoted, as the image step quotes it, and not asked again", async () => {
  const body = new TextEncoder().encode(JSON.stringify({ error: { message: "model overloaded" } }));
  const { error } = await speakAnswered(body, "application/json");
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.message, "fake: answered with an error instead of audio: model overloaded");
  assert.equal(error.retryable, false);
});

/** A float WAV of `samples` at `rate`: IEEE float, 32 bits, mono. */
function floatWav(samples: number[], rate: number): Uint8Array<ArrayBuffer> {
  const pcm = new Uint8Array(samples.length * 4);
  const view = new DataView(pcm.buffer);
  samples.forEach((sample, i) => view.setFloat32(i * 4, sample, true));
  return pcmWav(pcm, { sampleRate: rate, bitsPerSample: 32, float: true });
}

Deno.test("speech step: a WAV answer of samples that are not numbers, or at a rate no speech has, fails naming why; nothing is written", async () => {
  // Before: ffmpeg made NaN a loud constant (a thump for the narration), and 8 Hz a 50-minute section; exit 0.
  const speech = Array.from({ length: 24_000 }, (_, i) => 0.3 * Math.sin(i / 10));
  const cases: [Uint8Array<ArrayBuffer>, string][] = [
    [
      floatWav(speech.map((sample, i) => (i % 100 === 7 ? NaN : sample)), 24_000),
      "has samples that are not numbers",
    ],
    [
      floatWav(speech.map((sample, i) => (i === 5000 ? Infinity : sample)), 24_000),
      "has samples that are not numbers",
    ],
    [floatWav(speech, 8), "is sampled at 8 Hz"],
  ];
  for (const [body, why] of cases) {
    const { dir, error } = await speakAnswered(body, "audio/wav");
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(error.message.startsWith(`fake: returned WAV audio that ${why}`), true, error.message);
    await assert.rejects(Deno.stat(`${dir}/speech.wav`), Deno.errors.NotFound);
  }
  // The same speech at 24 kHz, every sample a number, is spoken.
  const { value, error } = await speakAnswered(floatWav(speech, 24_000), "audio/wav");
  assert.equal(error, null);
  const { duration } = value as { duration: number };
  assert.ok(Math.abs(duration - 1) < 0.01, String(duration));
});

Deno.test("speech step: a whole WAV answer of no speech (a few samples) fails naming the provider, not asked again", async () => {
  // fi: a 200 answer of a 0.01 s WAV was asked for six times a section, each call paid.
  const { error } = await speakAnswered(pcmWav(new Uint8Array(480), { sampleRate: 24_000 }), "audio/wav");
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.message, "fake: returned 0.01 s of audio; expected speech");
  assert.equal(error.retryable, false);
});

Deno.test("speech step: a whole WAV answer of silence fails naming the provider, not retried; a quiet one is spoken", async () => {
  // fi16: a WAV of zeros made a video with a silent narration, exit 0.
  const silence = pcmWav(new Uint8Array(48_000), { sampleRate: 24_000 });
  const { error } = await speakAnswered(silence, "audio/wav");
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.message, "fake: returned 1 s of silence; expected speech");
  assert.equal(error.retryable, false);
  // A quiet voice (-50 dBFS peaks) is a voice.
  const quiet = new Uint8Array(48_000);
  const view = new DataView(quiet.buffer);
  for (let i = 0; i < 24_000; i++) view.setInt16(i * 2, Math.round(100 * Math.sin(i / 10)), true);
  const spoken = await speakAnswered(pcmWav(quiet, { sampleRate: 24_000 }), "audio/wav");
  assert.equal(spoken.error, null);
});

Deno.test("speech step: a WAV answer cut short of its header's length fails, to be asked again; a streamed one is spoken", async () => {
  // Before: a header claiming 1 s over 0.1 s of samples was spoken as 0.1 s, exit 0.
  const whole = pcmWav(new Uint8Array(48_000).fill(0x40), { sampleRate: 24_000 });
  const cut = whole.slice(0, 44 + 4800);
  const { dir, error } = await speakAnswered(cut, "audio/wav");
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(
    error.message,
    "fake: returned WAV audio that is cut short: its header says 1.00 s, the answer holds 0.10 s",
  );
  assert.equal(error.retryable, true);
  await assert.rejects(Deno.stat(`${dir}/speech.wav`), Deno.errors.NotFound);
  // A streamed WAV's header says no length (all ones): what came is the speech.
  const streamed = whole.slice();
  new DataView(streamed.buffer).setUint32(40, 0xffff_ffff, true);
  const spoken = await speakAnswered(streamed, "audio/wav");
  assert.equal(spoken.error, null);
  assert.ok(Math.abs((spoken.value as { duration: number }).duration - 1) < 0.01);
});

Deno.test("speech step: an espeak-ng that exits 0 without writing, or writes a blip, is named, with its length rounded", async () => {
  const dir = await tempDir();
  const real = new TextDecoder().decode(
    new Deno.Command("sh", { args: ["-c", "command -v espeak-ng"], stdout: "piped" }).outputSync().stdout,
  ).trim();
  // It answers the version and voice questions as the real one; asked to speak (--stdout), it does not, or writes
  // 28 samples.
  const silent = `${dir}/silent-espeak`;
  await Deno.writeTextFile(
    silent,
    `#!/bin/sh\ncase " $* " in *" --stdout "*) cat >/dev/null; exit 0 ;; esac\nexec ${real} "$@"\n`,
    {
      mode: 0o755,
    },
  );
  const blip = `${dir}/blip-espeak`;
  const wav = `${dir}/blip.wav`;
  await Deno.writeFile(wav, pcmWav(new Uint8Array(56), { sampleRate: 22_050 }));
  await Deno.writeTextFile(
    blip,
    `#!/bin/sh\ncase " $* " in *" --stdout "*) cat >/dev/null; cat '${wav}'; exit 0 ;; esac\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  );
  // Writes words instead of sound (before: "Not a WAV file", naming no program).
  const garbage = `${dir}/garbage-espeak`;
  await Deno.writeTextFile(
    garbage,
    `#!/bin/sh\ncase " $* " in *" --stdout "*) cat >/dev/null; echo garbage; exit 0 ;; esac\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  );
  for (
    const [program, message] of [
      [silent, /^espeak-ng exited without writing any audio$/],
      [blip, /^The espeak-ng narration lasts 0\.001 s; expected speech$/],
      [garbage, /^espeak-ng wrote 8 bytes that are not a WAV file \(Not a WAV file\)$/],
    ] as const
  ) {
    const { error } = await speakWithEspeak(program, dir);
    assert.ok(error !== null);
    assert.match(error.message, message);
    // What a program writes it writes again: not retried.
    if (program === blip) assert.equal(error.name, "UnrecoverableError");
  }
});
