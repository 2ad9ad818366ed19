/**
 * A key holds everything that can change a step's bytes: each test changes one such input and checks exactly the
 * steps it reaches get new keys.
 */
import assert from "node:assert/strict";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import type { Toolchain } from "../../../lib/plan/toolchain.ts";
import { assemblePlan } from "../../../lib/plan/plan.ts";
import type { PlanStep } from "../../../lib/plan/plan_step.ts";
import type { Json } from "../../../lib/core/json.ts";
import { NARRATION_PART_SECONDS } from "../../../lib/media/narration_encoding.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../lib/workflow/workflow_schema.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";
import { MOD_URL, writeWorkflowFile } from "../../_support/workflows.ts";

const api: WorkflowInput = {
  formats: ["64x64"],
  providers: { images: { api: "openai" }, speech: { api: "openai" } },
  voice: { provider: "speech", voice: "alloy" },
  videos: [{
    id: "v",
    sections: [
      { title: "A", narration: "First.", image: { provider: "images", prompt: "a cat", size: "1024x1024" } },
      { title: "B", narration: "Second.", voice: { provider: "flite" } },
      { title: "C", narration: "Third.", voice: { provider: "espeak" } },
    ],
  }],
};

async function keysOf(
  input: WorkflowInput,
  options: { env?: Record<string, string>; toolchain?: Toolchain } = {},
): Promise<Map<string, string>> {
  const env = options.env ?? {};
  const workflow = await resolveWorkflow(input, {
    file: "k.ts",
    moduleUrl: "file:///k.ts",
    env: (name) => env[name],
  });
  const plan = planWorkflows([workflow], { toolchain: options.toolchain ?? TEST_TOOLCHAIN });
  return new Map(plan.steps.map((step) => [step.id, step.key]));
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
}

const downstreamOfImage = ["v/s1/image", "v/s1/slide@64x64", "v/stills@64x64", "v/video@64x64"];
const downstreamOfApiSpeech = [
  "v/narration",
  "v/s1/cues",
  "v/s1/speech",
  "v/subtitles.srt",
  "v/subtitles.vtt",
  "v/video@64x64",
];

Deno.test("step keys: the base URL a provider answers at is part of its calls' keys", async () => {
  const before = await keysOf(api, { env: { OPENAI_BASE_URL: "http://127.0.0.1:8787" } });
  const after = await keysOf(api, { env: { OPENAI_BASE_URL: "http://127.0.0.1:9999" } });
  assert.deepEqual(
    changed(before, after),
    [...new Set([...downstreamOfImage, ...downstreamOfApiSpeech])].sort(),
  );
  const hosted = await keysOf(api);
  assert.deepEqual(changed(before, hosted), changed(before, after));
  // The same endpoint written otherwise: a trailing slash, the `/v1` every call adds written out, the scheme and
  // host in capitals (kr2: `/v1` paid for every call again).
  for (const same of ["http://127.0.0.1:8787/", "http://127.0.0.1:8787/v1", "HTTP://127.0.0.1:8787/v1/"]) {
    assert.deepEqual(changed(before, await keysOf(api, { env: { OPENAI_BASE_URL: same } })), [], same);
  }
  assert.deepEqual(
    changed(hosted, await keysOf(api, { env: { OPENAI_BASE_URL: "https://api.openai.com:443" } })),
    [],
  );
});

Deno.test("step keys: a colour written in capitals or in three digits is the same colour; another one is not", async () => {
  // kr2: "#1E3A5F" for "#1e3a5f", or "#fff" for "#ffffff", re-rendered every slide, byte for byte the same.
  const themed = (theme: Record<string, string>, section: string) => {
    const input = structuredClone(api);
    input.theme = theme;
    input.videos![0]!.sections[1]!.background = section;
    return keysOf(input);
  };
  const before = await themed({ background: "#1e3a5f", foreground: "#ffffff" }, "#aabbcc");
  assert.deepEqual(changed(before, await themed({ background: "#1E3A5F", foreground: "#fff" }, "#ABC")), []);
  assert.notDeepEqual(
    changed(before, await themed({ background: "#1e3a5e", foreground: "#ffffff" }, "#aabbcc")),
    [],
  );
});

Deno.test("step keys: a provider's declared version re-runs only its calls", async () => {
  const before = await keysOf(api);
  const input = structuredClone(api);
  input.providers!.images!.version = "2025-06";
  assert.deepEqual(changed(before, await keysOf(input)), downstreamOfImage);
});

Deno.test("step keys: model, voice and size are part of the keys", async () => {
  const before = await keysOf(api);
  const model = structuredClone(api);
  model.videos![0]!.sections[0]!.image!.model = "dall-e-3";
  assert.deepEqual(changed(before, await keysOf(model)), downstreamOfImage);
  const size = structuredClone(api);
  size.videos![0]!.sections[0]!.image!.size = "1536x1024";
  assert.deepEqual(changed(before, await keysOf(size)), downstreamOfImage);
  const voice = structuredClone(api);
  voice.voice!.voice = "nova";
  assert.deepEqual(changed(before, await keysOf(voice)), downstreamOfApiSpeech);
  const speechModel = structuredClone(api);
  speechModel.voice!.model = "tts-1-hd";
  assert.deepEqual(changed(before, await keysOf(speechModel)), downstreamOfApiSpeech);
});

Deno.test("step keys: ffmpeg's version re-runs what ffmpeg makes, and nothing else", async () => {
  const before = await keysOf(api);
  const after = await keysOf(api, { toolchain: { ...TEST_TOOLCHAIN, ffmpeg: "ffmpeg version 6.1" } });
  // Slides are drawn in process, images come from the API, espeak-ng writes its own WAV.
  const notFfmpeg = [
    "v/s1/image",
    "v/s1/slide@64x64",
    "v/s2/slide@64x64",
    "v/s3/slide@64x64",
    "v/title@64x64",
    "v/s3/speech",
  ];
  assert.deepEqual(
    changed(before, after),
    [...before.keys()].filter((id) => !notFfmpeg.includes(id)).sort(),
  );
});

Deno.test("step keys: espeak-ng's version re-runs the espeak narrations only", async () => {
  const before = await keysOf(api);
  const after = await keysOf(api, { toolchain: { ...TEST_TOOLCHAIN, espeak: "eSpeak NG 1.52" } });
  assert.deepEqual(changed(before, after), [
    "v/narration",
    "v/s3/cues",
    "v/s3/speech",
    "v/subtitles.srt",
    "v/subtitles.vtt",
    "v/video@64x64",
  ]);
});

Deno.test("step keys: the narration's part length re-runs the narration and what uses it", async () => {
  // The planner's constant, not a workflow field: the test plans, then assembles the same drafts again with the
  // narration's parts one second long (its AAC is cut elsewhere, so its bytes differ; see narration_join_test).
  const workflow = await resolveWorkflow(api, {
    file: "k.ts",
    moduleUrl: "file:///k.ts",
    env: () => undefined,
  });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const keys = (steps: readonly PlanStep[]) => new Map(steps.map((step) => [step.id, step.key]));
  const parted = assemblePlan({
    ...plan,
    steps: plan.steps.map((step) =>
      step.id === "v/narration"
        ? { ...step, params: { ...step.params as { [key: string]: Json }, partSeconds: 1 } }
        : step
    ),
  });
  const narration = plan.steps.find((step) => step.id === "v/narration")!;
  assert.equal((narration.params as { [key: string]: Json }).partSeconds, NARRATION_PART_SECONDS);
  assert.deepEqual(changed(keys(plan.steps), keys(parted.steps)), [
    "v/narration",
    "v/subtitles.srt",
    "v/subtitles.vtt",
    "v/video@64x64",
  ]);
});

Deno.test("step keys: the slide renderer and its fonts re-render the slides", async () => {
  const before = await keysOf(api);
  const after = await keysOf(api, { toolchain: { ...TEST_TOOLCHAIN, slides: "resvg 2.7.0 fonts:other" } });
  assert.deepEqual(changed(before, after), [
    "v/s1/slide@64x64",
    "v/s2/slide@64x64",
    "v/s3/slide@64x64",
    "v/stills@64x64",
    "v/title@64x64",
    "v/video@64x64",
  ]);
});

Deno.test("step keys: the libx264 library found (or none) re-encodes the stills, and what shows them", async () => {
  const before = await keysOf(api);
  const found = await keysOf(api, { toolchain: { ...TEST_TOOLCHAIN, x264: "/lib/libx264.so.164\t1\t2" } });
  assert.deepEqual(changed(before, found), ["v/stills@64x64", "v/video@64x64"]);
  const replaced = await keysOf(api, { toolchain: { ...TEST_TOOLCHAIN, x264: "/lib/libx264.so.164\t1\t3" } });
  assert.deepEqual(changed(found, replaced), ["v/stills@64x64", "v/video@64x64"]);
  // Burned captions are drawn by ffmpeg's filters, so their stills never use the library: its keys ignore it.
  const burned = structuredClone(api);
  burned.captions = { burn: true };
  const burnedFound = { toolchain: { ...TEST_TOOLCHAIN, x264: "/lib/libx264.so.164\t1\t2" } };
  assert.deepEqual(changed(await keysOf(burned), await keysOf(burned, burnedFound)), []);
});

/** Writes a workflow whose custom step uses a module constant and an imported helper. */
async function customWorkflow(): Promise<{ file: string; dir: string }> {
  const file = await writeWorkflowFile(
    `import { double } from "./helper.ts";
const FACTOR = 3;
export default workflow({
  formats: ["64x64"],
  videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
  steps: [
    { id: "compute", files: ["data.txt"], run: () => double(FACTOR) },
    { id: "pinned", version: 1, run: () => 1 },
    { id: "other", run: () => 2 },
    { id: "reads", version: 1, files: ["table.csv"], run: () => 3 },
  ],
});`,
  );
  const dir = file.slice(0, file.lastIndexOf("/"));
  await Deno.writeTextFile(`${dir}/helper.ts`, `export const double = (n: number) => n * 2;\n`);
  await Deno.writeTextFile(`${dir}/data.txt`, "first\n");
  await Deno.writeTextFile(`${dir}/table.csv`, "a,b\n");
  return { file, dir };
}

async function customKeys(file: string): Promise<Map<string, string>> {
  const plan = planWorkflows([await loadWorkflow(file)], { toolchain: TEST_TOOLCHAIN });
  return new Map(plan.steps.filter((step) => step.kind === "custom").map((step) => [step.id, step.key]));
}

Deno.test("step keys: a custom step is keyed by the workflow's local modules and the files it declares", async () => {
  const { file, dir } = await customWorkflow();
  try {
    const first = await customKeys(file);
    await Deno.writeTextFile(`${dir}/helper.ts`, `export const double = (n: number) => n * 2 + 0;\n`);
    const helperEdited = await customKeys(file);
    assert.deepEqual(changed(first, helperEdited), ["compute", "other"], "an imported helper changed");
    const source = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, source.replace("const FACTOR = 3;", "const FACTOR = 4;"));
    const constantEdited = await customKeys(file);
    assert.deepEqual(
      changed(helperEdited, constantEdited),
      ["compute", "other"],
      "a module constant changed",
    );
    // A declared file keys the step that declares it, and no other (before: every step without a version).
    await Deno.writeTextFile(`${dir}/data.txt`, "second\n");
    const dataEdited = await customKeys(file);
    assert.deepEqual(changed(constantEdited, dataEdited), ["compute"], "a declared file changed");
    // With a version too (before: a versioned step's files were checked but keyed nothing, its output served stale).
    await Deno.writeTextFile(`${dir}/table.csv`, "a,c\n");
    assert.deepEqual(
      changed(dataEdited, await customKeys(file)),
      ["reads"],
      "a versioned step's file changed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("step keys: a custom step with a version is keyed by it and its function, not the module", async () => {
  const { file, dir } = await customWorkflow();
  try {
    const first = await customKeys(file);
    await Deno.writeTextFile(`${dir}/helper.ts`, `export const double = (n: number) => n * 2 + 0;\n`);
    assert.equal((await customKeys(file)).get("pinned"), first.get("pinned"));
    // A new file name: this process has the first one imported already (a render is a fresh process).
    const bumped = `${dir}/bumped.ts`;
    await Deno.writeTextFile(bumped, (await Deno.readTextFile(file)).replace("version: 1,", "version: 2,"));
    assert.notEqual((await customKeys(bumped)).get("pinned"), first.get("pinned"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("step keys: reel's own modules are not part of a workflow's module graph", async () => {
  const { file, dir } = await customWorkflow();
  try {
    const source = await Deno.readTextFile(file);
    assert.ok(source.includes(MOD_URL));
    const { readModuleGraph } = await import("../../../lib/schema/module_graph.ts");
    const graph = await readModuleGraph(new URL(`file://${file}`).href);
    assert.deepEqual(graph.files.map((path) => path.slice(dir.length + 1)).sort(), [
      "helper.ts",
      "workflow.ts",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("step keys: the workflow file renamed or moved keeps its module graph's digest; a helper renamed does not", async () => {
  // kr2: renaming the workflow file re-ran every custom step without a version.
  const dir = await Deno.makeTempDir({ prefix: "reel-graph-" });
  try {
    const { readModuleGraph } = await import("../../../lib/schema/module_graph.ts");
    await Deno.writeTextFile(`${dir}/helper.ts`, "export const two = 2;\n");
    const workflow = 'import { two } from "./helper.ts";\nexport default two;\n';
    await Deno.writeTextFile(`${dir}/a.ts`, workflow);
    await Deno.writeTextFile(`${dir}/b.ts`, workflow);
    const digest = async (file: string) =>
      (await readModuleGraph(new URL(`file://${dir}/${file}`).href)).digest;
    assert.equal(await digest("b.ts"), await digest("a.ts"));
    await Deno.writeTextFile(`${dir}/other.ts`, "export const two = 2;\n");
    await Deno.writeTextFile(`${dir}/c.ts`, workflow.replace("./helper.ts", "./other.ts"));
    assert.notEqual(await digest("c.ts"), await digest("a.ts"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("step keys: a package imported by a version range counts by the version the lock file resolves it to", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reel-graph-" });
  try {
    const { readModuleGraph } = await import("../../../lib/schema/module_graph.ts");
    // zod is in reel's lock file: what `npm:zod@^4` resolves to is the version it pins.
    const lock = JSON.parse(await Deno.readTextFile(new URL("../../../deno.lock", import.meta.url))) as {
      specifiers: Record<string, string>;
    };
    const version = lock.specifiers["npm:zod@4"] ?? lock.specifiers["npm:zod@4.1.12"];
    assert.ok(version !== undefined, "zod is locked");
    await Deno.writeTextFile(
      `${dir}/range.ts`,
      `import { z } from "npm:zod@^4";\nexport const s = z.string();\n`,
    );
    await Deno.writeTextFile(
      `${dir}/exact.ts`,
      `import { z } from "npm:zod@${version}";\nexport const s = z.string();\n`,
    );
    const [range, exact] = [
      await readModuleGraph(new URL(`file://${dir}/range.ts`).href),
      await readModuleGraph(new URL(`file://${dir}/exact.ts`).href),
    ];
    assert.equal(range.packages.length, 1);
    assert.match(range.packages[0]!, new RegExp(`^npm:zod/${version.replaceAll(".", "\\.")}/`));
    assert.deepEqual(range.packages, exact.packages);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("step keys: a local module imported with no space before its quote, or named through the import map, is part of the module graph", async () => {
  // kr: `from"./helper.ts"` was not seen, and `"helpers/": "./lib/"` in the import map counted the module by its
  // name: an edit to either kept the custom steps' keys, and their stale outputs.
  const dir = await Deno.makeTempDir({ prefix: "reel-graph-" });
  try {
    const MODULE = new URL("../../../lib/schema/module_graph.ts", import.meta.url).href;
    await Deno.mkdir(`${dir}/lib`);
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: { "helpers/": "./lib/" } }));
    await Deno.writeTextFile(`${dir}/tight.ts`, `export const tight = 1;\n`);
    await Deno.writeTextFile(`${dir}/lib/mapped.ts`, `export const mapped = 2;\n`);
    await Deno.writeTextFile(
      `${dir}/workflow.ts`,
      `import{tight}from"./tight.ts";\nimport { mapped } from "helpers/mapped.ts";\nexport default tight + mapped;\n`,
    );
    // In a process with that import map, as a render with the project's deno.json is.
    const graph = async () => {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          "--quiet",
          "--config",
          `${dir}/deno.json`,
          `import { readModuleGraph } from "${MODULE}";\n` +
          `console.log(JSON.stringify(await readModuleGraph("file://${dir}/workflow.ts")));`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      return JSON.parse(new TextDecoder().decode(stdout)) as {
        files: string[];
        digest: string;
        packages: string[];
      };
    };
    const first = await graph();
    assert.deepEqual(first.files.map((path) => path.slice(dir.length + 1)).sort(), [
      "lib/mapped.ts",
      "tight.ts",
      "workflow.ts",
    ]);
    assert.deepEqual(first.packages, []);
    await Deno.writeTextFile(`${dir}/lib/mapped.ts`, `export const mapped = 3;\n`);
    const mappedEdited = await graph();
    assert.notEqual(mappedEdited.digest, first.digest, "the mapped module's edit");
    await Deno.writeTextFile(`${dir}/tight.ts`, `export const tight = 4;\n`);
    assert.notEqual((await graph()).digest, mappedEdited.digest, "the tightly imported module's edit");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
