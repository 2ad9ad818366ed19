/**
 * Sound end to end: every rendered MP4 lands at the lesson's loudness with its true peak under the ceiling, and
 * background music fades in and dips under the voice, as measured on the finished files.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { assertDeliverable, probe } from "../_support/media.ts";
import { decodeMono, deepestDip, ebur128Summary, levelDb } from "../_support/sound.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const FPS = 30;
const FORMATS = ["160x90", "90x160"];

/** Renders a workflow file made of `fields` and returns its folder, its outputs and its events. */
async function render(fields: Record<string, unknown>) {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(fields)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  return { dir, ...await renderIn(file) };
}

async function renderIn(file: string) {
  const dir = file.slice(0, file.lastIndexOf("/"));
  const events: RunEvent[] = [];
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    onEvent: (event) => events.push(event),
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
  return { events, videos: run.outputs.map((output) => output.path).filter((path) => path.endsWith(".mp4")) };
}

const sections = [
  { title: "One", narration: "Sound matters. A lesson should be as loud as the next one." },
  { title: "Two", narration: "Quiet voices are raised, loud ones brought down." },
];

Deno.test("e2e sound: every output is within 1 LU of -16 LUFS with its true peak under -1.5 dBTP, and a target of -23 is met too", async () => {
  for (const [loudness, target] of [[undefined, -16], [{ target: -23, truePeak: -2 }, -23]] as const) {
    const { videos } = await render({ formats: FORMATS, loudness, videos: [{ id: "v", sections }] });
    assert.equal(videos.length, FORMATS.length);
    for (const video of videos) {
      const { integrated, truePeak } = await ebur128Summary(video);
      assert.ok(Math.abs(integrated - target) <= 1, `${video}: ${integrated} LUFS, expected ${target}`);
      assert.ok(truePeak <= (loudness?.truePeak ?? -1.5), `${video}: true peak ${truePeak} dBTP`);
    }
  }
});

Deno.test("e2e sound: music fades in, dips at least 10 dB while the voice speaks, and leaves the video's length alone", async () => {
  // The music is a steady 10 kHz tone: the voice (flite speaks at 16 kHz, so nothing above 8 kHz) never reaches it,
  // and a high-pass filter hears the music alone in the mix.
  const file = await writeWorkflowFile(`export default workflow(${
    JSON.stringify({
      formats: FORMATS,
      titleCard: { duration: 3 },
      endCard: { duration: 3 },
      music: { file: "tone.wav", volume: 0.5, fadeIn: 1, fadeOut: 0.5 },
      videos: [{ id: "v", sections: [sections[0]] }],
    })
  });`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  // Two seconds of tone, stereo at 44.1 kHz: looped, resampled and mixed down to the narration's mono 48 kHz.
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "sine=f=10000:d=2:r=44100",
    "-af",
    "volume=4",
    "-ac",
    "2",
    `${dir}/tone.wav`,
  ]);
  const { events, videos } = await renderIn(file);
  const speech = events.find((event) => event.type === "step:finished" && event.step === "v/s1/speech");
  assert.ok(speech?.type === "step:finished" && speech.path !== null);
  const spoken = (await probe(speech.path)).duration;
  const frames = 3 * FPS + Math.ceil(spoken * FPS - 1e-6) + 3 * FPS;
  const end = frames / FPS;
  for (const video of videos) {
    await assertDeliverable(video, { fps: FPS, frames });
    const tone = await decodeMono(video, "highpass=f=9000,highpass=f=9000,highpass=f=9000");
    // Pauses: the title card after the fade in, and the end card once the voice has been quiet 0.6 s.
    const pauses = [levelDb(tone, 1.5, 2.9), levelDb(tone, end - 2.4, end - 0.7)];
    // The voice speaks from 3 s; its first and last 0.3 s are left out (the ducker's attack and release).
    const speaking = levelDb(tone, 3.3, 3 + spoken - 0.3);
    for (const pause of pauses) {
      assert.ok(
        pause - speaking >= 10,
        `${video}: music at ${speaking} dB under the voice, ${pause} dB in a pause`,
      );
    }
    // The fade in: near silence in the first tenth of a second, rising through the first second.
    const start = levelDb(tone, 0, 0.1);
    assert.ok(pauses[0]! - start >= 15, `${video}: music starts at ${start} dB, ${pauses[0]} dB later`);
    assert.ok(levelDb(tone, 0.3, 0.4) < levelDb(tone, 0.8, 0.9), `${video}: the music does not rise`);
    const { integrated, truePeak } = await ebur128Summary(video);
    assert.ok(
      Math.abs(integrated - -16) <= 1 && truePeak <= -1.5,
      `${video}: ${integrated} LUFS, ${truePeak} dBTP`,
    );
  }
});

Deno.test("e2e sound: music fades longer together than the video share it, from silence at the start to silence at the end", async () => {
  // Before: a fade-out of 10 s on a 3-s video began at 0 and was cut short, the music loudest at the last frame.
  const file = await writeWorkflowFile(`export default workflow(${
    JSON.stringify({
      formats: ["160x90"],
      titleCard: { duration: 1 },
      endCard: { duration: 1 },
      loudness: false,
      music: { file: "tone.wav", volume: 0.5, fadeIn: 10, fadeOut: 10, duck: 0 },
      videos: [{ id: "v", sections: [{ title: "Short", narration: "Hello." }] }],
    })
  });`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=f=10000:d=2:r=48000", `${dir}/tone.wav`]);
  const { videos } = await renderIn(file);
  const [video] = videos;
  const end = (await probe(video!)).duration;
  const tone = await decodeMono(video!, "highpass=f=9000,highpass=f=9000,highpass=f=9000");
  const middle = levelDb(tone, end / 2 - 0.1, end / 2 + 0.1);
  const [first, last] = [levelDb(tone, 0, 0.1), levelDb(tone, end - 0.1, end)];
  assert.ok(middle - first >= 15, `${end} s: ${first} dB at the start, ${middle} dB in the middle`);
  assert.ok(middle - last >= 15, `${end} s: ${last} dB at the end, ${middle} dB in the middle`);
});

for (const [format, codec] of [["m4a", "aac"], ["opus", "libopus"]] as const) {
  Deno.test(`e2e sound: music in ${format} loops without a gap at each loop`, async () => {
    // Before: ffmpeg's -stream_loop decoded the file again at each loop, and the encoder's delay (and an M4A's end
    // padding) played as 7 to 16 ms of silence at every loop: a dropout each second here.
    const file = await writeWorkflowFile(`export default workflow(${
      JSON.stringify({
        formats: ["160x90"],
        titleCard: { duration: 1 },
        endCard: { duration: 4 },
        loudness: false,
        music: { file: `tone.${format}`, volume: 0.5, fadeIn: 0, fadeOut: 0, duck: 0 },
        videos: [{ id: "v", sections: [{ title: "Short", narration: "Hi." }] }],
      })
    });`);
    const dir = file.slice(0, file.lastIndexOf("/"));
    await runFfmpeg(await findFfmpeg(), [
      ...["-f", "lavfi", "-i", "sine=f=1000:d=1:r=48000", "-c:a", codec, "-b:a", "128k"],
      `${dir}/tone.${format}`,
    ]);
    const { videos } = await renderIn(file);
    const end = (await probe(videos[0]!)).duration;
    const tone = await decodeMono(videos[0]!);
    // The end card: the music alone, looped three times over.
    const dip = deepestDip(tone, end - 3.9, end - 0.1);
    assert.ok(
      dip.db < 6,
      `${format}: ${dip.db.toFixed(1)} dB under the music's level at ${dip.at.toFixed(3)} s`,
    );
  });
}
