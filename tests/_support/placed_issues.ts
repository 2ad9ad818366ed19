/** Workflow issues as tests compare them: where each is, in the words a person reads, and its message. */
import { issueWhere, type WorkflowIssue } from "../../lib/core/errors.ts";

/**
 * Each issue's place in words (its path, then its value's line and column where it has them, see `issueWhere`)
 * and its message.
 *
 * @param issues A workflow error's issues.
 * @returns Their places and messages.
 */
export function placedIssues(issues: readonly WorkflowIssue[]): { path: string; message: string }[] {
  return issues.map((issue) => ({ path: issueWhere(issue), message: issue.message }));
}
