/**
 * The lines and columns of a JSON or YAML workflow's values, for the mistakes found after it loaded: a render's
 * checks against the machine (an espeak-ng voice, a slide's text that does not fit) name the path of the value,
 * and a data file's reader wants its line and column too, as the load's own messages give them.
 * @module
 */
import { WorkflowError, type WorkflowIssue } from "../core/errors.ts";

/** How each data workflow's issues are placed, by the file as the user named it (a TypeScript file has none). */
const placers = new Map<string, (issue: WorkflowIssue) => WorkflowIssue>();

/**
 * Keeps how a data workflow's issues are placed, for {@linkcode withPlaces}; a later load of the same file (a
 * `--watch` round) replaces it.
 *
 * @param file The workflow file, as the user named it.
 * @param placer Gives an issue its line and column.
 */
export function rememberPlaces(file: string, placer: (issue: WorkflowIssue) => WorkflowIssue): void {
  placers.set(file, placer);
}

/**
 * The error with each issue at its line and column, where its file is a data workflow that loaded in this process.
 *
 * @param error A mistake found in a workflow.
 * @returns The error placed, or the error itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkflowError } from "../core/errors.ts";
 * import { rememberPlaces, withPlaces } from "./placed_issues.ts";
 * rememberPlaces("a.yaml", (issue) => ({ ...issue, path: `${issue.path}, line 3, column 5` }));
 * const error = withPlaces(new WorkflowError("a.yaml", [{ path: "voice.voice", message: "Unknown voice" }]));
 * assert.equal(error.issues[0]?.path, "voice.voice, line 3, column 5");
 * const other = new WorkflowError("b.ts", [{ path: "fps", message: "No" }]);
 * assert.equal(withPlaces(other), other);
 * ```
 */
export function withPlaces(error: WorkflowError): WorkflowError {
  const placer = placers.get(error.file);
  if (placer === undefined) return error;
  return new WorkflowError(error.file, error.issues.map(placer), {
    cause: error.cause,
    hint: error.hint ?? undefined,
  });
}
