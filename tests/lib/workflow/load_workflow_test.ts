import assert from "node:assert/strict";
import { issueWhere, WorkflowError, type WorkflowIssue } from "../../../lib/core/errors.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { MOD_URL } from "../../_support/workflows.ts";

/** Writes `files` (name → text) into a new folder and returns the folder. */
async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
  return dir;
}

/** The one issue of a workflow that cannot be imported, its place as the terminal says it (`line 3, column 6`). */
async function importIssue(file: string): Promise<{ path: string; file?: string; message: string }> {
  const error = await loadWorkflow(file).then(() => null, (error: unknown) => error);
  assert.ok(error instanceof WorkflowError, String(error));
  assert.equal(error.file, file);
  assert.equal(error.issues.length, 1);
  const [issue] = error.issues as [WorkflowIssue];
  return {
    path: issueWhere(issue),
    ...issue.file === undefined ? {} : { file: issue.file },
    message: issue.message,
  };
}

const good = `import { workflow } from "${MOD_URL}";
export default workflow({ videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] });
`;

Deno.test("loadWorkflow() names the line and column of a syntax error in the workflow", async () => {
  const dir = await folderWith({
    "lesson.ts": `import { workflow } from "${MOD_URL}";
export default workflow({
  videos: [{ id: "a", sections: [{ title: "T" narration: "N" }] }],
});
`,
  });
  assert.deepEqual(await importIssue(`${dir}/lesson.ts`), {
    path: "line 3, column 47",
    message: "Syntax error: Expected ',', got 'narration'",
  });
});

Deno.test("loadWorkflow() names the module a syntax error or an exception is in when the workflow imports it", async () => {
  const dir = await folderWith({
    "lesson.ts": `import { sections } from "./parts/sections.ts";\n${good}void sections;\n`,
    "thrower.ts": `import { parts } from "./parts/thrower.ts";\n${good}void parts;\n`,
    "missing.ts": `import { parts } from "./parts/none.ts";\n${good}void parts;\n`,
    "greeting.ts": `import { greeting } from "./parts/greeting.ts";\n${good}void greeting;\n`,
    "quoting.ts": `import { quoted } from "./parts/quoting.ts";\n${good}void quoted;\n`,
  });
  await Deno.mkdir(`${dir}/parts`);
  await Deno.writeTextFile(
    `${dir}/parts/sections.ts`,
    `export const sections = [\n  { title: "T" narration: "N" },\n];\n`,
  );
  await Deno.writeTextFile(`${dir}/parts/greeting.ts`, 'export const greeting = "Hello snow;\n');
  await Deno.writeTextFile(
    `${dir}/parts/quoting.ts`,
    'export const quoted = () => "file:///etc/x.ts:9:9" +;\n',
  );
  await Deno.writeTextFile(
    `${dir}/parts/thrower.ts`,
    `const settings: { parts?: string[] } = {};\nexport const parts = settings.parts!.map((part) => part);\n`,
  );
  assert.deepEqual(await importIssue(`${dir}/lesson.ts`), {
    path: `line 2, column 16 of ${dir}/parts/sections.ts`,
    message: "Syntax error: Expected ',', got 'narration'",
  });
  // A place and the module it is in, not words in the path (nt22: `--json` said the place as the issue's path).
  const error = await loadWorkflow(`${dir}/lesson.ts`).catch((error: unknown) => error);
  assert.ok(error instanceof WorkflowError);
  assert.deepEqual(error.issues[0], {
    path: "",
    place: { line: 2, column: 16 },
    source: `${dir}/parts/sections.ts`,
    message: "Syntax error: Expected ',', got 'narration'",
  });
  // fi15: Deno names the helper, then the workflow's import of it; the place was the import.
  assert.deepEqual(await importIssue(`${dir}/greeting.ts`), {
    path: `line 1, column 25 of ${dir}/parts/greeting.ts`,
    message: "Syntax error: Unterminated string constant",
  });
  // rv14: a URL the code quotes, in the code frame above Deno's `at` lines, was taken for the place.
  assert.match(
    (await importIssue(`${dir}/quoting.ts`)).path,
    new RegExp(`^line 1, column \\d+ of ${dir}/parts/quoting\\.ts$`),
  );
  assert.deepEqual(await importIssue(`${dir}/thrower.ts`), {
    path: `line 2, column 38 of ${dir}/parts/thrower.ts`,
    message: "Importing the file threw: TypeError: Cannot read properties of undefined (reading 'map')",
  });
  assert.deepEqual(await importIssue(`${dir}/missing.ts`), {
    path: "line 1, column 23",
    message: `Cannot find module "${dir}/parts/none.ts"`,
  });
});

Deno.test("loadWorkflow() names a JSON module that is not JSON, and a Deno.exit at its line, never reel's own code", async () => {
  const dir = await folderWith({
    "lesson.ts": `import data from "./data/bad.json" with { type: "json" };\n${good}void data;\n`,
    "exits.ts": `Deno.exit(0);\n${good}`,
    "bad.json": "{}",
  });
  await Deno.mkdir(`${dir}/data`);
  await Deno.writeTextFile(`${dir}/data/bad.json`, `{"a": `);
  // Before: "at line 128, column 14 of lib/workflow/load_workflow.ts", the loader's import().
  assert.deepEqual(await importIssue(`${dir}/lesson.ts`), {
    path: `${dir}/data/bad.json`,
    file: `${dir}/data/bad.json`,
    message: "Syntax error: Unexpected end of JSON input",
  });
  const exits = await importIssue(`${dir}/exits.ts`);
  assert.equal(exits.path, "line 1, column 6");
  assert.match(
    exits.message,
    /The workflow called Deno\.exit\(0\): a workflow file must export its workflow/,
  );
});

Deno.test("loadWorkflow() names an import that the import map does not resolve, at its place", async () => {
  const dir = await folderWith({
    "lesson.ts": `import { workflow } from "reel-typo";\nexport default workflow({});\n`,
  });
  assert.deepEqual(await importIssue(`${dir}/lesson.ts`), {
    path: "line 1, column 26",
    message: 'Cannot resolve import "reel-typo": import "reel", a relative path or a URL',
  });
});

Deno.test("loadWorkflow() tells onRead the files the workflow's code reads while it loads, and only then", async () => {
  const dir = await folderWith({
    "script.txt": "Narrated from a file.",
    "more.txt": "More.",
    "lesson.ts": [
      `import { workflow } from "${MOD_URL}";`,
      `const text = await Deno.readTextFile(new URL("script.txt", import.meta.url));`,
      `Deno.readFileSync(new URL("more.txt", import.meta.url).pathname);`,
      `const out = await Deno.open(new URL("written.txt", import.meta.url), { write: true, create: true });`,
      `out.close();`,
      `export default workflow({ videos: [{ id: "a", sections: [{ title: "T", narration: text }] }] });`,
    ].join("\n"),
  });
  const read: string[] = [];
  const workflow = await loadWorkflow(`${dir}/lesson.ts`, { onRead: (path) => read.push(path) });
  assert.equal(workflow.jobs.lesson?.videos[0]?.sections[0]?.narration, "Narrated from a file.");
  assert.deepEqual(read, [`${dir}/script.txt`, `${dir}/more.txt`]);
  await Deno.readTextFile(`${dir}/more.txt`);
  assert.equal(read.length, 2, "a read after the load is not heard");
});

Deno.test("loadWorkflow() run twice at once puts Deno's functions back when both have loaded", async () => {
  // Before: the second load saved the first one's wrappers and put them back: reads were heard for good, and
  // Deno.exit threw in the host.
  const { exit, readTextFileSync } = Deno;
  const module = (wait: number) =>
    [
      `import { workflow } from "${MOD_URL}";`,
      `await new Promise((resolve) => setTimeout(resolve, ${wait}));`,
      `Deno.readTextFileSync(new URL("script.txt", import.meta.url));`,
      `export default workflow({ videos: [{ id: "a${wait}", sections: [{ title: "T", narration: "N" }] }] });`,
    ].join("\n");
  const dir = await folderWith({ "script.txt": "x", "a.ts": module(5), "b.ts": module(50) });
  const heard: string[] = [];
  await Promise.all([
    loadWorkflow(`${dir}/a.ts`, { onRead: (path) => heard.push(`a ${path}`) }),
    loadWorkflow(`${dir}/b.ts`, { onRead: (path) => heard.push(`b ${path}`) }),
  ]);
  assert.equal(Deno.exit, exit);
  assert.equal(Deno.readTextFileSync, readTextFileSync);
  assert.ok(heard.includes(`a ${dir}/script.txt`) && heard.includes(`b ${dir}/script.txt`), heard.join(", "));
  const before = heard.length;
  Deno.readTextFileSync(`${dir}/script.txt`);
  assert.equal(heard.length, before, "a read after both loads is not heard");
});

Deno.test("loadWorkflow() names reel's builders when a workflow imports one it does not have, and guesses which", async () => {
  const dir = await folderWith({
    "define.ts": `import { defineWorkflow } from "reel";\nexport default defineWorkflow({});\n`,
    "typo.ts": `import { worklfow } from "${MOD_URL}";\nexport default worklfow({});\n`,
    "own.ts": `import { parts } from "./parts.ts";\n${good}void parts;\n`,
    "render.ts": `import { renderWorkflow } from "reel";\n${good}void renderWorkflow;\n`,
    "none.ts": `import { zzz } from "reel";\n${good}void zzz;\n`,
    "parts.ts": `export const part = 1;\n`,
  });
  const builders = "reel's builders: section, step, video, workflow";
  assert.deepEqual(await importIssue(`${dir}/define.ts`), {
    path: "line 1, column 10",
    message: "Syntax error: The requested module 'reel' does not provide an export named 'defineWorkflow'; " +
      `did you mean "workflow"? (${builders})`,
  });
  // Before: the module's URL in quotes of both kinds, '"…/mod.ts"'.
  const typo = await importIssue(`${dir}/typo.ts`);
  assert.match(
    typo.message,
    /The requested module '[^'"]*mod\.ts' does not provide an export named 'worklfow'/,
  );
  assert.ok(typo.message.endsWith(`; did you mean "workflow"? (${builders})`), typo.message);
  // One of reel's other exports, by its spelling (rv8: "workflow", the builder it ends with); none near: the list.
  assert.ok(
    (await importIssue(`${dir}/render.ts`)).message.endsWith(
      `; did you mean "renderWorkflows"? (${builders})`,
    ),
  );
  assert.ok(
    (await importIssue(`${dir}/none.ts`)).message.endsWith(
      `does not provide an export named 'zzz'; ${builders}`,
    ),
  );
  // A module of the user's own: no word of reel's builders.
  assert.deepEqual(await importIssue(`${dir}/own.ts`), {
    path: "line 1, column 10",
    message: "Syntax error: The requested module './parts.ts' does not provide an export named 'parts'",
  });
});
