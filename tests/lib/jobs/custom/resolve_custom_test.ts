/** The files a custom step declares are found by their exact names, and key the step by their content. */
import assert from "node:assert/strict";
import { resolveCustomSteps } from "../../../../lib/jobs/custom/resolve_custom.ts";
import type { WorkflowIssue } from "../../../../lib/core/errors.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

Deno.test("resolveCustomSteps() finds declared files named with %, %25, #, ?, a space, a tab, a newline, and keys by them", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/w.ts`, "export default {};\n");
  const names = ["100%.txt", "50%25.txt", "notes#1.txt", "what?.txt", "a b.txt", "t\tab.txt", "n\nl.txt"];
  for (const name of names) await Deno.writeTextFile(`${dir}/${name}`, name);
  await Deno.writeTextFile(`${dir}/50%.txt`, "decoy");
  const digest = async () => {
    const issues: WorkflowIssue[] = [];
    const steps = await resolveCustomSteps({ steps: [{ id: "s", files: names, run: () => 1 }] }, {
      file: "w.ts",
      moduleUrl: `file://${dir}/w.ts`,
      env: () => undefined,
      providers: new Map(),
      timeout: null,
      issues,
    });
    assert.deepEqual(issues, []);
    return JSON.stringify(steps![0]!.code);
  };
  const before = await digest();
  await Deno.writeTextFile(`${dir}/50%.txt`, "decoy, changed");
  assert.equal(await digest(), before, "a file the step does not declare does not key it");
  await Deno.writeTextFile(`${dir}/50%25.txt`, "changed");
  assert.notEqual(await digest(), before, "the declared file keys it");
});
