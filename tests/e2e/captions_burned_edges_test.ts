/**
 * Burned captions of words a line cannot hold: a web address longer than a line and Chinese, written without
 * spaces. Each cue's lines fit the line length, no text is lost, the cues follow the whole speech, and no letter is
 * drawn in the frame's side margins (before, the address ran off both edges, and the Chinese section had one cue of
 * 7 s, drawn off both edges, for 16 s of speech).
 */
import assert from "node:assert/strict";
import { DEFAULT_CAPTION_RULES, textLength } from "../../lib/media/caption_rules.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { colourDistance, frameAt, hexToRgb, parseSrt, probe } from "../_support/media.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const [WIDTH, HEIGHT] = [360, 640];
const BACKGROUND = "#3060a0";
const ADDRESS =
  "https://example.com/documentation/getting-started/installation-guide-for-linux-and-macos-users.html";
const CHINESE =
  "雨是从云中落下的水滴。当云中的水滴变得太重时，它们就会落到地面上形成降雨，这是水循环的重要组成部分。";

Deno.test("e2e: burned captions of a long web address and of Chinese stay inside the frame and follow the speech", async () => {
  const lesson = {
    formats: [`${WIDTH}x${HEIGHT}`],
    fps: 24,
    titleCard: false,
    captions: { burn: true },
    videos: [{
      id: "e",
      sections: [
        { title: "Link", narration: `Read more at ${ADDRESS} today.`, background: BACKGROUND },
        {
          title: "下雨",
          narration: CHINESE,
          voice: { provider: "espeak", voice: "cmn" },
          background: BACKGROUND,
        },
      ],
    }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  try {
    const { run } = await renderWorkflows([file], { outDir: `${dir}/out` });
    assert.ok(run.ok, [...run.errors].join("\n"));
    const video = `${dir}/out/e.${WIDTH}x${HEIGHT}.mp4`;
    const cues = parseSrt(await Deno.readTextFile(`${dir}/out/e.srt`));
    const bare = (text: string) => text.replace(/\s+/g, "");
    assert.equal(
      bare(cues.map((cue) => cue.text).join("")),
      bare(`Read more at ${ADDRESS} today.${CHINESE}`),
    );
    for (const cue of cues) {
      for (const line of cue.text.split("\n")) {
        assert.ok(textLength(line) <= DEFAULT_CAPTION_RULES.maxLineLength, `line too long: ${line}`);
      }
    }
    // The cues cover the speech: nothing but short pauses between them, and the last ends near the video's end.
    const { duration } = await probe(video);
    for (const [i, cue] of cues.entries()) {
      const next = cues[i + 1]?.start ?? duration;
      assert.ok(next - cue.end < 1.5, `no caption from ${cue.end} s to ${next} s (video ${duration} s)`);
    }
    const background = hexToRgb(BACKGROUND);
    const side = Math.round(WIDTH * 0.05);
    for (const cue of cues) {
      const frame = await frameAt(video, (cue.start + cue.end) / 2);
      let drawn = 0;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          const at = (y * WIDTH + x) * 3;
          const pixel = [frame[at]!, frame[at + 1]!, frame[at + 2]!];
          if (y > HEIGHT / 2 && colourDistance(pixel, background) > 100) drawn++;
          // The outline reaches a little past the text: the outer half of the margin stays bare.
          if (x < side / 2 || x >= WIDTH - side / 2) {
            assert.ok(
              colourDistance(pixel, background) < 48,
              `text at (${x}, ${y}) at ${cue.start} s: ${cue.text}`,
            );
          }
        }
      }
      assert.ok(drawn > 100, `no caption drawn at ${cue.start} s: ${cue.text}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
