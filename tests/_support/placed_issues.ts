/** Workflow issues as tests compare them, their `place` checked against the line and column their `path` ends with. */
import assert from "node:assert/strict";
import type { WorkflowIssue } from "../../lib/core/errors.ts";

/**
 * Each issue's path and message, after checking that its `place`, where it has one, is the place its path names
 * (a reader of `--json` reads the numbers, a person the words).
 *
 * @param issues A workflow error's issues.
 * @returns Their paths and messages.
 */
export function placedIssues(issues: readonly WorkflowIssue[]): { path: string; message: string }[] {
  return issues.map(({ path, message, place }) => {
    const named = /line (\d+), column (\d+)$/.exec(path);
    assert.deepEqual(
      place,
      named === null ? undefined : { line: Number(named[1]), column: Number(named[2]) },
      `the place of ${path}`,
    );
    return { path, message };
  });
}
