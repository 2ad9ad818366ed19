/** loadPlan: the workflow files a command names, each loaded once. */
import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { loadPlan } from "../../../lib/run/load_plan.ts";
import { tempDir } from "../../_support/temp_dir.ts";

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
