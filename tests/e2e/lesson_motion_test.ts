/**
 * A lesson with a title card, an end card, fades between its parts, a Ken Burns picture and burned-in captions:
 * what each frame shows, measured on the rendered video.
 */
import assert from "node:assert/strict";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { assertDeliverable, colourDistance, frameAt as frameOf, parseSrt, probe } from "../_support/media.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const FPS = 24;
const [WIDTH, HEIGHT] = [160, 90];
const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const CARD: [number, number, number] = [0x1e, 0x3a, 0x5f];

/** Every pixel of the frame at or after `seconds`, RGB. */
async function frameAt(file: string, seconds: number): Promise<Uint8Array> {
  const frame = await frameOf(file, seconds);
  assert.equal(frame.length, WIDTH * HEIGHT * 3, `a frame at ${seconds}s of ${file}`);
  return frame;
}

const pixel = (frame: Uint8Array, x: number, y: number) =>
  Array.from(frame.subarray((y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3));

/** A blue picture with a red rectangle in its middle third. */
async function target(dir: string): Promise<void> {
  const { ffmpeg } = await findFfmpeg();
  await runProcess(ffmpeg, [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `color=c=blue:s=${WIDTH}x${HEIGHT},drawbox=x=60:y=30:w=40:h=30:color=red:t=fill`,
    "-frames:v",
    "1",
    `${dir}/target.png`,
  ]);
}

/** Renders a lesson (with the target picture beside it) and returns its folder and the run's events. */
async function renderLesson(lesson: object): Promise<{ dir: string; events: RunEvent[] }> {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await target(dir);
  const events: RunEvent[] = [];
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    onEvent: (event) => events.push(event),
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
  return { dir, events };
}

async function render(burn: boolean) {
  const lesson = {
    formats: [`${WIDTH}x${HEIGHT}`],
    fps: FPS,
    titleCard: { duration: 1 },
    endCard: { duration: 1 },
    transition: { type: "fade", duration: 0.5 },
    captions: { burn },
    videos: [{
      id: "m",
      sections: [
        { title: "Red", narration: "Red is the colour of a warm fire.", background: "#ff0000" },
        { title: "Blue", narration: "Blue is the colour of the deep sea.", background: "#0000ff" },
        {
          title: "Zoom",
          narration: "This picture moves slowly closer, all the time.",
          picture: { file: "./target.png", caption: false, kenBurns: { zoom: 2, direction: "in" } },
        },
      ],
    }],
  };
  const { dir, events } = await renderLesson(lesson);
  // Each section lasts its speech, rounded up to frames; the cards a second each.
  const frames: number[] = [];
  for (let s = 1; s <= 3; s++) {
    const done = events.find((event) => event.type === "step:finished" && event.step === `m/s${s}/speech`);
    assert.ok(done?.type === "step:finished" && done.path !== null);
    frames.push(Math.ceil((await probe(done.path)).duration * FPS - 1e-6));
  }
  return { dir, video: `${dir}/out/m.${WIDTH}x${HEIGHT}.mp4`, frames };
}

Deno.test("e2e: cards, fades, a Ken Burns move and burned captions, frame by frame", async () => {
  const plain = await render(false);
  const burned = await render(true);
  try {
    const { video, frames } = plain;
    const starts = [FPS, FPS + frames[0]!, FPS + frames[0]! + frames[1]!];
    const total = 2 * FPS + frames.reduce((a, b) => a + b, 0);
    await assertDeliverable(video, { fps: FPS, frames: total });
    const at = (frame: number) => frameAt(video, frame / FPS);
    const near = (frame: Uint8Array, colour: readonly number[], what: string) =>
      assert.ok(
        colourDistance(pixel(frame, 2, 2), colour) <= 12,
        `${what}: ${pixel(frame, 2, 2)} vs ${colour}`,
      );

    near(await at(6), CARD, "the title card");
    near(await at(total - 3), CARD, "the end card");
    // The fade from red to blue lasts 12 frames centred on the join: red before, an even blend at the join.
    const join = starts[1]!;
    near(await at(join - 7), RED, "red before the fade");
    near(await at(join), [128, 0, 128], "the fade's middle frame");
    near(await at(join + 6), BLUE, "blue after the fade");
    near(await at(join - 3), [191, 0, 64], "a quarter into the fade");

    // The picture zooms in about its centre: a point left of the red rectangle turns from blue to red.
    const early = await at(starts[2]! + 6);
    const late = await at(starts[2]! + frames[2]! - 7);
    assert.ok(colourDistance(pixel(early, 50, 45), BLUE) <= 40, `before the zoom: ${pixel(early, 50, 45)}`);
    assert.ok(colourDistance(pixel(late, 50, 45), RED) <= 40, `after the zoom: ${pixel(late, 50, 45)}`);
    assert.ok(colourDistance(pixel(late, 80, 45), RED) <= 40, `the centre stays: ${pixel(late, 80, 45)}`);

    // Burned captions: during each section's first cue the bottom of the frame has text on it, the top does
    // not change; the same frames without burning are the slide alone.
    const cues = parseSrt(await Deno.readTextFile(`${burned.dir}/out/m.srt`));
    assert.ok(cues.length >= 3);
    for (const start of starts.slice(0, 2)) {
      const cue = cues.find((cue) => cue.start >= start / FPS)!;
      const time = (cue.start + cue.end) / 2;
      const [withText, without] = [await frameAt(burned.video, time), await frameAt(video, time)];
      assert.deepEqual(pixel(withText, 2, 2), pixel(without, 2, 2));
      let changed = 0;
      for (let y = HEIGHT - 20; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          if (colourDistance(pixel(withText, x, y), pixel(without, x, y)) > 100) changed++;
        }
      }
      assert.ok(changed > 20, `${changed} pixels of caption at ${time}s`);
    }
    // Between cues and on the cards, nothing is drawn.
    const card = [await frameAt(burned.video, 0.25), await frameAt(video, 0.25)];
    assert.deepEqual(card[0], card[1]);
  } finally {
    await Deno.remove(plain.dir, { recursive: true });
    await Deno.remove(burned.dir, { recursive: true });
  }
});
