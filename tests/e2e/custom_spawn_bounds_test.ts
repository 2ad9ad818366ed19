/** A custom step that spawns itself without end fails at the depth bound, named, and the run ends by itself. */
import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a custom step that spawns itself forever fails 32 levels down, named with the bound; the run ends, exit 1, a report and the other outputs written", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "a", run: (_inputs, { spawn }) => { spawn("k", { n: 0 }); return 1; } }),
    step({ id: "k", child: true, run: (_inputs, { spawn, params }) => {
      spawn("k", { n: Number(params.n) + 1 });
      return 1;
    } }),
    step({ id: "other", output: "other.txt", run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, "fine");
      return 2;
    } }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const result = await runCli(["render", file, "--out", `${dir}/out`, "--json"]);
  // The workflow's code is at fault: bad input, exit 2 (before, 1).
  assert.equal(result.code, 2, result.stderr);
  const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const deepest = `a${"/k#0".repeat(32)}`;
  const failed = events.filter((event) => event.type === "step:failed");
  assert.deepEqual(failed.map((event) => [event.step, event.error]), [[
    deepest,
    `Step "${deepest}" spawned children 33 levels below a planned step: spawned steps may nest at most 32 levels ` +
    "deep (does a step spawn itself without end?)",
  ]]);
  assert.deepEqual(events.at(-1), {
    ...events.at(-1),
    type: "run:finished",
    ok: false,
    cancelled: false,
    failed: 1,
  });
  assert.equal(events.filter((event) => event.type === "step:started").length, 1 + 32 + 1);
  assert.deepEqual(await listFolder(`${dir}/out`), ["other.txt", "report.html"]);
});
