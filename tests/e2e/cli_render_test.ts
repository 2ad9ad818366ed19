import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

Deno.test("CLI: render with relative paths, then again from the store with zero steps run", async () => {
  const dir = await tempDir("reel-cli-");
  await Deno.mkdir(`${dir}/workflows`);
  await Deno.writeTextFile(
    `${dir}/workflows/small.ts`,
    `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["320x180"],
  videos: [{ id: "tiny", sections: [{ title: "Hi", narration: "Hello there." }, { title: "Bye", narration: "Goodbye." }] }],
});`,
  );
  const first = await runCli(["render", "workflows/small.ts", "--out", "build", "--json"], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const events = first.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(events[0].type, "run:started");
  assert.equal(events[0].stored, 0);
  assert.equal(events.at(-1).type, "run:finished");
  const ran = events.filter((event) => event.type === "step:finished" && !event.cached).length;
  // speech, cues and slide per section; the title card; narration, stills, video; srt, vtt
  assert.equal(ran, 2 + 2 + 2 + 1 + 1 + 1 + 1 + 2);
  assert.match(first.stderr, /build\/tiny\.320x180\.mp4 +0:0\d\.\d/);
  assert.deepEqual(await listFolder(`${dir}/build`), [
    "report.html",
    "tiny.320x180.mp4",
    "tiny.srt",
    "tiny.vtt",
  ]);
  assert.ok((await listFolder(`${dir}/workflows/.reel`))?.includes("entries"));
  const duration = (await probe(`${dir}/build/tiny.320x180.mp4`)).duration;

  const second = await runCli(["render", "workflows/small.ts", "--out", "build", "--json"], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  const again = second.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(again.filter((event) => event.type === "step:started").length, 0);
  // What the store held, said at the start (the ETA costs those steps nothing).
  assert.equal(again[0].stored, ran);
  assert.equal(again.filter((event) => event.type === "step:finished" && event.cached).length, ran);
  assert.equal((await probe(`${dir}/build/tiny.320x180.mp4`)).duration, duration);
  // Re-publishing leaves no temporary name behind.
  assert.deepEqual(await listFolder(`${dir}/build`), [
    "report.html",
    "tiny.320x180.mp4",
    "tiny.srt",
    "tiny.vtt",
  ]);

  // Outputs are copies: editing one in place does not change what the store serves next time.
  const original = await Deno.readTextFile(`${dir}/build/tiny.srt`);
  await Deno.writeTextFile(`${dir}/build/tiny.srt`, "edited by hand");
  const third = await runCli(["render", "workflows/small.ts", "--out", "build2", "--quiet"], { cwd: dir });
  assert.equal(third.code, 0, third.stderr);
  assert.equal(await Deno.readTextFile(`${dir}/build2/tiny.srt`), original);

  // --cache takes a folder whatever its name: one with a colon is no URL (only --store names an S3 bucket).
  const colon = await runCli([
    "render",
    "workflows/small.ts",
    "--out",
    "build3",
    "--cache",
    "run:2",
    "--quiet",
  ], {
    cwd: dir,
  });
  assert.equal(colon.code, 0, colon.stderr);
  assert.ok((await listFolder(`${dir}/run:2`))?.includes("entries"));
});

Deno.test("CLI: plan prints steps by kind, depth and how the limits combine", async () => {
  const dir = await tempDir("reel-cli-");
  await Deno.writeTextFile(
    `${dir}/two.ts`,
    `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["16:9", "1:1"],
  limits: { videos: 2, sections: 4, api: 2, global: 8 },
  videos: ["a", "b"].map((id) => ({ id, sections: [1, 2, 3, 4].map((n) => ({ title: "T" + n, narration: "N" + n })) })),
});`,
  );
  const result = await runCli(["plan", `${dir}/two.ts`]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    // A slide per section and a title card per video, in each format.
    /steps: 50 \(8 speech, 8 cues, 20 slide, 2 narration, 4 stills, 4 video, 4 subtitles\)/,
  );
  assert.match(result.stdout, /DAG depth: 3/);
  assert.match(result.stdout, /2 videos × 4 sections × 2 api = 16 → global 8/);
  const narrowed = await runCli([
    "render",
    `${dir}/two.ts`,
    "--plan",
    "--only",
    "b",
    "--format",
    "1:1",
    "--global",
    "3",
  ]);
  assert.match(
    narrowed.stdout,
    /steps: 18 \(4 speech, 4 cues, 5 slide, 1 narration, 1 stills, 1 video, 2 subtitles\)/,
  );
  assert.match(narrowed.stdout, /= 16 → global 3/);
  // A size written with × is read as the workflow reads it (before: "No format of the lesson matches").
  await Deno.writeTextFile(
    `${dir}/sized.ts`,
    `import { workflow } from "${MOD_URL}";
export default workflow({ formats: ["320x180", "180x320"], videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] });`,
  );
  const sized = await runCli(["render", `${dir}/sized.ts`, "--plan", "--format", "180×320"]);
  assert.equal(sized.code, 0, sized.stderr);
  assert.match(sized.stdout, /\b1 stills, 1 video\b/);
  // One video of one section: counted in the singular.
  await Deno.writeTextFile(
    `${dir}/one.ts`,
    `import { workflow } from "${MOD_URL}";
export default workflow({ formats: ["1:1"], videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] });`,
  );
  const one = await runCli(["plan", `${dir}/one.ts`]);
  assert.match(one.stdout, /\b1 video, 1 section, formats/);
  // --workers takes a whole number or auto, and says so.
  const bad = await runCli(["render", `${dir}/two.ts`, "--plan", "--workers", "abc"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /whole number of at least 1, or auto/);
  // --format on workflows without a lesson has nothing to keep: refused, not ignored (exit 0 before).
  const unformatted = await runCli(["render", "workflows/variants.ts", "--plan", "--format", "16:9"]);
  assert.equal(unformatted.code, 2, unformatted.stderr);
  assert.match(unformatted.stderr, /--format 16:9: these workflows have no lesson, so no formats/);
});

Deno.test("CLI: --only and --format leave out the custom steps that read what they leave out, and say so; a typo is still refused", async () => {
  const dir = await tempDir("reel-cli-");
  const write = (name: string, speech: string) =>
    Deno.writeTextFile(
      `${dir}/${name}`,
      `import { step, workflow } from "${MOD_URL}";
export default workflow({
  formats: ["320x180", "180x320"],
  videos: [
    { id: "a", sections: [{ id: "x", title: "A", narration: "Alpha." }] },
    { id: "b", sections: [{ id: "y", title: "B", narration: "Beta." }] },
  ],
  steps: [
    step({ id: "len", inputs: ["${speech}"], run: () => 1 }),
    step({ id: "twice", inputs: ["len"], run: () => 2 }),
    step({ id: "blen", inputs: ["b/y/speech"], run: () => 3 }),
    step({ id: "tall", inputs: ["b/video@180x320"], run: () => 4 }),
  ],
});`,
    );
  await write("custom.ts", "a/x/speech");
  // Before: refused, exit 2, 'Unknown step "a/x/speech" (did you mean "b/y/speech"?)' at a correct workflow's field.
  const only = await runCli(["render", `${dir}/custom.ts`, "--plan", "--only", "b"]);
  assert.equal(only.code, 0, only.stderr);
  assert.match(only.stdout, /\b2 custom\)/);
  assert.match(
    only.stderr,
    /Step "len" is left out of this run: it reads "a\/x\/speech", which --only b leaves out/,
  );
  assert.match(only.stderr, /Step "twice" is left out of this run: it reads "len", which is left out too/);
  // Both filters: each notice names the one that left its input out (before: both, for every step).
  const both = await runCli(["render", `${dir}/custom.ts`, "--plan", "--only", "b", "--format", "320x180"]);
  assert.equal(both.code, 0, both.stderr);
  assert.match(both.stderr, /it reads "a\/x\/speech", which --only b leaves out/);
  assert.match(both.stderr, /it reads "b\/video@180x320", which --format 320x180 leaves out/);
  assert.doesNotMatch(both.stderr, /--only b --format/);
  const format = await runCli(["render", `${dir}/custom.ts`, "--plan", "--format", "320x180"]);
  assert.equal(format.code, 0, format.stderr);
  assert.match(format.stdout, /\b3 custom\)/);
  assert.match(
    format.stderr,
    /Step "tall" is left out of this run: it reads "b\/video@180x320", which --format 320x180/,
  );
  assert.doesNotMatch(format.stderr, /"len"/);
  // The engines of what the filters leave out are not needed: a transcription --only leaves out, without
  // pocketsphinx (before: "Cannot find pocketsphinx", as the whole workflows were probed to tell typos apart).
  const rain = new URL("../../workflows/media/rain.mp4", import.meta.url).pathname;
  await Deno.writeTextFile(
    `${dir}/heard.ts`,
    (await Deno.readTextFile(`${dir}/custom.ts`)).replace(
      "steps: [",
      `transcribe: [{ id: "rain", input: ${
        JSON.stringify(rain)
      } }],\n  steps: [step({ id: "words", inputs: ["rain/txt"], run: () => 5 }),`,
    ),
  );
  const unheard = await runCli(["render", `${dir}/heard.ts`, "--plan", "--only", "b"], {
    env: { REEL_POCKETSPHINX: `${dir}/no-pocketsphinx` },
  });
  assert.equal(unheard.code, 0, unheard.stderr);
  assert.match(unheard.stderr, /Step "words" is left out of this run: it reads "rain\/txt"/);
  // An input no step of the whole workflow has is a mistake in the file, filters or not.
  await write("typo.ts", "a/x/speeech");
  const typo = await runCli(["render", `${dir}/typo.ts`, "--plan", "--only", "b"]);
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, /Unknown step "a\/x\/speeech" \(did you mean "a\/x\/speech"\?\)/);
});

Deno.test("CLI: estimate counts calls, the least time by rate limits and the cost, calling nothing", async () => {
  const dir = await tempDir("reel-cli-");
  const sections = [1, 2, 3, 4, 5, 6].map((n) => ({
    title: `T${n}`,
    narration: "ten characters",
    image: { provider: "images", prompt: `p${n}` },
    voice: { provider: "speech" },
  }));
  await Deno.writeTextFile(
    `${dir}/paid.ts`,
    `import { workflow } from "${MOD_URL}";
export default workflow(${
      JSON.stringify({
        formats: ["16:9"],
        providers: {
          images: {
            api: "openai",
            baseUrl: "http://127.0.0.1:9",
            rate: { requests: 2, per: "minute" },
            prices: { image: 0.5 },
          },
          speech: { api: "openai", baseUrl: "http://127.0.0.1:9", prices: { perMillionCharacters: 1000000 } },
        },
        videos: [{ id: "v", sections }],
      })
    });`,
  );
  const result = await runCli(["estimate", `${dir}/paid.ts`]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /images: 6 calls, 6 images; at least 150\.0 s by its rate limits; \$3\.00/);
  assert.match(result.stdout, /speech: 6 calls, 84 characters; no wait by its rate limits; \$84\.00/);
  assert.match(result.stdout, /total: at least 150\.0 s .* cost \$87\.00/);
});

Deno.test("CLI: estimate counts a hosted transcription's chunks from its recording's length; a recording it cannot read is named at its field", async () => {
  const dir = await tempDir("reel-cli-");
  // 200 s without a pause: cut every 30 s, the rest (20 s) joined to the last chunk.
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "sine=f=300:d=200",
    "-ar",
    "16000",
    `${dir}/talk.wav`,
  ]);
  await Deno.writeTextFile(`${dir}/notes.wav`, "not a recording");
  const workflowFor = (input: string) =>
    `import { workflow } from "${MOD_URL}";
export default workflow(${
      JSON.stringify({
        providers: {
          whisper: {
            api: "openai",
            baseUrl: "http://127.0.0.1:9/v1",
            rate: { requests: 3, per: "minute" },
            prices: { perMinute: 0.006 },
          },
        },
        transcribe: [{ id: "talk", input, engine: "whisper", model: "whisper-1", chunk: 30 }],
      })
    });`;
  await Deno.writeTextFile(`${dir}/talk.ts`, workflowFor("talk.wav"));
  await Deno.writeTextFile(`${dir}/notes.ts`, workflowFor("notes.wav"));
  const result = await runCli(["estimate", `${dir}/talk.ts`]);
  assert.equal(result.code, 0, result.stderr);
  // Before: "calls made by steps spawned at run time (…: how many is known only once they are spawned)".
  const line =
    /^whisper: about 7 calls, (\d+\.\d) min of audio; at least 120\.0 s by its rate limits; \$(\S+)$/m
      .exec(result.stdout);
  assert.ok(line !== null, result.stdout);
  assert.ok(Number(line[1]) >= 200 / 60 && Number(line[1]) < 4, line[1]);
  assert.equal(line[2], (Number(line[1]) * 0.006).toFixed(2));
  const bad = await runCli(["estimate", `${dir}/notes.ts`]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^✖ \S+notes\.wav holds text, not media$/m);
  assert.match(bad.stderr, /^ {2}→ at transcribe\[0\]\.input \(\S+notes\.ts\)$/m);
});

Deno.test("CLI: render takes several workflow files in one run", async () => {
  const dir = await tempDir("reel-cli-");
  for (const id of ["first", "second"]) {
    await Deno.writeTextFile(
      `${dir}/${id}.ts`,
      `import { workflow } from "${MOD_URL}";
export default workflow({ formats: ["160x90"], videos: [{ id: "${id}", sections: [{ title: "T", narration: "Hello ${id}." }] }] });`,
    );
  }
  const result = await runCli([
    "render",
    `${dir}/first.ts`,
    `${dir}/second.ts`,
    "--out",
    `${dir}/out`,
    "--quiet",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await listFolder(`${dir}/out`), [
    "first.160x90.mp4",
    "first.srt",
    "first.vtt",
    "report.html",
    "second.160x90.mp4",
    "second.srt",
    "second.vtt",
  ]);
});

Deno.test('CLI: `deno task render` from the user\'s own folder reads its paths there, and a workflow there imports "reel"', async () => {
  const home = await tempDir("reel-cli-");
  await Deno.mkdir(`${home}/talks`);
  await Deno.writeTextFile(
    `${home}/talks/hello.ts`,
    `import { workflow } from "reel";
export default workflow({
  formats: ["160x90"],
  voice: { provider: "espeak" },
  videos: [{ id: "hello", sections: [{ title: "Hi", narration: "Hello from outside." }] }],
});`,
  );
  const config = new URL("../../deno.json", import.meta.url).pathname;
  // As on a user's machine: deno task sets INIT_CWD itself, so none is inherited from this test's own task.
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "--quiet",
      "--config",
      config,
      "render",
      "talks/hello.ts",
      "--out",
      "build",
      "--cache",
      "store",
    ],
    cwd: home,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? home, NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.deepEqual(await listFolder(`${home}/build`), [
    "hello.160x90.mp4",
    "hello.srt",
    "hello.vtt",
    "report.html",
  ]);
  assert.ok((await listFolder(`${home}/store`))?.includes("entries"), stderr);
  assert.equal(await listFolder(`${home}/talks/.reel`), null);
  assert.match(stderr, /build\/hello\.160x90\.mp4/);
});

Deno.test("CLI: no output is written over a file the render reads: the workflow, or a picture it names", async () => {
  const dir = await tempDir("reel-cli-over-");
  const source = (extra: string) =>
    `import { step, workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90"],
  videos: [{ id: "a", sections: [{ title: "A", narration: "Alpha.", picture: { file: "pictures/a.160x90.mp4" } }] }],
  ${extra}
});`;
  const custom = source(
    `steps: [step({ id: "w", version: 1, output: "f.ts", run: async (_inputs, { outputPath }) => {
    await Deno.writeTextFile(outputPath, "oops");
    return 1;
  } })],`,
  );
  await Deno.writeTextFile(`${dir}/f.ts`, custom);
  await Deno.writeTextFile(`${dir}/g.ts`, source(""));
  // A PNG under a video's name: a picture is known by its bytes.
  await Deno.mkdir(`${dir}/pictures`);
  const picture = `${dir}/pictures/a.160x90.mp4`;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "color=red:s=32x32",
    "-frames:v",
    "1",
    "-f",
    "image2",
    "-c:v",
    "png",
    picture,
  ]);
  const bytes = await Deno.readFile(picture);
  // Before: exit 0, "✔ Done", and f.ts held the step's output.
  const over = await runCli(["render", "f.ts", "--out", "."], { cwd: dir });
  assert.equal(over.code, 2, over.stderr);
  assert.match(over.stderr, /The output \.\/f\.ts \(step w\) would be written over a file this run reads/);
  assert.equal(await Deno.readTextFile(`${dir}/f.ts`), custom);
  // Before: the video replaced the picture it was made from.
  const video = await runCli(["render", "g.ts", "--out", "pictures"], { cwd: dir });
  assert.equal(video.code, 2, video.stderr);
  assert.match(
    video.stderr,
    /The output pictures\/a\.160x90\.mp4 \(step a\/video@160x90\) would be written over/,
  );
  assert.deepEqual(await Deno.readFile(picture), bytes);
  // A module the workflow imports (review: it was replaced, exit 0).
  await Deno.writeTextFile(`${dir}/helper.ts`, "export const n = 1;\n");
  await Deno.writeTextFile(
    `${dir}/h.ts`,
    `import { step, workflow } from "${MOD_URL}";
import { n } from "./helper.ts";
export default workflow({ steps: [step({ id: "h", version: 1, output: "helper.ts", run: async (_inputs, { outputPath }) => {
  await Deno.writeTextFile(outputPath, "oops");
  return n;
} })] });`,
  );
  const imported = await runCli(["render", "h.ts", "--out", "."], { cwd: dir });
  assert.equal(imported.code, 2, imported.stderr);
  assert.match(imported.stderr, /The output \.\/helper\.ts \(step h\) would be written over/);
  assert.equal(await Deno.readTextFile(`${dir}/helper.ts`), "export const n = 1;\n");
  assert.deepEqual((await listFolder(dir))?.filter((name) => !name.startsWith(".")).sort(), [
    "f.ts",
    "g.ts",
    "h.ts",
    "helper.ts",
    "pictures",
  ]);
});
