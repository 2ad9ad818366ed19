/** A custom step that names an output must write it: one that does not fails once, named, and publishes nothing. */
import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a custom step naming an output it never writes fails at once, named; the others are written", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "nofile", output: "nofile.txt", retries: 2, run: () => 1 }),
    step({ id: "file", output: "file.txt", run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, "hi");
      return 2;
    } }),
    step({ id: "value", run: () => 3 }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const result = await runCli(["render", file, "--out", `${dir}/out`]);
  // The workflow's code is wrong: bad input, exit 2 (before, 1); the other videos are written.
  assert.equal(result.code, 2, result.stderr);
  const named =
    'Step "nofile" names the output nofile.txt but wrote no file to its outputPath; nothing was stored';
  // Marked as what makes the exit code 2.
  assert.ok(result.stderr.includes(`✖ nofile (custom, bad input): ${named}`), result.stderr);
  // Not retried: the same function would write nothing again.
  assert.doesNotMatch(result.stderr, /retry nofile/);
  assert.deepEqual((await listFolder(`${dir}/out`))?.filter((name) => name !== "report.html"), ["file.txt"]);
  assert.equal(await Deno.readTextFile(`${dir}/out/file.txt`), "hi");
});

Deno.test("a custom step's warnings are printed whether a list of strings, one string, or values said as JSON", async () => {
  // fi5: `warnings: "x"` and `warnings: ["ok", 5]` printed only "ok".
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "one", run: () => ({ warnings: "a single sentence" }) }),
    step({ id: "mixed", run: () => ({ warnings: ["a sentence", 5, { code: 7 }, null, false, ""] }) }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const result = await runCli(["render", file, "--out", `${dir}/out`]);
  assert.equal(result.code, 0, result.stderr);
  for (
    const line of ["⚠ one: a single sentence", "⚠ mixed: a sentence", "⚠ mixed: 5", '⚠ mixed: {"code":7}']
  ) {
    assert.ok(result.stderr.includes(`${line}\n`), `${line}\n${result.stderr}`);
  }
  // Nothing said of null, false or "" (rv7).
  assert.equal(result.stderr.match(/⚠ mixed: /g)?.length, 3, result.stderr);
});

Deno.test("an output a failed step did not make this run is said to be an earlier run's when the folder holds one", async () => {
  // nt7: a failed video's files from the run before stayed beside the new ones, unsaid, ready to be uploaded.
  const written = (fail: boolean) =>
    writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "notes", output: "notes.txt", params: { fail: ${fail} }, run: async (_inputs, { outputPath, params }) => {
      if (params.fail) throw new Error("no notes today");
      await Deno.writeTextFile(outputPath, "notes");
      return 1;
    } }),
    step({ id: "other", output: "other.txt", run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, "other");
      return 2;
    } }),
  ],
});`);
  const file = await written(false);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const first = await runCli(["render", file, "--out", out]);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /earlier run's/);
  await Deno.writeTextFile(file, await Deno.readTextFile(await written(true)));
  const second = await runCli(["render", file, "--out", out]);
  assert.equal(second.code, 1, second.stderr);
  assert.match(second.stderr, new RegExp(`⚠ Not made this run, an earlier run's: ${out}/notes\\.txt\\n`));
  // The other, published again as it was, is this run's.
  assert.doesNotMatch(second.stderr, /earlier run's: .*other\.txt/);
  assert.equal(await Deno.readTextFile(`${out}/notes.txt`), "notes");
});

Deno.test("an output moved or removed from the folder while the render ran is said, and the summary and report are written", async () => {
  // fi15: the summary's stat of it crashed the render (Deno's NotFound and its trace, exit 1), no report written.
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "notes", output: "notes.txt", run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, "notes");
      return 1;
    } }),
    step({ id: "tidy", inputs: ["notes"], params: { out: "OUT" }, run: async (_inputs, { params }) => {
      await Deno.remove(params.out + "/notes.txt");
      return 2;
    } }),
  ],
});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace('"OUT"', JSON.stringify(out)));
  const result = await runCli(["render", file, "--out", out]);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /Uncaught|NotFound/);
  assert.ok(
    result.stderr.includes(
      `⚠ Written this run, and gone from the folder since (moved or removed): ${out}/notes.txt\n`,
    ),
    result.stderr,
  );
  assert.deepEqual(await listFolder(out), ["report.html"]);
});
