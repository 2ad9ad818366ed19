import assert from "node:assert/strict";
import type { Json } from "../../../../../lib/core/json.ts";
import { subtitlesStep } from "../../../../../lib/jobs/lesson/steps/subtitles_step.ts";
import { runStepKind } from "../../../../_support/step_runner.ts";

const NARRATION = { path: null, value: { fps: 25, frames: [50, 75], lead: 0, tail: 0 } };
const SECTIONS: { path: null; value: Json }[] = [
  {
    path: null,
    value: { duration: 2, cues: [{ start: 0.1, end: 1.9, lines: ["First line,", "second line."] }] },
  },
  { path: null, value: { duration: 3, cues: [{ start: 0.2, end: 2.5, lines: ["Arrows --> a < b & c"] }] } },
];

async function subtitles(params: { format: "srt" | "vtt"; settings: string | null }, sections = SECTIONS) {
  const dir = await Deno.makeTempDir();
  try {
    const outputPath = `${dir}/out.${params.format}`;
    const value = await runStepKind(subtitlesStep, {
      params,
      inputs: [NARRATION, ...sections],
      outputPath,
      scratchDir: `${dir}/scratch`,
    });
    return { value, text: await Deno.readTextFile(outputPath) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("subtitles: each section's cues start where its frames start, lines kept", async () => {
  const { value, text } = await subtitles({ format: "srt", settings: null });
  assert.deepEqual(value, { cues: 2 });
  assert.equal(
    text,
    "1\n00:00:00,100 --> 00:00:01,900\nFirst line,\nsecond line.\n\n" +
      "2\n00:00:02,200 --> 00:00:04,500\nArrows --> a < b & c\n",
  );
});

Deno.test("subtitles: WebVTT escapes markup and writes a format's line position on every cue", async () => {
  const { text } = await subtitles({ format: "vtt", settings: "line:70%" });
  assert.ok(text.startsWith("WEBVTT\n\n00:00:00.100 --> 00:00:01.900 line:70%\nFirst line,\nsecond line.\n"));
  assert.ok(text.includes("00:00:02.200 --> 00:00:04.500 line:70%\nArrows --&gt; a &lt; b &amp; c\n"));
});

Deno.test("subtitles: a section's value without cues is named", async () => {
  const bad = [SECTIONS[0]!, { path: null, value: { duration: 3 } }];
  await assert.rejects(() => subtitles({ format: "srt", settings: null }, bad), /field "cues"/);
});
