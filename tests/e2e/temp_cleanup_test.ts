import assert from "node:assert/strict";
import { listFolder } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";

// A sample of the suite that makes temporary folders through every helper, and doc examples that make their own.
const SAMPLE = [
  "tests/lib/store/",
  "tests/lib/plan/",
  "tests/lib/workflow/",
  "tests/lib/media/",
  "tests/lib/providers/local/speech/espeak_engine_test.ts",
  "tests/e2e/bad_input_test.ts",
  "lib/store/",
  "lib/plan/",
  "lib/report/html_report.ts",
  "lib/run/",
];

Deno.test("tests and doc examples remove every temporary folder and file they make", async () => {
  const sandbox = await tempDir("reel-tmpdir-");
  const root = new URL("../..", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--doc", ...SAMPLE],
    cwd: root,
    env: { TMPDIR: sandbox, NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  assert.equal(output.code, 0, decoder.decode(output.stdout).slice(-3000) + decoder.decode(output.stderr));
  assert.match(decoder.decode(output.stdout), /ok \| [1-9]\d* passed/);
  assert.deepEqual(await listFolder(sandbox), []);
});
