/**
 * Imports run one way between the folders of lib/ (the order is in tests/_support/import_rule.ts and
 * ARCHITECTURE.md): every import under lib/ is checked.
 */
import assert from "node:assert/strict";
import { checkFile, importsOf } from "../_support/import_rule.ts";

const root = new URL("../../", import.meta.url).pathname;

async function libFiles(folder = "lib"): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${root}${folder}`)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) files.push(...await libFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("every import under lib/ follows the one-way rule between folders", async () => {
  const violations = [];
  for (const file of await libFiles()) {
    violations.push(...checkFile(file, await Deno.readTextFile(`${root}${file}`)));
  }
  assert.deepEqual(
    violations.map((v) => `${v.file}: import "${v.specifier}" (${v.reason})`),
    [],
  );
});

Deno.test("the rule fails an import against it, naming the file and the import", () => {
  const upward = checkFile("lib/store/artifact_store.ts", 'import { runPlan } from "../run/scheduler.ts";\n');
  assert.deepEqual(upward, [{
    file: "lib/store/artifact_store.ts",
    specifier: "../run/scheduler.ts",
    reason: "store may not import run, a higher layer",
  }]);
  const sibling = checkFile(
    "lib/jobs/lesson/plan_lesson.ts",
    'export { x } from "../custom/custom_kind.ts";',
  );
  assert.equal(sibling[0]?.reason, "jobs/lesson and jobs/custom are siblings: neither imports the other");
  const sameLayer = checkFile(
    "lib/store/key_claims.ts",
    'import type { X } from "../providers/http/openai_client.ts";',
  );
  assert.equal(sameLayer[0]?.reason, "store and providers are siblings: neither imports the other");
  const dynamic = checkFile("lib/core/clock.ts", 'const m = await import("../run/scheduler.ts");');
  assert.equal(dynamic.length, 1);
  assert.deepEqual(checkFile("lib/run/scheduler.ts", 'import { realClock } from "../core/clock.ts";'), []);
});

Deno.test("imports in comments and doc examples are not imports", () => {
  const source =
    '/**\n * ```ts\n * import { x } from "../run/y.ts";\n * ```\n */\n// import "../run/z.ts";\nconst s = "import \\"../run/w.ts\\"";\n';
  assert.deepEqual(importsOf(source), []);
});
