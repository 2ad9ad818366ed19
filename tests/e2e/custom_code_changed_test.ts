/**
 * A workflow file edited while a render runs, after it planned and before a worker imported it: the worker ran the
 * new code and stored its output under the key of the old code, which every later render of the old file was
 * served (the store poisoned). Now the step fails, named, stores nothing, and the old file renders its own output.
 */
import assert from "node:assert/strict";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const workflowOf = (text: string, version: string) =>
  `export default workflow({
  steps: [
    step({ id: "late", output: "late.txt", ${version} run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, "${text}");
    } }),
  ],
});`;

for (const version of ["", "version: 1,"]) {
  const keyed = version === "" ? "its module graph" : "its version and source";
  Deno.test(`a custom step keyed by ${keyed} fails when its file changed before a worker imported it`, async () => {
    const file = await writeWorkflowFile(workflowOf("version A", version));
    const dir = file.slice(0, file.lastIndexOf("/"));
    const edited = await Deno.readTextFile(file).then((text) => text.replace("version A", "version B"));
    const original = await Deno.readTextFile(file);
    try {
      const { run } = await renderWorkflows([file], {
        outDir: `${dir}/out`,
        // Planned from version A; the worker imports the file when the step starts, after this.
        onEvent: (event) => {
          if (event.type === "run:started") Deno.writeTextFileSync(file, edited);
        },
      });
      assert.equal(run.ok, false);
      const errors = [...run.errors].join("\n");
      assert.match(
        errors,
        /changed after the render planned step "late": the code a worker loaded is not the code/,
      );
      assert.equal(await Deno.stat(`${dir}/out/late.txt`).catch(() => null), null);
      // The old file, rendered again with the same store, gets its own output: nothing was stored under its key.
      await Deno.writeTextFile(file, original);
      const again = await renderWorkflows([file], { outDir: `${dir}/out` });
      assert.ok(again.run.ok, [...again.run.errors].join("\n"));
      assert.equal(await Deno.readTextFile(`${dir}/out/late.txt`), "version A");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
