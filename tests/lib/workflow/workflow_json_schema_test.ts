import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parseDataWorkflow } from "../../../lib/workflow/data_workflow.ts";
import { workflowJsonSchema } from "../../../lib/workflow/workflow_json_schema.ts";

Deno.test("the committed schema/workflow.schema.json is the schema of the current workflow format", async () => {
  const committed = JSON.parse(
    await Deno.readTextFile(new URL("../../../schema/workflow.schema.json", import.meta.url)),
  );
  assert.deepEqual(
    committed,
    JSON.parse(JSON.stringify(workflowJsonSchema())),
    "run `deno task schema` and commit",
  );
});

Deno.test("workflowJsonSchema() describes sections, providers and custom steps", () => {
  const text = JSON.stringify(workflowJsonSchema());
  for (const field of ["narration", "bullets", "providers", "retries", "child", "image"]) {
    assert.ok(text.includes(`"${field}"`), field);
  }
});

/** The committed schema compiled by Ajv (JSON Schema 2020-12, strict: a keyword it does not know fails). */
async function committedValidator() {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("../../../schema/workflow.schema.json", import.meta.url)),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

Deno.test("the committed JSON Schema validates the example JSON and YAML workflows", async () => {
  const validate = await committedValidator();
  for (
    const file of ["workflows/lesson.json", "workflows/lesson.yaml", "tests/fixtures/keys/workflow.yaml"]
  ) {
    const text = await Deno.readTextFile(new URL(`../../../${file}`, import.meta.url));
    const { value } = parseDataWorkflow(text, { format: file.endsWith(".json") ? "json" : "yaml", file });
    assert.ok(validate(value), `${file}: ${JSON.stringify(validate.errors)}`);
  }
});

Deno.test("the committed JSON Schema rejects a misspelled field, a wrong type and a range of three numbers", async () => {
  const validate = await committedValidator();
  const bad = {
    $schema: "../schema/workflow.schema.json",
    videos: [{ id: "a", sections: [{ title: 5, narraton: "typo" }] }],
    variants: [{ input: "a.mp4", recipes: [{ name: "r", random: { count: 2, speed: [0.5, 1, 2] } }] }],
  };
  assert.equal(validate(bad), false);
  const found = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`);
  for (
    const expected of [
      "/videos/0/sections/0 required", // narration
      "/videos/0/sections/0 additionalProperties", // narraton
      "/videos/0/sections/0/title type",
      "/variants/0/recipes/0/random/speed maxItems",
    ]
  ) {
    assert.ok(found.includes(expected), `${expected} in ${found.join("; ")}`);
  }
});
