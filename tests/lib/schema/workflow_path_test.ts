/** Paths a workflow names are names, not URLs: every character but `/` is part of the file's name. */
import assert from "node:assert/strict";
import { workflowDir, workflowPath } from "../../../lib/schema/workflow_path.ts";
import { toFileUrl } from "../../../lib/workflow/load_workflow.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const NAMES = [
  "100%.png",
  "50%25.png",
  "slide#1.png",
  "what?.png",
  "my pic.png",
  "tab\there.png",
  "nl\nname.png",
];

Deno.test("workflowPath() keeps %, %25, #, ?, spaces, tabs and newlines in a name", () => {
  for (const name of NAMES) {
    assert.equal(workflowPath(name, "file:///work/lesson.ts"), `/work/${name}`);
    assert.equal(workflowPath(`art/${name}`, "file:///work/lesson.ts"), `/work/art/${name}`);
  }
});

Deno.test("workflowPath() resolves against the workflow's folder, keeps an absolute path, folds . and ..", () => {
  assert.equal(workflowPath("./a.png", "file:///w/x/lesson.ts"), "/w/x/a.png");
  assert.equal(workflowPath("../a.png", "file:///w/x/lesson.ts"), "/w/a.png");
  assert.equal(workflowPath("/srv/50%25.png", "file:///w/x/lesson.ts"), "/srv/50%25.png");
  assert.equal(workflowPath("a.png", "file:///lesson.ts"), "/a.png");
  assert.equal(workflowPath("a\\b.png", "file:///w/lesson.ts"), "/w/a\\b.png");
});

Deno.test("workflowPath() reads the file of that exact name beside a workflow whose folder's name needs encoding", async () => {
  const dir = `${await tempDir()}/100% #1 ?`;
  await Deno.mkdir(dir);
  const moduleUrl = toFileUrl(`${dir}/lesson.ts`).href;
  assert.equal(workflowDir(moduleUrl), dir);
  for (const [i, name] of NAMES.entries()) await Deno.writeTextFile(`${dir}/${name}`, `file ${i}`);
  // What URL parsing would have read instead.
  await Deno.writeTextFile(`${dir}/50%.png`, "decoy");
  await Deno.writeTextFile(`${dir}/nlname.png`, "decoy");
  for (const [i, name] of NAMES.entries()) {
    assert.equal(await Deno.readTextFile(workflowPath(name, moduleUrl)), `file ${i}`, JSON.stringify(name));
  }
});
