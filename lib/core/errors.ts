/**
 * The error classes that callers of reel catch. Each sets `name` and chains `cause`.
 * @module
 */

/** A place in a source file. */
export interface SourcePlace {
  /** The line, counted from 1. */
  line: number;
  /** The column, counted from 1. */
  column: number;
}

/** One problem found while validating a workflow: a path inside the workflow and a message. */
export interface WorkflowIssue {
  /**
   * Path inside the workflow, e.g. `videos[0].sections[2].narration`; for a file that cannot be imported, the place
   * in the source, e.g. `line 3, column 6` (`... of helper.ts` when it is in a module the file imports); empty for
   * the whole file.
   */
  path: string;
  /** What is wrong, sentence case, no trailing period. */
  message: string;
  /**
   * Where in the workflow file the value (or the syntax error) is, when that is known; told after `path` (see
   * {@linkcode issueWhere}).
   */
  place?: SourcePlace;
  /**
   * The file the workflow names that the issue is about (absolute), when it is one: missing, unreadable or not
   * what it should be. A watch waits for it to be saved.
   */
  file?: string;
  /**
   * The module `place` is in when it is not the workflow file: a helper the workflow imports, whose syntax error
   * or thrown exception stopped the import (its path, relative to the current folder when under it).
   */
  source?: string;
  /** What to do about this issue, when the issues of one error need different advice (see `joinWorkflowErrors`). */
  hint?: string;
  /**
   * For a field the format does not know: its name, in the object `path` names. The issue is placed at that field
   * (nt13: two unknown fields of one object were one issue, placed at the first).
   */
  field?: string;
}

/**
 * A mistake in the user's input: a malformed workflow file, a bad CLI flag, a missing binary, an unwritable folder.
 * The CLI prints it without a stack and exits with code 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputError } from "./errors.ts";
 * const error = new InputError("Cannot write to out/", { hint: "Check the folder's permissions" });
 * assert.ok(error.name === "InputError");
 * ```
 */
export class InputError extends Error {
  /** A line that tells the user what to do, or null. */
  readonly hint: string | null;
  /** Where the problem is (a file, a flag), or null. */
  readonly where: string | null;
  /**
   * @param message What failed and why.
   * @param options The hint, the place and the cause.
   */
  constructor(message: string, options: { hint?: string; where?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "InputError";
    this.hint = options.hint ?? null;
    this.where = options.where ?? null;
  }
}

/**
 * Where an issue is, in words: its path, then the line and column of its value where it has them
 * (`videos[0].id, line 3, column 9`); empty for the whole file.
 *
 * @param issue The issue.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { issueWhere } from "./errors.ts";
 * assert.equal(issueWhere({ path: "videos[0].id", place: { line: 3, column: 9 } }), "videos[0].id, line 3, column 9");
 * assert.equal(issueWhere({ path: "", place: { line: 4, column: 5 } }), "line 4, column 5");
 * assert.equal(issueWhere({ path: "fps" }), "fps");
 * ```
 */
export function issueWhere(issue: Pick<WorkflowIssue, "path" | "place" | "source">): string {
  const { path, place, source } = issue;
  const at = place === undefined
    ? ""
    : `line ${place.line}, column ${place.column}${source === undefined ? "" : ` of ${source}`}`;
  return path === "" || at === "" ? path + at : `${path}, ${at}`;
}

/**
 * What stands for the workflow file when a command's arguments are its workflow (`reel transcribe a.wav`,
 * `reel variants in.mp4 --recipe …`): messages name the argument there, not a field of a file.
 */
export const COMMAND_LINE = "the command line";

/**
 * A workflow file that cannot be loaded or does not validate; carries every issue with its path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkflowError } from "./errors.ts";
 * const error = new WorkflowError("workflows/lesson.ts", [{ path: "videos[0].id", message: "Required" }]);
 * assert.ok(error.issues.length === 1);
 * ```
 */
export class WorkflowError extends InputError {
  /** The workflow file, as the user named it. */
  readonly file: string;
  /** Every problem found, each with its path. */
  readonly issues: readonly WorkflowIssue[];
  /** What the file holds, as the message names it: `workflow`, or `recipe` (a variants recipe's own file). */
  readonly holds: "workflow" | "recipe";
  /**
   * @param file The workflow file.
   * @param issues The problems found.
   * @param options The cause, where there is one, a line that tells the user what to do, and what the file holds.
   */
  constructor(
    file: string,
    issues: readonly WorkflowIssue[],
    options: { cause?: unknown; hint?: string; holds?: "workflow" | "recipe" } = {},
  ) {
    const first = issues[0];
    const holds = options.holds ?? "workflow";
    // The command line's mistakes are no workflow file's (rv13: "Invalid workflow the command line: a.wav: …").
    const what = file === COMMAND_LINE ? "Invalid arguments" : `Invalid ${holds} ${file}`;
    const where = first === undefined ? "" : issueWhere(first);
    const summary = first === undefined
      ? what
      : `${what}: ${where === "" ? "" : `${where}: `}${first.message}`;
    super(summary, { where: file, cause: options.cause, hint: options.hint });
    this.name = "WorkflowError";
    this.file = file;
    this.issues = issues;
    this.holds = holds;
  }

  /**
   * The same error with each issue mapped (given the line and column of its value), its cause and hint kept; when
   * every issue then has its place, they are told in the file's order (nt10: a video's mistakes came before the
   * workflow's own fields above it).
   *
   * @param map What each issue becomes.
   * @returns A new error.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WorkflowError } from "./errors.ts";
   * const error = new WorkflowError("a.ts", [{ path: "fps", message: "Expected a number" }], { hint: "Fix it" });
   * const placed = error.withIssues((issue) => ({ ...issue, place: { line: 3, column: 9 } }));
   * assert.equal(placed.message, "Invalid workflow a.ts: fps, line 3, column 9: Expected a number");
   * assert.equal(placed.hint, "Fix it");
   * ```
   */
  withIssues(map: (issue: WorkflowIssue) => WorkflowIssue): WorkflowError {
    const issues = this.issues.map(map);
    const ordered = issues.every((issue) => issue.place !== undefined)
      ? issues.toSorted((a, b) => a.place!.line - b.place!.line || a.place!.column - b.place!.column)
      : issues;
    return new WorkflowError(this.file, ordered, {
      cause: this.cause,
      hint: this.hint ?? undefined,
      holds: this.holds,
    });
  }
}

/**
 * The mistakes of several workflow files one command names (`render a.ts b.ts`), each file's told together as its
 * own {@linkcode WorkflowError}: before, a mistake of the file named second was told only once the first file's were
 * mended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkflowError, WorkflowErrors } from "./errors.ts";
 * const a = new WorkflowError("a.ts", [{ path: "fps", message: "Expected a number" }]);
 * const b = new WorkflowError("b.ts", [{ path: "videos", message: "Required" }]);
 * const both = new WorkflowErrors([a, b]);
 * assert.equal(both.message, "Invalid workflows a.ts and b.ts");
 * ```
 */
export class WorkflowErrors extends InputError {
  /** Each file's error, in the order the files were named. */
  readonly errors: readonly WorkflowError[];
  /**
   * @param errors Two or more files' errors.
   * @throws {RangeError} With fewer than two: one file's error is thrown as it is.
   */
  constructor(errors: readonly WorkflowError[]) {
    if (errors.length < 2) {
      throw new RangeError(`WorkflowErrors holds two files' errors or more, not ${errors.length}`);
    }
    const files = errors.map((error) => error.file);
    // What they hold, as each error says it: workflows or recipes, or each said with its file when they differ (the
    // command line's and a recipe file's mistakes, rv24).
    const holds = new Set(errors.map((error) => error.file === COMMAND_LINE ? "arguments" : error.holds));
    const named = holds.size === 1
      ? [`Invalid ${[...holds][0]}s ${files.slice(0, -1).join(", ")}`, files.at(-1)!]
      : errors.map((error) => error.file === COMMAND_LINE ? error.file : `${error.holds} ${error.file}`);
    super(`${holds.size === 1 ? "" : "Mistakes in "}${named.slice(0, -1).join(", ")} and ${named.at(-1)}`, {
      where: files.join(", "),
      cause: new AggregateError(errors),
    });
    this.name = "WorkflowErrors";
    this.errors = errors;
  }
}

/**
 * The workflow files' errors an error is: itself when it is a {@linkcode WorkflowError}, each file's of a
 * {@linkcode WorkflowErrors}, none otherwise.
 *
 * @param error What was thrown.
 * @returns The errors, in the order the files were named.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkflowError, workflowErrorsOf } from "./errors.ts";
 * const a = new WorkflowError("a.ts", [{ path: "fps", message: "Expected a number" }]);
 * assert.deepEqual(workflowErrorsOf(a), [a]);
 * assert.deepEqual(workflowErrorsOf(new Error("other")), []);
 * ```
 */
export function workflowErrorsOf(error: unknown): readonly WorkflowError[] {
  if (error instanceof WorkflowError) return [error];
  return error instanceof WorkflowErrors ? error.errors : [];
}

/**
 * One error for the mistakes several checks of a workflow found, so that the user mends them all in one go: each
 * error's hint goes with its own issues.
 *
 * @param file The workflow file.
 * @param errors The checks' errors, in the order to tell them (at least one).
 * @returns The error itself when there is one; else one whose issues are all of theirs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinWorkflowErrors, WorkflowError } from "./errors.ts";
 * const voice = new WorkflowError("w.ts", [{ path: "voice", message: "Unknown voice" }], { hint: "List them" });
 * const fit = new WorkflowError("w.ts", [{ path: "videos[0]", message: "Too long" }], { hint: "Shorten it" });
 * const both = joinWorkflowErrors("w.ts", [voice, fit]);
 * assert.deepEqual(both.issues.map((issue) => issue.hint), ["List them", "Shorten it"]);
 * assert.equal(both.hint, null);
 * assert.equal(joinWorkflowErrors("w.ts", [voice]), voice);
 * ```
 */
export function joinWorkflowErrors(file: string, errors: readonly WorkflowError[]): WorkflowError {
  if (errors.length === 1) return errors[0]!;
  const issues = errors.flatMap((error) =>
    error.issues.map((issue) =>
      issue.hint !== undefined || error.hint === null ? issue : { ...issue, hint: error.hint }
    )
  );
  return new WorkflowError(file, issues, { cause: new AggregateError(errors) });
}

/**
 * A step that failed while running; carries the step id and, for provider calls, the provider and status.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepError } from "./errors.ts";
 * const error = new StepError("intro/clip@16x9", "ffmpeg exited with code 1");
 * assert.ok(error.stepId === "intro/clip@16x9");
 * ```
 */
export class StepError extends Error {
  /** The id of the step that failed. */
  readonly stepId: string;
  /**
   * @param stepId The step's id.
   * @param reason Why it failed.
   * @param options The cause.
   */
  constructor(stepId: string, reason: string, options: { cause?: unknown } = {}) {
    super(`Step "${stepId}" failed: ${reason}`, { cause: options.cause });
    this.name = "StepError";
    this.stepId = stepId;
  }
}

/**
 * An error that retrying cannot fix (a 400 from an API, bad input to a step); retries stop at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnrecoverableError } from "./errors.ts";
 * assert.ok(new UnrecoverableError("Bad request").name === "UnrecoverableError");
 * assert.equal(new UnrecoverableError("It is cut short", { badInput: true }).badInput, true);
 * ```
 */
export class UnrecoverableError extends Error {
  /**
   * True when the step's input is at fault (a file, the workflow's code, a program's output), so that a render as
   * it is would fail the same way: the render exits 2. False for reel's own faults and for what passes when
   * rendered again (a file changed while the run went on).
   */
  readonly badInput: boolean;
  /**
   * @param message What failed and why.
   * @param options The cause, and whether the input is at fault.
   */
  constructor(message: string, options: { cause?: unknown; badInput?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "UnrecoverableError";
    this.badInput = options.badInput === true;
  }
}

/**
 * Thrown when ffmpeg or ffprobe cannot be found; the message says how to install it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MissingBinaryError } from "./errors.ts";
 * const error = new MissingBinaryError("ffmpeg", "apt-get install ffmpeg");
 * assert.ok(error instanceof Error);
 * ```
 */
export class MissingBinaryError extends InputError {
  /** The program that is missing. */
  readonly binary: string;
  /**
   * @param binary The program's name.
   * @param install How to install it.
   * @param why Why the file found cannot be run (`it is a folder`), when there is one. @default none: not found
   */
  constructor(binary: string, install: string, why: string | null = null) {
    super(why === null ? `Cannot find ${binary}` : `Cannot run ${binary}: ${why}`, { hint: install });
    this.name = "MissingBinaryError";
    this.binary = binary;
  }
}

/**
 * A provider call that failed: carries the provider, the HTTP status (or null for a network error or a bad
 * body), how long the server asked to wait, and whether retrying may help.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProviderError } from "./errors.ts";
 * const error = new ProviderError("openai-images", "Rate limit reached", { status: 429, retryAfterMs: 1000 });
 * assert.ok(error.retryable);
 * assert.equal(error.message, "openai-images answered 429: Rate limit reached");
 * ```
 */
export class ProviderError extends Error {
  /** The provider's name in the workflow. */
  readonly provider: string;
  /** The HTTP status, or null when there was no usable answer. */
  readonly status: number | null;
  /** How long the server asked to wait before the next call, or null. */
  readonly retryAfterMs: number | null;
  /** False for answers that retrying cannot change (400, 401, 403, 404, 422). */
  readonly retryable: boolean;
  /**
   * @param provider The provider's name.
   * @param reason The server's message, or what went wrong.
   * @param options Status, wait and cause; `retryable` defaults from the status.
   */
  constructor(
    provider: string,
    reason: string,
    options: { status?: number | null; retryAfterMs?: number | null; retryable?: boolean; cause?: unknown } =
      {},
  ) {
    const status = options.status ?? null;
    super(status === null ? `${provider}: ${reason}` : `${provider} answered ${status}: ${reason}`, {
      cause: options.cause,
    });
    this.name = "ProviderError";
    this.provider = provider;
    this.status = status;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.retryable = options.retryable ?? !(status !== null && [400, 401, 403, 404, 422].includes(status));
  }
}

/**
 * What an error says: its message, or the thrown value as text when it is no Error.
 *
 * @param error What was thrown.
 * @returns Its words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageOf } from "./errors.ts";
 * assert.equal(messageOf(new Error("gone")), "gone");
 * assert.equal(messageOf("plain"), "plain");
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What a file system error says, without the name of the call Deno adds after it (`: tmpfile`, `: mkdir '/x'`):
 * for a message that names the folder itself.
 *
 * @param error What was thrown.
 * @returns Its words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemReason } from "./errors.ts";
 * assert.equal(systemReason(new Error("No such file or directory (os error 2): tmpfile")), "No such file or directory (os error 2)");
 * assert.equal(systemReason(new Error("Not a directory (os error 20): mkdir '/a/b'")), "Not a directory (os error 20)");
 * ```
 */
export function systemReason(error: unknown): string {
  return messageOf(error).replace(/(\(os error \d+\)): [a-z_]+(?: '.*')?$/, "$1");
}

/**
 * Whether a step's failure says its disk is full (or its user's quota spent): every step that writes would fail
 * alike, so a run stops at the first (before, each of a lesson's steps failed with the system's words).
 *
 * @param message The failure, as the step or the program it ran said it (ffmpeg's "No space left on device").
 * @returns True when it says so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saysDiskFull } from "./errors.ts";
 * assert.ok(saysDiskFull("No space left on device (os error 28): writefile '/tmp/a.png'"));
 * assert.ok(saysDiskFull("ffmpeg could not finish writing /tmp/a.wav: Disk quota exceeded"));
 * assert.ok(!saysDiskFull("ffmpeg exited with code 1"));
 * ```
 */
export function saysDiskFull(message: string): boolean {
  return /No space left on device|Disk quota exceeded|\(os error (?:28|122)\)/.test(message);
}
