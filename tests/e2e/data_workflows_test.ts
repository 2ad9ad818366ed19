/**
 * Workflows written as JSON and YAML render what the same workflow written in TypeScript renders, through every
 * command that takes a workflow file; a file with a mistake exits 2 having written nothing.
 */
import assert from "node:assert/strict";
import { CLI, jsonEvents, listFolder, runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { MOD_URL } from "../_support/workflows.ts";

const TILE = new URL("../../workflows/media/tiles/tile-2.png", import.meta.url).pathname;

const lesson = {
  name: "tides",
  formats: ["320x180", "180x320"],
  fps: 24,
  videos: [{
    id: "tides",
    title: "Tides",
    sections: [
      { id: "moon", title: "The Moon", bullets: ["It pulls the sea"], narration: "The moon pulls the sea." },
      {
        title: "Twice a day",
        narration: "High tide comes twice a day.",
        background: { color: "#1f4e3d", image: "images/sea.png" },
      },
    ],
  }],
};

// The same workflow, as a person writes YAML: comments, plain scalars, a folded narration.
const yaml = `# yaml-language-server: $schema=../schema/workflow.schema.json
name: tides
formats: [320x180, 180x320]
fps: 24
videos:
  - id: tides
    title: Tides
    sections:
      - id: moon
        title: The Moon
        bullets:
          - It pulls the sea
        narration: The moon pulls the sea.
      - title: Twice a day
        narration: >-
          High tide comes
          twice a day.
        background: { color: "#1f4e3d", image: images/sea.png }
`;

/** A folder holding `lessons/` with the lesson in TypeScript, JSON and YAML, and the image they name. */
async function lessonFolder(): Promise<string> {
  const dir = await tempDir("reel-data-e2e-");
  await Deno.mkdir(`${dir}/lessons/images`, { recursive: true });
  await Deno.copyFile(TILE, `${dir}/lessons/images/sea.png`);
  const text = JSON.stringify(lesson, null, 2);
  await Deno.writeTextFile(
    `${dir}/lessons/tides.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${text});\n`,
  );
  await Deno.writeTextFile(`${dir}/lessons/tides.json`, JSON.stringify({ $schema: "x.json", ...lesson }));
  await Deno.writeTextFile(`${dir}/lessons/tides.yaml`, yaml);
  return dir;
}

/** Step id → key, as `reel plan --json` lists them. */
async function plannedKeys(file: string, cwd: string): Promise<Record<string, string>> {
  const run = await runCli(["plan", file, "--json"], { cwd });
  assert.equal(run.code, 0, run.stderr);
  const { steps } = JSON.parse(run.stdout) as { steps: { id: string; key: string }[] };
  return Object.fromEntries(steps.map((step) => [step.id, step.key]));
}

/** What a render wrote that can be compared: each video's streams and duration, each subtitle file's text. */
async function outputsOf(folder: string): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  for (const name of (await listFolder(folder)) ?? []) {
    if (name.endsWith(".mp4")) {
      const { duration, streams } = await probe(`${folder}/${name}`);
      outputs[name] = { duration, streams };
    } else if (name.endsWith(".srt") || name.endsWith(".vtt")) {
      outputs[name] = await Deno.readTextFile(`${folder}/${name}`);
    }
  }
  return outputs;
}

Deno.test("e2e: a lesson in JSON and in YAML renders what the same lesson in TypeScript renders", async () => {
  const dir = await lessonFolder();
  // Run from the folder above the lessons: the image path is read from each file's folder, not from here.
  const keys = await plannedKeys("lessons/tides.ts", dir);
  const rendered: Record<string, Record<string, unknown>> = {};
  for (const file of ["tides.ts", "tides.json", "tides.yaml"]) {
    if (file !== "tides.ts") assert.deepEqual(await plannedKeys(`lessons/${file}`, dir), keys, file);
    const run = await runCli([
      "render",
      `lessons/${file}`,
      "--out",
      `out-${file}`,
      "--cache",
      `cache-${file}`,
    ], {
      cwd: dir,
    });
    assert.equal(run.code, 0, `${file}: ${run.stderr}`);
    rendered[file] = await outputsOf(`${dir}/out-${file}`);
  }
  const typescript = rendered["tides.ts"]!;
  for (const name of ["tides.180x320.mp4", "tides.320x180.mp4", "tides.srt", "tides.vtt"]) {
    assert.ok(name in typescript, name);
  }
  // Byte-identical subtitles, and videos with the same streams and durations.
  assert.deepEqual(rendered["tides.json"], typescript);
  assert.deepEqual(rendered["tides.yaml"], typescript);
  const estimate = await runCli(["estimate", "lessons/tides.yaml"], { cwd: dir });
  assert.equal(estimate.code, 0, estimate.stderr);
  const cache = await runCli(["cache", "ls", "lessons/tides.json", "--cache", "cache-tides.json"], {
    cwd: dir,
  });
  assert.equal(cache.code, 0, cache.stderr);
  assert.match(cache.stdout, new RegExp(`^${Object.keys(keys).length} entries`, "m"));
});

Deno.test("e2e: a JSON or YAML workflow with a mistake exits 2, names the file, the path and the line, and writes nothing", async () => {
  const dir = await tempDir("reel-data-e2e-");
  const cases: { file: string; text: string; expected: string[]; absent?: string[] }[] = [
    {
      file: "broken.json",
      text:
        '{\n  "videos": [\n    { "id": "a", "sections": [] }\n    { "id": "b", "sections": [] }\n  ]\n}\n',
      expected: [
        "✖ Syntax error: Expected ',' or ']' after array element",
        "→ at line 4, column 5 (broken.json)",
      ],
    },
    {
      file: "broken.yaml",
      text: "videos:\n  - id: a\n    sections: [{ title: T, narration: N }\n  - id: b\n",
      expected: ["✖ Syntax error: ", "→ at line 4, column 3 (broken.yaml)"],
    },
    {
      file: "typo.yaml",
      text: "videos:\n  - id: a\n    sections:\n      - title: T\n        narraton: N\n",
      expected: [
        '✖ Unknown field "narraton" (did you mean "narration"?)',
        "→ at videos[0].sections[0], line 5, column 9 (typo.yaml)",
      ],
      // One mistake, one message: the narration it stands for is not named missing besides.
      absent: ["Required field is missing"],
    },
    {
      file: "steps.yaml",
      text:
        "videos: [{ id: a, sections: [{ title: T, narration: N }] }]\nsteps:\n  - id: x\n    run: () => 1\n",
      expected: ["✖ Custom steps are TypeScript functions", "→ at steps, line 3, column 3 (steps.yaml)"],
    },
  ];
  for (const { file, text, expected, absent = [] } of cases) {
    await Deno.writeTextFile(`${dir}/${file}`, text);
    const run = await runCli(["render", file, "--out", "out"], { cwd: dir });
    assert.equal(run.code, 2, `${file}: ${run.stderr}`);
    for (const line of expected) assert.ok(run.stderr.includes(line), `${file}: ${line} in\n${run.stderr}`);
    for (const line of absent) {
      assert.ok(!run.stderr.includes(line), `${file}: not ${line} in\n${run.stderr}`);
    }
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack");
  }
  assert.deepEqual(await listFolder(dir), cases.map((entry) => entry.file).sort(), "no out/, no .reel/");
});

Deno.test("e2e: a JSON or YAML workflow nested too deeply exits 2 naming the file and the depth read, and writes nothing", async () => {
  const dir = await tempDir("reel-data-deep-");
  const cases: { file: string; text: string; expected: string[] }[] = [
    {
      // 100,000 brackets: a stack overflow in the schema's error message, before.
      file: "deep.json",
      text: `{"videos":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      expected: ["→ at line 1, column 110 (deep.json)"],
    },
    {
      file: "just-too-deep.json",
      text: `{\n  "videos": ${"[".repeat(100)}${"]".repeat(100)}\n}\n`,
      expected: ["→ at line 2, column 112 (just-too-deep.json)"],
    },
    {
      file: "deep.yaml",
      text: `videos: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
      expected: ["(deep.yaml)"],
    },
    {
      file: "deep-blocks.yaml",
      text: `videos:\n${Array.from({ length: 300 }, (_, i) => `${" ".repeat(i + 1)}-\n`).join("")}`,
      expected: ["→ at line 101, column 101 (deep-blocks.yaml)"],
    },
  ];
  for (const { file, text, expected } of cases) {
    await Deno.writeTextFile(`${dir}/${file}`, text);
    const run = await runCli(["render", file, "--out", "out"], { cwd: dir });
    assert.equal(run.code, 2, `${file}: ${run.stderr}`);
    const lines = ["✖ Nested too deeply: reel reads at most 100 levels of objects and lists", ...expected];
    for (const line of lines) assert.ok(run.stderr.includes(line), `${file}: ${line} in\n${run.stderr}`);
    assert.equal(run.stderr.match(/✖/g)?.length, 1, `one message: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack");
  }
  assert.deepEqual(await listFolder(dir), cases.map((entry) => entry.file).sort(), "no out/, no .reel/");
});

Deno.test("e2e: render --watch renders a YAML workflow again when it is saved, running only the changed steps", async () => {
  const dir = await tempDir("reel-data-e2e-");
  const text = (second: string) =>
    `formats: [160x90]\nvideos:\n  - id: v\n    sections:\n      - { title: A, narration: First part. }\n` +
    `      - { title: B, narration: ${second} }\n`;
  await Deno.writeTextFile(`${dir}/lesson.yaml`, text("Second part."));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", "lesson.yaml", "--out", "out", "--json", "--watch"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const runs: string[][] = [];
  let current: string[] = [];
  const decoder = new TextDecoder();
  for await (const event of jsonEvents(child.stdout)) {
    if (event.type === "step:finished" && !event.cached) current.push(event.step!);
    if (event.type !== "run:finished") continue;
    runs.push(current.sort());
    current = [];
    if (runs.length === 2) break;
    const stderr = child.stderr.getReader();
    for (let seen = ""; !seen.includes("watching");) seen += decoder.decode((await stderr.read()).value);
    stderr.releaseLock();
    await Deno.writeTextFile(`${dir}/lesson.yaml`, text("A changed second part."));
  }
  child.kill("SIGINT");
  const status = await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  assert.ok(runs[0]!.includes("v/s1/speech") && runs[0]!.includes("v/s2/speech"), runs[0]!.join());
  // The changed narration is spoken again; nothing of the first section runs again, and no slide.
  assert.ok(runs[1]!.includes("v/s2/speech"), runs[1]!.join());
  assert.ok(runs[1]!.every((step) => !step.startsWith("v/s1/") && !step.includes("slide")), runs[1]!.join());
  assert.equal(status.code, 130);
});
