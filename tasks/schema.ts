/**
 * Writes the JSON Schema of the workflow format: `deno task schema [file]` (default schema/workflow.schema.json).
 * @module
 */
import { workflowJsonSchema } from "../lib/workflow/workflow_json_schema.ts";

const target = Deno.args[0] ?? "schema/workflow.schema.json";
const slash = target.lastIndexOf("/");
if (slash > 0) await Deno.mkdir(target.slice(0, slash), { recursive: true });
const temporary = `${target}.tmp`;
await Deno.writeTextFile(temporary, `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`);
await Deno.rename(temporary, target);
console.log(`Wrote ${target}`);
