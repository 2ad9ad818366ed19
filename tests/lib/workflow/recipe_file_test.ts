/** Recipe files: their values' places, checked against what the file gave. */
import assert from "node:assert/strict";
import { readRecipeFile } from "../../../lib/workflow/recipe_file.ts";
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
