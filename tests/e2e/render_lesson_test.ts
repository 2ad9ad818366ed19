import assert from "node:assert/strict";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { colourDistance, hexToRgb, parseSrt, pixelAt, probe } from "../_support/media.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const COLOURS = [["#c0392b", "#27ae60", "#2e86c1"], ["#8e44ad", "#d4ac0d", "#17a589"]];

Deno.test("e2e: 2 videos × 3 sections in two formats render with the right streams, lengths, colours and cues", async () => {
  const videos = COLOURS.map((colours, v) => ({
    id: `video-${v + 1}`,
    sections: colours.map((colour, s) => ({
      title: `Part ${s + 1}`,
      bullets: ["A point"],
      narration: `Video ${v + 1}, section ${s + 1}. ${"Some words. ".repeat(s + 1)}`,
      background: colour,
    })),
  }));
  const file = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ formats: ["320x180", "180x320"], videos })});`,
  );
  const dir = file.slice(0, file.lastIndexOf("/"));
  const events: RunEvent[] = [];
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    onEvent: (event) => events.push(event),
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
  assert.deepEqual(run.outputs.map((output) => output.path.slice(dir.length + 5)), [
    "video-1.320x180.mp4",
    "video-1.180x320.mp4",
    "video-1.srt",
    "video-1.vtt",
    "video-2.320x180.mp4",
    "video-2.180x320.mp4",
    "video-2.srt",
    "video-2.vtt",
  ]);

  for (const [v, colours] of COLOURS.entries()) {
    const id = `video-${v + 1}`;
    // Narration lengths measured independently, from the narration artifacts.
    const narrations: number[] = [];
    for (let s = 1; s <= colours.length; s++) {
      const finished = events.find((event) =>
        event.type === "step:finished" && event.step === `${id}/s${s}/speech`
      );
      assert.ok(finished?.type === "step:finished" && finished.path !== null);
      narrations.push((await probe(finished.path)).duration);
    }
    const total = narrations.reduce((a, b) => a + b, 0);

    for (const [format, width, height] of [["320x180", 320, 180], ["180x320", 180, 320]] as const) {
      const path = `${dir}/out/${id}.${format}.mp4`;
      const info = await probe(path);
      assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
      const video = info.streams.find((stream) => stream.type === "video")!;
      assert.deepEqual([video.width, video.height], [width, height]);
      assert.ok(Math.abs(info.duration - total) <= 0.1, `${path}: ${info.duration} vs ${total}`);
      // The frame in the middle of each section has that section's colour: order is right.
      let start = 0;
      for (const [s, colour] of colours.entries()) {
        const middle = start + narrations[s]! / 2;
        const pixel = await pixelAt(path, middle, 2, 2);
        assert.ok(
          colourDistance(pixel, hexToRgb(colour)) <= 12,
          `${path} @${middle}s: ${pixel} vs ${colour}`,
        );
        start += narrations[s]!;
      }
    }

    const cues = parseSrt(await Deno.readTextFile(`${dir}/out/${id}.srt`));
    assert.equal(cues.length, colours.length);
    let start = 0;
    for (const [s, cue] of cues.entries()) {
      assert.ok(Math.abs(cue.start - start) <= 0.05, `cue ${s} starts at ${cue.start}, expected ${start}`);
      start += narrations[s]!;
      assert.ok(Math.abs(cue.end - start) <= 0.05, `cue ${s} ends at ${cue.end}, expected ${start}`);
      assert.match(cue.text, new RegExp(`Video ${v + 1}, section ${s + 1}\\.`));
    }
    const vtt = await Deno.readTextFile(`${dir}/out/${id}.vtt`);
    assert.ok(vtt.startsWith("WEBVTT\n"));
    assert.equal(vtt.match(/ --> /g)?.length, colours.length);
  }
  // Nothing temporary is left in the output folder or the store.
  const names = [];
  for await (const entry of Deno.readDir(`${dir}/out`)) names.push(entry.name);
  assert.equal(names.filter((name) => name.endsWith(".tmp") || name.startsWith(".")).length, 0);
});
