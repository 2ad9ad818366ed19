/**
 * The JSON Schema of the workflow format, for editors.
 * @module
 */
import { z } from "zod";
import { workflowSchema } from "./workflow_schema.ts";

/**
 * Builds the JSON Schema of a workflow's default export (custom step functions appear as "any").
 *
 * @returns The schema as a JSON-ready object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workflowJsonSchema } from "./workflow_json_schema.ts";
 * assert.ok(typeof workflowJsonSchema().properties === "object");
 * ```
 */
export function workflowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(workflowSchema, { unrepresentable: "any", io: "input" }),
    title: "reel workflow",
    description: "The default export of a reel workflow file (see workflows/lesson.ts).",
  };
}
