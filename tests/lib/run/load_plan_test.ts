/** loadPlan: the workflow files a command names, each loaded once. */
import assert from "node:assert/strict";
import { InputError, issueWhere, WorkflowError, WorkflowErrors } from "../../../lib/core/errors.ts";
import { loadPlan } from "../../../lib/run/load_plan.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { writeWorkflowFile } from "../../_support/workflows.ts";

Deno.test("loadPlan: a workflow file named twice is planned once", async () => {
  // Before: loaded twice, its ids clashed with themselves (fi: `Id "how-rain-forms" is used in videos too`, exit 2).
  const once = await loadPlan(["workflows/lesson.ts"]);
  const twice = await loadPlan(["workflows/lesson.ts", "./workflows/lesson.ts"]);
  assert.equal(twice.workflows.length, 1);
  assert.deepEqual(twice.plan.steps.map((step) => step.key), once.plan.steps.map((step) => step.key));
  // And through a link to it (rv).
  const dir = await tempDir("reel-plan-link-");
  await Deno.symlink(await Deno.realPath("workflows/lesson.ts"), `${dir}/link.ts`);
  const linked = await loadPlan(["workflows/lesson.ts", `${dir}/link.ts`]);
  assert.equal(linked.workflows.length, 1);
});

Deno.test("loadPlan: --only naming no id says video for lessons, video or job beside other jobs", async () => {
  const refusal = async (file: string) => {
    const error = await loadPlan([file], { only: ["nope"] }).catch((error: unknown) => error);
    assert.ok(error instanceof InputError, String(error));
    return `${error.message} | ${error.hint}`;
  };
  assert.match(await refusal("workflows/lesson.ts"), /^No video "nope" \(from --only\) \| Videos: /);
  // nt3: "No video" and "Videos: sample", of a variants job.
  assert.match(
    await refusal("workflows/variants.ts"),
    /^No video or job "nope" \(from --only\) \| Ids: sample$/,
  );
  // nt6: no guess, where --format and commander's options had one.
  const error = await loadPlan(["workflows/lesson.ts"], { only: ["how-rain-form"] }).catch((error: unknown) =>
    error
  );
  assert.ok(error instanceof InputError);
  assert.equal(error.message, 'No video "how-rain-form" (from --only) (did you mean "how-rain-forms"?)');
});

Deno.test("loadPlan: every named file's mistakes are told in one go, a file at a time", async () => {
  const dir = await tempDir("reel-plan-files-");
  const mod = new URL("../../../mod.ts", import.meta.url).href;
  const write = async (name: string, value: unknown) => {
    await Deno.writeTextFile(
      `${dir}/${name}`,
      `import { workflow } from "${mod}";\nexport default workflow(${JSON.stringify(value)});\n`,
    );
    return `${dir}/${name}`;
  };
  const bad = await write("a.ts", { formats: ["320x180"], fps: 7, videos: [] });
  const good = await write("b.ts", {
    formats: ["320x180"],
    videos: [{ id: "b", sections: [{ title: "T", narration: "Hi." }] }],
  });
  const worse = await write("c.ts", {
    formats: ["321x181"],
    videos: [{ id: "c", sections: [{ title: "T", narration: "Hi." }] }],
  });
  const error = await loadPlan([bad, good, worse]).catch((error: unknown) => error);
  assert.ok(error instanceof WorkflowErrors, String(error));
  assert.deepEqual(error.errors.map((each) => [each.file, each.issues.map(issueWhere)]), [
    [bad, ["fps, line 2, column 54", "videos, line 2, column 65"]],
    [worse, ["formats[0], line 2, column 37"]],
  ]);
  // rv13: a file that is not there was told alone, the others' mistakes left out.
  const missing = await loadPlan([bad, `${dir}/nope.ts`]).catch((error: unknown) => error);
  assert.ok(missing instanceof WorkflowErrors, String(missing));
  assert.deepEqual(missing.errors.map((each) => [each.file, each.issues[0]!.message]), [
    [bad, missing.errors[0]!.issues[0]!.message],
    [`${dir}/nope.ts`, `Workflow file not found: ${dir}/nope.ts`],
  ]);
  const one = await loadPlan([good, worse]).catch((error: unknown) => error);
  assert.ok(
    one instanceof InputError && !(one instanceof WorkflowErrors) && one.where === worse,
    String(one),
  );
});

Deno.test("loadPlan: the plan's mistakes are told at their lines and columns, in the order they are written", async () => {
  // nt11: an input no step gives and a step id reel makes were told by their paths alone, the later first.
  const file = await writeWorkflowFile(`export default workflow({
  formats: ["320x180"],
  videos: [{ id: "v", sections: [{ id: "intro", title: "T", narration: "Hi." }] }],
  steps: [
    { id: "bad", inputs: ["v/intro/speechh"], run: () => 1 },
    step({ id: "v/intro/speech", run: () => 2 }),
  ],
});`);
  const error = await loadPlan([file]).catch((error: unknown) => error);
  assert.ok(error instanceof WorkflowError, String(error));
  assert.deepEqual(error.issues.map(issueWhere), [
    "steps[0].inputs[0], line 7, column 27",
    "steps[1].id, line 8, column 16",
  ]);
});

Deno.test("loadPlan: every named file's plan mistakes are told, each file's at their places", async () => {
  // rv19: only the first file's were told.
  const body = (video: string) =>
    `export default workflow({
  formats: ["320x180"],
  videos: [{ id: "${video}", sections: [{ id: "intro", title: "T", narration: "Hi." }] }],
  steps: [{ id: "bad-${video}", inputs: ["${video}/intro/speechh"], run: () => 1 }],
});`;
  const first = await writeWorkflowFile(body("a"));
  const second = await writeWorkflowFile(body("b"));
  const error = await loadPlan([first, second]).catch((error: unknown) => error);
  assert.ok(error instanceof WorkflowErrors, String(error));
  assert.deepEqual(error.errors.map((each) => [each.file, each.issues.map(issueWhere)]), [
    [first, ["steps[0].inputs[0], line 6, column 35"]],
    [second, ["steps[0].inputs[0], line 6, column 35"]],
  ]);
});
