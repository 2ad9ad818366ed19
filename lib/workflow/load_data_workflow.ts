/**
 * Loading a workflow written as JSON or YAML: the same format as a TypeScript workflow's default export, less
 * what only code can hold (custom steps), plus a `$schema` key for editors; every message names the line and
 * column of the value it is about.
 * @module
 */
import { WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import type { DataFormat } from "./data_format.ts";
import { parseDataWorkflow } from "./data_workflow.ts";
import type { PlaceFinder } from "./_value_places.ts";
import { resolveWorkflow } from "./resolve_workflow.ts";
import type { ResolvedWorkflow } from "./workflow_schema.ts";
import { isRecord } from "../core/is_record.ts";

/** Options for {@linkcode loadDataWorkflow}. */
export interface LoadDataWorkflowOptions {
  /** The file's URL; relative paths in it (background images, media) resolve against its folder. */
  url: URL;
  /** Its format. */
  format: DataFormat;
  /** Number of cores, for the pool defaults. @default navigator.hardwareConcurrency */
  cores?: number;
  /** The file's text, where it was read already (and found to be text: `text_bytes.ts`). @default the file read */
  text?: string;
}

/**
 * Reads a JSON or YAML workflow file and resolves it as a TypeScript workflow's default export would be.
 *
 * @param file The file, as the user named it (for messages).
 * @param options Its URL and format.
 * @returns The resolved workflow; its steps' keys are those of the same workflow written in TypeScript.
 * @throws {WorkflowError} When the text does not parse (at its line and column), holds custom steps, or is not a
 *   valid workflow: each issue's path is followed by the line and column of the value it is about.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataWorkflow } from "./load_data_workflow.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/rain.yaml`, "videos:\n  - id: rain\n    sections:\n      - { title: Rain, narration: It rains. }\n");
 * const url = new URL(`file://${dir}/rain.yaml`);
 * const workflow = await loadDataWorkflow(`${dir}/rain.yaml`, { url, format: "yaml" });
 * assert.equal(workflow.name, "rain");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadDataWorkflow(
  file: string,
  options: LoadDataWorkflowOptions,
): Promise<ResolvedWorkflow> {
  const { url, format, cores } = options;
  const text = options.text ?? await Deno.readTextFile(url);
  const { value, placeOf } = parseDataWorkflow(text, { format, file });
  const issues: WorkflowIssue[] = [];
  let input = value;
  if (isRecord(value)) {
    const { $schema, steps, ...rest } = value;
    input = rest;
    if ($schema !== undefined && typeof $schema !== "string") {
      issues.push({ path: "$schema", message: "Expected a string: the path or URL of the JSON Schema" });
    }
    if (steps !== undefined) {
      issues.push({
        path: "steps",
        message: `Custom steps are TypeScript functions, which a ${format.toUpperCase()} file cannot hold: ` +
          "write the workflow as a .ts file to use them",
      });
    }
  }
  const lines = text.split("\n");
  const place = (issue: WorkflowIssue) => placed(issue, { placeOf, lines, yaml: format === "yaml" });
  try {
    const resolved = await resolveWorkflow(input, { file, moduleUrl: url.href, cores });
    if (issues.length === 0) return { ...resolved, placeIssue: place };
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    issues.push(...error.issues);
  }
  throw new WorkflowError(file, issues).withIssues(place);
}

/**
 * A colour field whose whole value is a bare colour (`background: #334455`): YAML reads a comment, and the value as
 * null. Colour fields only, and a colour alone on its line (`title: #100 days` is no colour to quote).
 */
const BARE_COLOUR =
  /\b(?:background|color|foreground|accent|codeBackground|codeForeground):\s+(#(?:[0-9a-f]{3}|[0-9a-f]{6}))\s*$/i;

/** A text field given a value YAML reads as a number, a boolean or null (unquoted `2024`, `yes`, `~`). */
const TEXT_AS_SCALAR = /^Expected a string, got (a number|a boolean|null)\b/;

/**
 * The issue with the line and column of its value after its path; in YAML, a colour left unquoted on its line is
 * named as the cause (the message says null, where the file shows a colour).
 */
function placed(
  issue: WorkflowIssue,
  source: { placeOf: PlaceFinder; lines: readonly string[]; yaml: boolean },
): WorkflowIssue {
  const place = source.placeOf(issue.path, issue.field);
  if (place === null) return issue;
  const line = source.lines[place.line - 1] ?? "";
  const colour = source.yaml ? BARE_COLOUR.exec(line)?.[1] : undefined;
  // nt9: `title: 2024` was said as a number, with nothing to say how to write it as text.
  const read = source.yaml ? TEXT_AS_SCALAR.exec(issue.message)?.[1] : undefined;
  // The value where it stands: in a flow (`{ title: 2024, … }`) up to its comma or bracket (rv14: the rest of the
  // line was taken).
  const scalar = read === undefined
    ? undefined
    : /^([^\s#'",\]}][^#,\]}]*?)\s*(?:[,\]}]|\s#|$)/.exec(line.slice(place.column - 1))?.[1];
  const message = colour !== undefined
    ? `${issue.message} (a bare # starts a comment in YAML: write the colour in quotes, "${colour}")`
    : scalar !== undefined
    ? `${issue.message} (YAML reads ${scalar} as ${read}: write it in quotes, "${scalar}")`
    : issue.message;
  return { ...issue, message, place };
}
