/** Recipe files: their values' places, checked against what the file gave. */
import assert from "node:assert/strict";
import { COMMAND_LINE, WorkflowError, WorkflowErrors } from "../../../lib/core/errors.ts";
import { inRecipeFile, readRecipeFile } from "../../../lib/workflow/recipe_file.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("readRecipeFile() places a module recipe's overlay fields, its image's path made absolute in a copy", async () => {
  const dir = await tempDir("reel-recipe-file-");
  const text = 'export default {\n  name: "mine",\n  overlay: { image: "logo.png", opacity: 5 },\n};\n';
  await Deno.writeTextFile(`${dir}/o.ts`, text);
  const { recipe, placeOf } = await readRecipeFile(`${dir}/o.ts`);
  assert.equal((recipe.overlay as { image: string }).image, `${dir}/logo.png`);
  // rv22: the image changed in the module's own object, whose written value then differed: no place.
  assert.deepEqual(placeOf("overlay.opacity"), { line: 3, column: 42 });
  assert.deepEqual(placeOf("overlay.image"), { line: 3, column: 21 });
  const module = await import(`file://${dir}/o.ts`);
  assert.equal(module.default.overlay.image, "logo.png", "the module's value is left as it was");
});

Deno.test("inRecipeFile() tells each file's mistakes once, in its file, the command line's first", () => {
  const error = new WorkflowError(COMMAND_LINE, [
    { path: "variants[0].recipes[0].speed", message: "No" },
    { path: "variants[0].count", message: "Not here" },
    { path: "variants[0].recipes[1].speed", message: "No" },
  ]);
  const placeOf = () => ({ line: 2, column: 3 });
  // rv24: the same file named twice was told twice.
  const twice = inRecipeFile(error, [{ file: "r.json", placeOf }, { file: "r.json", placeOf }]);
  assert.ok(twice instanceof WorkflowErrors);
  assert.deepEqual(twice.errors.map((each) => [each.file, each.issues.length]), [[COMMAND_LINE, 1], [
    "r.json",
    1,
  ]]);
  // rv24: "Invalid arguments and recipes the command line and r.json".
  assert.equal(twice.message, "Mistakes in the command line and recipe r.json");
  const two = inRecipeFile(error, [{ file: "a.json", placeOf }, { file: "b.json", placeOf }]);
  assert.ok(two instanceof WorkflowErrors);
  assert.deepEqual(two.errors.map((each) => each.file), [COMMAND_LINE, "a.json", "b.json"]);
});

Deno.test("readRecipeFile() refuses a program named as a recipe at its NUL byte, as a recipe's mistake", async () => {
  const dir = await tempDir("reel-recipe-file-");
  // A program's first bytes (before: "Syntax error: Unexpected token '\x7f'").
  await Deno.writeFile(`${dir}/r.json`, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]));
  await assert.rejects(readRecipeFile(`${dir}/r.json`), (error: unknown) => {
    assert.ok(error instanceof WorkflowError, String(error));
    assert.equal(error.holds, "recipe");
    assert.deepEqual(error.issues.map((issue) => [issue.message, issue.place]), [
      ["The file is not text: it holds a NUL byte, as programs, pictures and archives do", {
        line: 1,
        column: 8,
      }],
    ]);
    return true;
  });
});
