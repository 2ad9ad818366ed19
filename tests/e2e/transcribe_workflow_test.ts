/**
 * The example workflow `workflows/transcribe.ts`: a video transcribed, and a custom step that reads the SRT the
 * transcription wrote and muxes it back into the video.
 */
import assert from "node:assert/strict";
import { runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { eventsOf, HAS_POCKETSPHINX, readTranscript } from "../_support/transcription.ts";

const workflow = new URL("../../workflows/transcribe.ts", import.meta.url).pathname;

Deno.test({
  name: "workflows/transcribe.ts transcribes its video and a custom step subtitles the video with the SRT",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const dir = await tempDir("reel-transcribe-workflow-");
    const run = await runCli([
      "render",
      workflow,
      "--out",
      `${dir}/out`,
      "--cache",
      `${dir}/cache`,
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const transcript = await readTranscript(`${dir}/out/rain.json`);
    const text = await Deno.readTextFile(`${dir}/out/rain.txt`);
    for (const word of ["droplets", "together", "ground", "rain"]) {
      assert.match(text, new RegExp(`\\b${word}\\b`));
    }
    assert.ok(Math.abs(transcript.duration - 8.7) < 0.1, String(transcript.duration));
    const subtitled = eventsOf(run.stdout).find((event) =>
      event.type === "step:finished" && event.step === "subtitled"
    );
    const path = (subtitled as { path?: string } | undefined)?.path;
    assert.ok(typeof path === "string", "the custom step stored its video");
    const streams = (await probe(path)).streams;
    assert.deepEqual(streams.map((stream) => stream.type).sort(), ["audio", "subtitle", "video"]);
    // Published under the name its step gives, in the output folder.
    assert.deepEqual(await Deno.readFile(`${dir}/out/rain.subtitled.mp4`), await Deno.readFile(path));
  },
});
