import assert from "node:assert/strict";
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
