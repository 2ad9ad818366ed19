import assert from "node:assert/strict";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { assertDeliverable, colourDistance, hexToRgb, parseSrt, pixelAt, probe } from "../_support/media.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

/** The default frame rate. */
const FPS = 30;
const COLOURS = [["#c0392b", "#27ae60", "#2e86c1"], ["#8e44ad", "#d4ac0d", "#17a589"]];

Deno.test("e2e: 2 videos × 3 sections in two formats render at a constant 30 fps with the right streams, lengths, colours and cues", async () => {
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
    "video-1.180x320.vtt",
    "video-2.320x180.mp4",
    "video-2.180x320.mp4",
    "video-2.srt",
    "video-2.vtt",
    "video-2.180x320.vtt",
  ]);

  for (const [v, colours] of COLOURS.entries()) {
    const id = `video-${v + 1}`;
    // Each section lasts its narration, measured independently from the speech artifacts, rounded up to frames.
    const frames: number[] = [];
    for (let s = 1; s <= colours.length; s++) {
      const finished = events.find((event) =>
        event.type === "step:finished" && event.step === `${id}/s${s}/speech`
      );
      assert.ok(finished?.type === "step:finished" && finished.path !== null);
      frames.push(Math.ceil((await probe(finished.path)).duration * FPS - 1e-6));
    }
    const starts = frames.map((_, s) => frames.slice(0, s).reduce((a, b) => a + b, 0) / FPS);
    const total = frames.reduce((a, b) => a + b, 0);

    for (const [format, width, height] of [["320x180", 320, 180], ["180x320", 180, 320]] as const) {
      const path = `${dir}/out/${id}.${format}.mp4`;
      const info = await probe(path);
      assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
      const video = info.streams.find((stream) => stream.type === "video")!;
      assert.deepEqual([video.width, video.height], [width, height]);
      await assertDeliverable(path, { fps: FPS, frames: total });
      // The first, middle and last frames of each section have that section's colour: order and joins are right.
      for (const [s, colour] of colours.entries()) {
        const last = starts[s]! + (frames[s]! - 1) / FPS;
        for (const time of [starts[s]!, starts[s]! + Math.floor(frames[s]! / 2) / FPS, last]) {
          const pixel = await pixelAt(path, time, 2, 2);
          assert.ok(
            colourDistance(pixel, hexToRgb(colour)) <= 12,
            `${path} @${time}s: ${pixel} vs ${colour}`,
          );
        }
      }
    }

    const cues = parseSrt(await Deno.readTextFile(`${dir}/out/${id}.srt`));
    for (const [s, colour] of colours.entries()) {
      // Each section's cues lie within its slide's frames, the first as its speech starts, in order.
      const end = starts[s]! + frames[s]! / FPS;
      const own = cues.filter((cue) => cue.start >= starts[s]! - 0.001 && cue.start < end);
      assert.ok(own.length >= 1, `section ${s} of ${colour} has cues`);
      assert.ok(own[0]!.start - starts[s]! <= 0.25, `section ${s}'s first cue starts at ${own[0]!.start}`);
      assert.ok(own.at(-1)!.end <= end + 0.001, `section ${s}'s last cue ends at ${own.at(-1)!.end}`);
      assert.match(own[0]!.text, new RegExp(`^Video ${v + 1}, section ${s + 1}\\.`));
    }
    const vtt = await Deno.readTextFile(`${dir}/out/${id}.vtt`);
    assert.ok(vtt.startsWith("WEBVTT\n"));
    assert.equal(vtt.match(/ --> /g)?.length, cues.length);
  }
  // Nothing temporary is left in the output folder or the store.
  const names = [];
  for await (const entry of Deno.readDir(`${dir}/out`)) names.push(entry.name);
  assert.equal(names.filter((name) => name.endsWith(".tmp") || name.startsWith(".")).length, 0);
});
