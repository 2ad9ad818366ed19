/** The files a custom step declares are found by their exact names, and key the step by their content. */
import assert from "node:assert/strict";
import { resolveCustomSteps } from "../../../../lib/jobs/custom/resolve_custom.ts";
import type { WorkflowIssue } from "../../../../lib/core/errors.ts";
import type { Json } from "../../../../lib/core/json.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

/** One custom step, resolved as the workflow `w.ts` in `dir` holds it: its code, its params and the issues. */
async function resolveStep(
  dir: string,
  step: { files?: string[]; version?: number; params?: Record<string, Json> },
): Promise<{ code: unknown; params: unknown; issues: WorkflowIssue[] }> {
  const issues: WorkflowIssue[] = [];
  const steps = await resolveCustomSteps({ steps: [{ id: "s", ...step, run: () => 1 }] }, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
    env: () => undefined,
    providers: new Map(),
    timeout: null,
    issues,
  });
  return { code: steps?.[0]?.code, params: steps?.[0]?.params, issues };
}

Deno.test("resolveCustomSteps() finds declared files named with %, %25, #, ?, a space, a tab, a newline, and keys by them", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/w.ts`, "export default {};\n");
  const names = ["100%.txt", "50%25.txt", "notes#1.txt", "what?.txt", "a b.txt", "t\tab.txt", "n\nl.txt"];
  for (const name of names) await Deno.writeTextFile(`${dir}/${name}`, name);
  await Deno.writeTextFile(`${dir}/50%.txt`, "decoy");
  const digest = async () => {
    const { code, issues } = await resolveStep(dir, { files: names });
    assert.deepEqual(issues, []);
    return JSON.stringify(code);
  };
  const before = await digest();
  await Deno.writeTextFile(`${dir}/50%.txt`, "decoy, changed");
  assert.equal(await digest(), before, "a file the step does not declare does not key it");
  await Deno.writeTextFile(`${dir}/50%25.txt`, "changed");
  assert.notEqual(await digest(), before, "the declared file keys it");
});

Deno.test("resolveCustomSteps() keys a declared file by its path from the workflow's folder, however written, and names one it cannot read", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/w.ts`, "export default {};\n");
  await Deno.writeTextFile(`${dir}/data.csv`, "a,b\n");
  const codeOf = (files: string[]) => resolveStep(dir, { files, version: 1 });
  // Before: keyed as written, so these were three keys (and an absolute path put the machine's folder in it).
  const plain = await codeOf(["data.csv"]);
  assert.deepEqual((await codeOf(["./data.csv"])).code, plain.code);
  assert.deepEqual((await codeOf([`${dir}/data.csv`])).code, plain.code);
  assert.deepEqual(Object.keys((plain.code as { files: Record<string, string> }).files), ["data.csv"]);
  if (Deno.uid() !== 0) {
    await Deno.chmod(`${dir}/data.csv`, 0o000);
    const { issues } = await codeOf(["data.csv"]);
    assert.deepEqual(issues, [{
      path: "steps[0].files[0]",
      message: `Cannot read ${dir}/data.csv: permission denied`,
    }]);
  }
});

Deno.test("resolveCustomSteps() hands a step its params in the key's order: params written in another order give the same bytes", async () => {
  // Before: a versioned step keyed `{ a: 1, b: 2 }` and `{ b: 2, a: 1 }` alike but was handed them as written, so
  // one key stood for two outputs (a step writing its params as JSON), whichever the store met first.
  const dir = await tempDir();
  const paramsOf = async (params: Record<string, Json>) => {
    const resolved = await resolveStep(dir, { version: 1, params });
    assert.deepEqual(resolved.issues, []);
    return JSON.stringify(resolved.params);
  };
  const written = await paramsOf({ b: 2, a: { d: [1, { y: 1, x: 2 }], c: 3 } });
  assert.equal(written, '{"a":{"c":3,"d":[1,{"x":2,"y":1}]},"b":2}');
  assert.equal(await paramsOf({ a: { c: 3, d: [1, { x: 2, y: 1 }] }, b: 2 }), written);
});
