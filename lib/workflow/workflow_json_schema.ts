/**
 * The JSON Schema of the workflow format, for editors and for checking JSON and YAML workflow files.
 * @module
 */
import { z } from "zod";
import { workflowSchema } from "./workflow_schema.ts";

/**
 * Builds the JSON Schema of a workflow's default export (custom step functions appear as "any"). It also allows
 * a `$schema` key, which JSON and YAML workflow files may use to name this schema for their editor, and closes
 * tuples (a `[min, max]` range holds two numbers, no more).
 *
 * @returns The schema as a JSON-ready object (JSON Schema 2020-12).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workflowJsonSchema } from "./workflow_json_schema.ts";
 * assert.ok(typeof workflowJsonSchema().properties === "object");
 * ```
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(workflowSchema, {
    unrepresentable: "any",
    io: "input",
    override: closeTuple,
  });
  const properties = schema.properties as Record<string, unknown>;
  return {
    ...schema,
    properties: {
      $schema: {
        type: "string",
        description: "The path or URL of this schema, for editors (JSON and YAML files)",
      },
      ...properties,
    },
    title: "reel workflow",
    description:
      "The default export of a reel workflow file (see workflows/lesson.ts), or a JSON or YAML workflow.",
  };
}

/** A tuple without a rest element holds exactly its items: as zod checks it, so does the schema. */
function closeTuple(
  context: { zodSchema: z.core.$ZodTypes; jsonSchema: z.core.JSONSchema.BaseSchema },
): void {
  const { zodSchema, jsonSchema } = context;
  if (zodSchema._zod.def.type !== "tuple" || zodSchema._zod.def.rest !== null) return;
  const items = zodSchema._zod.def.items;
  jsonSchema.minItems = items.filter((item) => item._zod.optin !== "optional").length;
  jsonSchema.maxItems = items.length;
}
