/**
 * The example media workflows render as the README says: variants of the sample video, and a grid and a scrolling
 * strip of the sample tiles.
 */
import assert from "node:assert/strict";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { deliveryFacts, probe } from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";

const workflows = new URL("../../workflows/", import.meta.url).pathname;

Deno.test("e2e: workflows/variants.ts renders a vertical crop, a captioned square and three seeded remixes", async () => {
  const dir = await tempDir("reel-example-");
  const { run } = await renderWorkflows([`${workflows}variants.ts`], {
    outDir: `${dir}/out`,
    cacheDir: `${dir}/c`,
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
  const sizes: Record<string, [number, number]> = {
    "sample.vertical.mp4": [1080, 1920],
    "sample.square.mp4": [720, 720],
    "sample.remix-1.mp4": [320, 180],
    "sample.remix-2.mp4": [320, 180],
    "sample.remix-3.mp4": [320, 180],
  };
  for (const [file, size] of Object.entries(sizes)) {
    const info = await probe(`${dir}/out/${file}`);
    const video = info.streams.find((stream) => stream.type === "video")!;
    assert.deepEqual([video.width, video.height], size, file);
    assert.ok(info.streams.some((stream) => stream.type === "audio"), `${file} has its audio`);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/out/${file.replace(/\.mp4$/, ".json")}`));
    assert.equal(manifest.input, "media/sample.mp4");
  }
});

Deno.test("e2e: workflows/grid.ts renders a captioned grid with a soundtrack and a scrolling strip", async () => {
  const dir = await tempDir("reel-example-");
  const { run } = await renderWorkflows([`${workflows}grid.ts`], {
    outDir: `${dir}/out`,
    cacheDir: `${dir}/c`,
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
  const wall = await probe(`${dir}/out/wall.mp4`);
  assert.deepEqual(wall.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
  assert.ok(Math.abs(wall.duration - 4) < 0.1, `wall: ${wall.duration}`);
  // Every frame of its 4 s at 30 fps (a clip among the stills cost it the last one), the soundtrack within a frame.
  const facts = await deliveryFacts(`${dir}/out/wall.mp4`);
  assert.equal(facts.frames, 120);
  assert.deepEqual([facts.rFrameRate, facts.avgFrameRate], ["30/1", "30/1"]);
  assert.ok(Math.abs(facts.audioDuration - facts.videoDuration) < 1 / 30, JSON.stringify(facts));
  const strip = await probe(`${dir}/out/strip.mp4`);
  assert.deepEqual([strip.streams[0]?.width, strip.streams[0]?.height], [1280, 720]);
  // Seven cells of 576 px and six gaps of 14 px, and the frame's 1280 px, at 600 px/s.
  assert.ok(Math.abs(strip.duration - (7 * 576 + 6 * 14 + 1280) / 600) < 0.1, `strip: ${strip.duration}`);
});
