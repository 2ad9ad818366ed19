import assert from "node:assert/strict";
import { WorkflowError } from "../../../lib/core/errors.ts";
import { placedIssues } from "../../_support/placed_issues.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";
import { MOD_URL } from "../../_support/workflows.ts";

const root = new URL("../../../", import.meta.url).pathname;

/** Step id → key of a workflow file's plan, made with the test toolchain. */
async function keysOf(file: string): Promise<Map<string, string>> {
  const plan = planWorkflows([await loadWorkflow(file)], { toolchain: TEST_TOOLCHAIN });
  return new Map(plan.steps.map((step) => [step.id, step.key]));
}

async function issuesOf(file: string): Promise<{ path: string; message: string }[]> {
  const error = await loadWorkflow(file).then(() => null, (error: unknown) => error);
  assert.ok(error instanceof WorkflowError, String(error));
  assert.equal(error.file, file);
  return placedIssues(error.issues);
}

async function write(dir: string, name: string, text: string): Promise<string> {
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

Deno.test("the example lesson in JSON and in YAML has every step and key of workflows/lesson.ts", async () => {
  const typescript = await keysOf(`${root}workflows/lesson.ts`);
  assert.ok(typescript.size > 10);
  for (const file of ["workflows/lesson.json", "workflows/lesson.yaml"]) {
    assert.deepEqual(await keysOf(`${root}${file}`), typescript, `${file}: keep it in step with lesson.ts`);
  }
});

Deno.test("a YAML workflow gives every lesson step the key of the same workflow in TypeScript", async () => {
  const typescript = await keysOf(`${root}tests/fixtures/keys/workflow.ts`);
  const yaml = await keysOf(`${root}tests/fixtures/keys/workflow.yaml`);
  // The TypeScript fixture has custom steps too, which only TypeScript can hold.
  const lessonSteps = [...typescript].filter(([id]) => /^(?:lesson|second)\//.test(id));
  assert.ok(lessonSteps.length > 30);
  assert.deepEqual(yaml, new Map(lessonSteps));
});

Deno.test("a data workflow's relative paths resolve against its folder, as a TypeScript workflow's do", async () => {
  const dir = await tempDir("reel-data-workflow-");
  await Deno.mkdir(`${dir}/images`);
  await Deno.copyFile(`${root}workflows/media/tiles/tile-2.png`, `${dir}/images/sea.png`);
  const lesson = {
    formats: ["320x180"],
    videos: [{
      id: "sea",
      sections: [{
        title: "Sea",
        narration: "The sea.",
        background: { color: "#1f4e3d", image: "images/sea.png" },
      }],
    }],
  };
  const ts = await write(
    dir,
    "sea.ts",
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${JSON.stringify(lesson)});\n`,
  );
  const json = await write(dir, "sea.json", JSON.stringify(lesson));
  const yaml = await write(
    dir,
    "sea.yml",
    `videos:\n  - id: sea\n    sections:\n      - title: Sea\n        narration: The sea.\n        background:\n          color: "#1f4e3d"\n          image: images/sea.png\nformats: [320x180]\n`,
  );
  const resolved = await loadWorkflow(yaml);
  assert.equal(resolved.name, "sea");
  assert.equal(resolved.jobs.lesson!.videos[0]!.sections[0]!.background.image?.path, `${dir}/images/sea.png`);
  const keys = await keysOf(ts);
  assert.deepEqual(await keysOf(json), keys);
  assert.deepEqual(await keysOf(yaml), keys);
});

Deno.test("a data workflow may name its JSON Schema with $schema, as a string only", async () => {
  const dir = await tempDir("reel-data-workflow-");
  const lesson = { videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] };
  const named = await write(
    dir,
    "a.json",
    JSON.stringify({ $schema: "../schema/workflow.schema.json", ...lesson }),
  );
  assert.equal((await loadWorkflow(named)).jobs.lesson!.videos.length, 1);
  const wrong = await write(
    dir,
    "b.yaml",
    "$schema: 5\nvideos: [{ id: a, sections: [{ title: T, narration: N }] }]\n",
  );
  assert.deepEqual(await issuesOf(wrong), [{
    path: "$schema, line 1, column 10",
    message: "Expected a string: the path or URL of the JSON Schema",
  }]);
});

Deno.test("a data workflow with custom steps is refused at its steps, with its other mistakes", async () => {
  const dir = await tempDir("reel-data-workflow-");
  const json = await write(
    dir,
    "steps.json",
    '{\n  "videos": [{ "id": "a", "sections": [{ "title": 5, "narration": "N" }] }],\n  "steps": [{ "id": "x", "run": "() => 1" }]\n}\n',
  );
  // In the file's order.
  assert.deepEqual(await issuesOf(json), [
    { path: "videos[0].sections[0].title, line 2, column 51", message: "Expected a string, got a number" },
    {
      path: "steps, line 3, column 12",
      message:
        "Custom steps are TypeScript functions, which a JSON file cannot hold: write the workflow as a .ts " +
        "file to use them",
    },
  ]);
  const yaml = await write(
    dir,
    "steps.yaml",
    "videos: [{ id: a, sections: [{ title: T, narration: N }] }]\nsteps:\n  - id: x\n",
  );
  const [issue] = await issuesOf(yaml);
  assert.equal(issue?.path, "steps, line 3, column 3");
  assert.match(issue!.message, /a YAML file cannot hold/);
});

Deno.test("a wrong field in a YAML workflow is named with its path, line and column", async () => {
  const dir = await tempDir("reel-data-workflow-");
  const file = await write(
    dir,
    "lesson.yaml",
    [
      "formats: [16:9]",
      "videos:",
      "  - id: rain",
      "    sections:",
      "      - title: Rain",
      "        narration: It rains.",
      "      - title: Snow",
      "        narraton: It snows.",
      "        voice: { rate: fast }",
      "",
    ].join("\n"),
  );
  // In the file's order (nt10: the schema's order put line 9 first).
  assert.deepEqual(await issuesOf(file), [
    {
      path: "videos[0].sections[1], line 8, column 9",
      message: 'Unknown field "narraton" (did you mean "narration"?)',
    },
    {
      path: "videos[0].sections[1].voice.rate, line 9, column 24",
      message: "Expected a number, got a string",
    },
  ]);
});

Deno.test("a YAML colour left unquoted is named as the cause of the null its field got", async () => {
  const dir = await tempDir("reel-data-workflow-");
  const file = await write(
    dir,
    "bare.yaml",
    [
      "formats: [320x180]",
      "videos:",
      "  - id: wind",
      "    sections:",
      "      - title: Wind",
      "        narration: Air moves.",
      "        background: #334455",
      "",
    ].join("\n"),
  );
  const [issue, ...more] = await issuesOf(file);
  assert.deepEqual(more, []);
  assert.match(issue!.path, /^videos\[0\]\.sections\[0\]\.background, line 7, column \d+$/);
  assert.match(
    issue!.message,
    /got null \(a bare # starts a comment in YAML: write the colour in quotes, "#334455"\)$/,
  );
  // A null with no colour on its line is told as it was.
  const empty = await write(dir, "empty.yaml", (await Deno.readTextFile(file)).replace(" #334455", ""));
  const [plain] = await issuesOf(empty);
  assert.doesNotMatch(plain!.message, /comment/);
  // Not for a text that starts with #: quoting "#100" would cut it.
  const title = await write(
    dir,
    "title.yaml",
    (await Deno.readTextFile(empty)).replace("title: Wind", "title: #100 days"),
  );
  const [text] = await issuesOf(title);
  assert.doesNotMatch(text!.message, /comment/);
  // nt9: a year as a title was said as a number, with nothing on how to write it as text.
  const year = await write(
    dir,
    "year.yaml",
    (await Deno.readTextFile(file)).replace("title: Wind", "title: 2024"),
  );
  const [number] = await issuesOf(year);
  assert.equal(
    number!.message,
    'Expected a string, got a number (YAML reads 2024 as a number: write it in quotes, "2024")',
  );
  assert.match(number!.path, /^videos\[0\]\.sections\[0\]\.title, line 5, column \d+$/);
  // rv14: in a flow, the rest of the line was taken for the value.
  const flow = await write(
    dir,
    "flow.yaml",
    "formats: [320x180]\nvideos:\n  - id: wind\n    sections:\n      - { id: s, title: 2024, narration: Hi there. }\n",
  );
  const [inFlow] = await issuesOf(flow);
  assert.equal(
    inFlow!.message,
    'Expected a string, got a number (YAML reads 2024 as a number: write it in quotes, "2024")',
  );
});

Deno.test("several unknown fields of one object are told one by one, each at its own place (JSON, YAML, TypeScript)", async () => {
  // nt13: one issue for them all, placed at the first.
  const dir = await tempDir();
  const section = '{ "title": "t", "narration": "Hi.", "foo": 1, "bar": 2 }';
  const json =
    `{\n  "formt": ["16:9"],\n  "videoz": [],\n  "videos": [{ "id": "a", "sections": [${section}] }]\n}\n`;
  const yaml = `formt: ["16:9"]\nvideoz: []\nvideos: [{ "id": "a", "sections": [${section}] }]\n`;
  const code = `import { workflow } from "${MOD_URL}";\nexport default workflow(${json.trimEnd()});\n`;
  const told = (first: number, columns: number[]) => [
    {
      path: `line ${first}, column ${columns[0]}`,
      message: 'Unknown field "formt" (did you mean "formats"?)',
    },
    {
      path: `line ${first + 1}, column ${columns[0]}`,
      message: 'Unknown field "videoz" (did you mean "videos"?)',
    },
    {
      path: `videos[0].sections[0], line ${first + 2}, column ${columns[1]}`,
      message: 'Unknown field "foo"',
    },
    {
      path: `videos[0].sections[0], line ${first + 2}, column ${columns[2]}`,
      message: 'Unknown field "bar"',
    },
  ];
  assert.deepEqual(await issuesOf(await write(dir, "w.json", json)), told(2, [3, 76, 86]));
  assert.deepEqual(await issuesOf(await write(dir, "w.yaml", yaml)), told(1, [1, 72, 82]));
  assert.deepEqual(await issuesOf(await write(dir, "w.ts", code)), told(3, [3, 76, 86]));
});
