/**
 * A lesson with a title card, an end card, fades between its parts, a Ken Burns picture and burned-in captions:
 * what each frame shows, measured on the rendered video. And a strong Ken Burns move under a caption band: the
 * band and its title stay where they are, in landscape and portrait, while the picture moves under and around it.
 */
import assert from "node:assert/strict";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { assertDeliverable, colourDistance, frameAt as frameOf, parseSrt, probe } from "../_support/media.ts";
import { MOD_URL, writeWorkflowFile } from "../_support/workflows.ts";

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

/**
 * Yellow and cyan squares, 10 pixels a side: a picture that shows moving, and whose every pixel has a channel at
 * 230 (green), even where chroma subsampling blends two squares.
 */
async function checker(dir: string): Promise<void> {
  const { ffmpeg } = await findFfmpeg();
  const square = "mod(floor(X/10)+floor(Y/10),2)";
  await runProcess(ffmpeg, [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `color=c=black:s=${WIDTH}x${HEIGHT},geq=r='if(${square},230,30)':g=230:b='if(${square},30,230)'`,
    "-frames:v",
    "1",
    `${dir}/checker.png`,
  ]);
}

/**
 * Renders a lesson (with the target picture and the checker beside it) and returns its folder and the run's
 * events.
 */
async function renderLesson(lesson: object): Promise<{ dir: string; events: RunEvent[] }> {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await target(dir);
  await checker(dir);
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

/**
 * A frame of the checker as the move test reads it: the band's rows and the title's pixels. The checker's pixels
 * have a channel at 230 and another under 150; under the veil none is over 140; the title is white.
 */
function rowsOf(frame: Uint8Array, width: number, height: number) {
  const at = (x: number, y: number) => frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3);
  const rows = Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => at(x, y)));
  const picture = (pixel: Uint8Array) => Math.max(...pixel) > 160 && Math.min(...pixel) < 150;
  return {
    at,
    /** The rows of the band: veil and title, with little of the bare picture. */
    band: rows.flatMap((row, y) => row.filter(picture).length < width * 0.3 ? [y] : []),
    /** The title's pixels: white, which neither the picture nor the veil is. */
    title: new Set(
      rows.flatMap((row, y) => row.flatMap((pixel, x) => Math.min(...pixel) > 150 ? [y * width + x] : [])),
    ),
  };
}

Deno.test("e2e: a strong Ken Burns move keeps its caption band and title still, the picture moving under it", async () => {
  const formats = [[WIDTH, HEIGHT], [HEIGHT, WIDTH]] as const;
  const lesson = {
    formats: formats.map(([width, height]) => `${width}x${height}`),
    fps: FPS,
    titleCard: false,
    videos: [{
      id: "kb",
      sections: [{
        title: "Clouds over the sea",
        narration: "Clouds drift over the sea.",
        voice: { provider: "espeak", voice: "en-us" },
        // At zoom 1.5 throughout, from the top edge to the bottom: the whole slide zoomed would lose its band.
        picture: { file: "./checker.png", fit: "cover", kenBurns: { zoom: 1.5, direction: "down" } },
      }],
    }],
  };
  const { dir } = await renderLesson(lesson);
  try {
    for (const [width, height] of formats) {
      const video = `${dir}/out/kb.${width}x${height}.mp4`;
      const { duration } = await probe(video);
      const frame = async (seconds: number) => {
        const pixels = await frameOf(video, seconds);
        assert.equal(pixels.length, width * height * 3, `a frame at ${seconds}s of ${video}`);
        return rowsOf(pixels, width, height);
      };
      const [early, late] = [await frame(0.1), await frame(duration - 0.1)];
      const what = `${width}x${height}`;
      // One band, where the slide has it (the top; below the top 10% on portrait), the same rows at both ends.
      const top = width > height ? 0 : Math.round(height * 0.1);
      assert.ok(early.band.length >= 6, `${what}: band rows ${early.band}`);
      assert.deepEqual(early.band, Array.from({ length: early.band.length }, (_, i) => top + i), what);
      assert.deepEqual(late.band, early.band, `${what}: the band's rows at the end`);
      // Below the band, where the zoomed slide's own band showed before, only the picture, bright.
      const below = early.band.at(-1)! + 2;
      for (const [when, rows] of [["start", early], ["end", late]] as const) {
        for (let y = below; y < Math.min(height, below + 24); y++) {
          const bright = Array.from({ length: width }, (_, x) => Math.max(...rows.at(x, y))).filter((v) =>
            v > 150
          );
          assert.ok(
            bright.length > width * 0.6,
            `${what}: row ${y} at the ${when} is picture (${bright.length})`,
          );
        }
      }
      // The title: white pixels in the band, the same ones at both ends.
      const inBand = (i: number) => early.band.includes(Math.floor(i / width));
      assert.ok(
        early.title.size >= 30 && [...early.title].every(inBand),
        `${what}: ${early.title.size} title pixels`,
      );
      const kept = [...early.title].filter((i) => late.title.has(i)).length;
      assert.ok(
        kept >= early.title.size * 0.85 && late.title.size <= early.title.size * 1.15,
        `${what}: title moved`,
      );
      // The veil: the band's other pixels darkened alike at both ends (the picture's squares at 38%).
      const veil = (rows: typeof early) =>
        early.band.flatMap((y) => Array.from({ length: width }, (_, x) => y * width + x))
          .filter((i) => !early.title.has(i) && !late.title.has(i))
          .map((i) => rows.at(i % width, Math.floor(i / width)));
      for (const pixels of [veil(early), veil(late)]) {
        const levels = pixels.map((pixel) => Math.max(...pixel));
        const mean = levels.reduce((a, b) => a + b, 0) / levels.length;
        assert.ok(mean > 55 && mean < 120, `${what}: the veil's mean brightest channel ${mean}`);
      }
      // The picture moves: outside the band most pixels change; under the band, the squares move too.
      const changed = (ys: number[]) => {
        const points = ys.flatMap((y) => Array.from({ length: width }, (_, x) => [x, y] as const));
        const moved = points.filter(([x, y]) => colourDistance([...early.at(x, y)], [...late.at(x, y)]) > 60);
        return moved.length / points.length;
      };
      const open = Array.from({ length: height }, (_, y) => y).filter((y) => !early.band.includes(y));
      assert.ok(changed(open) > 0.3, `${what}: ${changed(open)} of the picture moved`);
      assert.ok(
        changed(early.band) > 0.15,
        `${what}: ${changed(early.band)} of the band's pixels moved under it`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("e2e: a change of music leaves the fades and moves stored, and the video is a fresh render's", async () => {
  // Before: the clips read the narration (its frames), whose key holds the music and the loudness: a quieter music
  // re-encoded every fade and Ken Burns move, frame by frame, to the same bytes (cache-key audit).
  const lesson = (volume: number) => ({
    formats: [`${WIDTH}x${HEIGHT}`],
    fps: FPS,
    transition: { type: "fade", duration: 0.5 },
    loudness: false,
    music: { file: "./tone.wav", volume },
    videos: [{
      id: "m",
      sections: [
        { title: "Red", narration: "Red.", background: "#ff0000" },
        {
          title: "Zoom",
          narration: "Closer.",
          picture: { file: "./target.png", caption: false, kenBurns: { zoom: 2, direction: "in" } },
        },
      ],
    }],
  });
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson(0.2))});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await target(dir);
  const { ffmpeg } = await findFfmpeg();
  await runProcess(ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=3", `${dir}/tone.wav`]);
  const renderTo = async (workflow: string, out: string, cacheDir?: string) => {
    const events: RunEvent[] = [];
    const { run } = await renderWorkflows([workflow], {
      outDir: out,
      cacheDir,
      onEvent: (event) => events.push(event),
    });
    assert.ok(run.ok, [...run.errors].join("\n"));
    return new Map(
      events.flatMap((event) => event.type === "step:finished" ? [[event.step, event.cached]] : []),
    );
  };
  await renderTo(file, `${dir}/out`);
  // Another file in the same folder (a module is imported once a process): the same store, the music louder.
  const louder = `${dir}/louder.ts`;
  await Deno.writeTextFile(
    louder,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${JSON.stringify(lesson(0.4))});\n`,
  );
  const again = await renderTo(louder, `${dir}/out`);
  const clips = `m/clips@${WIDTH}x${HEIGHT}`;
  assert.equal(again.get(clips), true, "the clips are served");
  assert.equal(again.get("m/narration"), false, "the narration is made again");
  assert.equal(again.get(`m/video@${WIDTH}x${HEIGHT}`), false);
  const fresh = await renderTo(louder, `${dir}/fresh`, `${dir}/fresh-store`);
  assert.equal(fresh.get(clips), false);
  const mp4 = `m.${WIDTH}x${HEIGHT}.mp4`;
  assert.deepEqual(await Deno.readFile(`${dir}/out/${mp4}`), await Deno.readFile(`${dir}/fresh/${mp4}`));
});

Deno.test("e2e: a Ken Burns move is smooth: an edge moves the same way by about the same fraction of a pixel each frame", async () => {
  // Before (zoompan, whose window sits on whole pixels even at twice the size): the edge stepped +0.20, 0, -0.35 px
  // and so on, back and forth, still in 44 frames of 103.
  const file = await writeWorkflowFile(`export default workflow(${
    JSON.stringify({
      formats: [`${WIDTH}x${HEIGHT}`],
      fps: FPS,
      titleCard: false,
      endCard: false,
      videos: [{
        id: "k",
        sections: [{
          title: "Edge",
          narration: "An edge that moves slowly to the right.",
          picture: {
            file: "./edge.png",
            fit: "cover",
            caption: false,
            kenBurns: { zoom: 1.2, direction: "in" },
          },
        }],
      }],
    })
  });`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const { ffmpeg } = await findFfmpeg();
  await runProcess(ffmpeg, [
    ...["-v", "error", "-f", "lavfi", "-i", `color=c=black:s=${WIDTH}x${HEIGHT}`],
    ...["-vf", `drawbox=x=100:y=0:w=${WIDTH - 100}:h=${HEIGHT}:color=white:t=fill`, "-frames:v", "1"],
    `${dir}/edge.png`,
  ]);
  const { run } = await renderWorkflows([file], { outDir: `${dir}/out` });
  assert.ok(run.ok, [...run.errors].join("\n"));
  const { stdout } = await runProcess(ffmpeg, [
    ...[
      "-v",
      "error",
      "-i",
      `${dir}/out/k.${WIDTH}x${HEIGHT}.mp4`,
      "-f",
      "rawvideo",
      "-pix_fmt",
      "gray",
      "pipe:1",
    ],
  ]);
  // Each frame's edge, to a fraction of a pixel: the centroid of the brightness steps along its middle rows.
  const edges: number[] = [];
  for (let at = 0; at + WIDTH * HEIGHT <= stdout.length; at += WIDTH * HEIGHT) {
    const steps = new Float64Array(WIDTH - 1);
    for (let y = 30; y < 60; y++) {
      for (let x = 0; x < WIDTH - 1; x++) {
        steps[x]! += Math.abs(stdout[at + y * WIDTH + x + 1]! - stdout[at + y * WIDTH + x]!);
      }
    }
    let [weight, sum] = [0, 0];
    for (let x = 80; x < WIDTH - 1; x++) [weight, sum] = [weight + steps[x]!, sum + steps[x]! * (x + 0.5)];
    edges.push(sum / weight);
  }
  const moves = edges.slice(1).map((edge, i) => edge - edges[i]!);
  const typical = [...moves].sort((a, b) => a - b)[Math.floor(moves.length / 2)]!;
  assert.ok(typical > 0.02, `the edge moves ${typical} px a frame`);
  const back = moves.filter((move) => move < -0.02);
  const still = moves.filter((move) => move < typical / 4);
  assert.deepEqual(back, [], "the edge steps back");
  // To the last frame: the move's last step is a step too (counted from 1, its frames ran one ahead and the last
  // two showed the end view).
  assert.ok(moves.at(-1)! > typical / 2, `the last frame moves ${moves.at(-1)} px`);
  assert.ok(still.length <= moves.length / 10, `${still.length} of ${moves.length} frames barely move`);
});
