/**
 * An Arabic lesson with burned captions, end to end: its slide is set from the right, and a cue that opens with an
 * English name reads right to left, its closing dots on the left (before, the slide was set from the left, and the
 * cue was set left to right by libass, which takes the first letter's direction).
 */
import assert from "node:assert/strict";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { colourDistance, frameAt, hexToRgb, inkStartAtEnds, parseSrt } from "../_support/media.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const [WIDTH, HEIGHT] = [640, 360];
const [BACKGROUND, ACCENT] = ["#1e3a5f", "#ffcc4d"];

Deno.test("e2e: an Arabic lesson's slide is set from the right and its burned cue reads right to left", async () => {
  const lesson = {
    formats: [`${WIDTH}x${HEIGHT}`],
    fps: 24,
    titleCard: false,
    theme: { background: BACKGROUND, foreground: "#ffffff", accent: ACCENT },
    voice: { provider: "espeak", voice: "ar" },
    captions: { burn: true },
    videos: [{
      id: "ar",
      sections: [{
        title: "لغات البرمجة",
        bullets: ["Python لغة سهلة"],
        // Letters none of which reach below the line, then dots: where the dots are, the ink starts low.
        narration: "Python لغة سهلة........",
      }],
    }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  try {
    const { run } = await renderWorkflows([file], { outDir: `${dir}/out` });
    assert.ok(run.ok, [...run.errors].join("\n"));
    const [cue] = parseSrt(await Deno.readTextFile(`${dir}/out/ar.srt`));
    const frame = await frameAt(`${dir}/out/ar.${WIDTH}x${HEIGHT}.mp4`, (cue!.start + cue!.end) / 2);
    const pixel = (x: number, y: number) => [...frame.subarray((y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3)];
    // The title's bar and the bullet's marker, in the accent colour, are on the right half.
    let accentLeft = WIDTH;
    for (let y = 0; y < HEIGHT * 0.75; y++) {
      for (let x = 0; x < WIDTH; x++) {
        if (colourDistance(pixel(x, y), hexToRgb(ACCENT)) < 40) accentLeft = Math.min(accentLeft, x);
      }
    }
    assert.ok(accentLeft > WIDTH / 2, `accent ink from x=${accentLeft}`);
    // The cue, in the bottom fifth: its dots are its left end.
    const lit = (x: number, y: number) => colourDistance(pixel(x, y), hexToRgb(BACKGROUND)) > 150;
    const ends = inkStartAtEnds(lit, { x: 0, y: Math.round(HEIGHT * 0.8), width: WIDTH, height: HEIGHT / 5 });
    assert.ok(ends.left > 0.6 && ends.right < 0.4, `${cue!.text}: ${JSON.stringify(ends)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
