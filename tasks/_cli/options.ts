/**
 * What the CLI's commands share: exit codes, option parsers, the limit options, and how a user's mistake is
 * printed.
 * @module
 */
import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { type InputError, issueWhere, type WorkflowError, workflowErrorsOf } from "../../lib/core/errors.ts";
import type { ResolvedLimits } from "../../lib/plan/limits.ts";
import { parseSize } from "../../lib/core/units.ts";
import { printable } from "../../lib/core/printable.ts";
import { writeTextSync } from "../../lib/report/sync_writer.ts";

/** Exit codes: 0 ok, 1 a step failed, 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, input: 2, interrupted: 130 } as const;

/** Where a command leaves the exit code it wants. */
export interface CommandOutcome {
  exitCode: number;
}

/** The whole number of at least 1 that `value` writes, or null. */
function atLeastOne(value: string): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/** Parses a whole number of at least 1. */
export function positiveInteger(value: string): number {
  const n = atLeastOne(value);
  if (n === null) throw new InvalidArgumentError("Expected a whole number of at least 1");
  return n;
}

/** Parses `--workers`: a whole number, or `auto` for the count `reel tune` measured best on this machine. */
export function workerCount(value: string): number | "auto" {
  if (value === "auto") return "auto";
  const n = atLeastOne(value);
  if (n === null) {
    throw new InvalidArgumentError(
      "Expected a whole number of at least 1, or auto (what reel tune measured)",
    );
  }
  return n;
}

/** Parses a size like `512MB` into bytes. */
export function byteSize(value: string): number {
  const bytes = parseSize(value);
  if (bytes === null) throw new InvalidArgumentError('Expected a size like "512MB" or "1GiB"');
  return bytes;
}

/**
 * Reads a folder option (`--out`, `--cache`): an empty name is refused (before, `--out ""` wrote the outputs and the
 * report into `/`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { folderName } from "./options.ts";
 * assert.equal(folderName("out"), "out");
 * assert.throws(() => folderName(" "), /Expected a folder, not an empty name/);
 * ```
 */
export function folderName(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("Expected a folder, not an empty name");
  return value;
}

/**
 * Collects a repeatable, comma-separated option; a value with no item (`--force-step ''`) is refused, not dropped
 * (a render that forced nothing, without a word), and so is an empty item (`--only a,,b`: a name left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { list } from "./options.ts";
 * assert.deepEqual(list("b, c", ["a"]), ["a", "b", "c"]);
 * assert.throws(() => list("", undefined), /Expected a value, not an empty one/);
 * assert.throws(() => list("a,,b", undefined), /got an empty item in "a,,b"/);
 * ```
 */
export function list(value: string, previous: string[] | undefined): string[] {
  const items = value.split(",").map((item) => item.trim());
  if (items.every((item) => item === "")) {
    throw new InvalidArgumentError("Expected a value, not an empty one");
  }
  if (items.includes("")) {
    throw new InvalidArgumentError(`Expected items separated by commas, got an empty item in "${value}"`);
  }
  return [...(previous ?? []), ...items];
}

/**
 * Parses a comma-separated list of whole numbers of at least 1 (repeatable), e.g. `--counts 1,2,4`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { positiveIntegers } from "./options.ts";
 * assert.deepEqual(positiveIntegers("1, 2", [4]), [4, 1, 2]);
 * assert.throws(() => positiveIntegers("0", undefined), /Expected whole numbers of at least 1, got "0"/);
 * assert.throws(() => positiveIntegers("2,,4", undefined), /got an empty item in "2,,4"/);
 * ```
 */
export function positiveIntegers(value: string, previous: number[] | undefined): number[] {
  // An empty item is refused by `list`: `2,,4` is a count left out (3?), not `2,4`.
  const items = list(value, undefined);
  const bad = items.find((item) => atLeastOne(item) === null);
  if (bad !== undefined) throw new InvalidArgumentError(`Expected whole numbers of at least 1, got "${bad}"`);
  return [...(previous ?? []), ...items.map((item) => atLeastOne(item)!)];
}

/** The options that override limits and narrow a plan, as a command's `opts()` holds them. */
export interface LimitOptions extends Partial<Record<keyof ResolvedLimits, number>> {
  /** `--only`: keep these video ids. */
  only?: string[];
  /** `--format`: keep these formats. */
  format?: string[];
  /** `--encoder`: the video encoder instead of the probed one. */
  encoder?: string;
}

/**
 * Adds the options that override limits and narrow a plan (`--only`, `--format`); read them with `limitOptions`.
 * `skip` leaves out those that a command's workflows cannot use (the `variants` command has no videos, sections,
 * formats or provider calls): offered, they were taken and silently ignored.
 */
export function addLimitOptions(
  command: { addOption(option: Option): unknown },
  skip: readonly string[] = [],
): void {
  const whole = (flag: string, what: string) => new Option(`--${flag} <n>`, what).argParser(positiveInteger);
  for (
    const option of [
      whole("videos", "videos in flight"),
      whole("sections", "sections in flight per video"),
      whole("api", "provider calls in flight per section"),
      whole("global", "provider calls in flight in the whole run"),
      whole("custom", "custom steps in flight (default: cores)"),
      new Option(
        "--workers <n>",
        "Web Workers in the pool, or auto: the count `reel tune` found best (default: cores)",
      )
        .argParser(workerCount),
      whole("cpu", "CPU-heavy steps at once (default: cores)"),
      new Option(
        "--min-free-memory <size>",
        "start no CPU-heavy step while less memory is available (default 256MiB)",
      )
        .argParser(byteSize),
      new Option(
        "--encoder <name>",
        "video encoder of variants and montages, e.g. libx264 or h264_nvenc (default: the first that works here)",
      ),
      new Option("--only <video>", "render only this video id (repeat or comma-separate)").argParser(list),
      new Option(
        "--format <format>",
        "render only this one of the workflow's formats: its name (16x9), preset (16:9) or size (1920x1080); " +
          "repeat or comma-separate",
      )
        .argParser(list),
    ]
  ) if (!skip.includes(option.attributeName())) command.addOption(option);
}

/**
 * The limit and narrowing options a command was given.
 *
 * @param command The command (the action's last argument).
 * @returns Its limit overrides, `only` and `format`.
 */
export function limitOptions(
  command: { opts(): unknown },
): { limits: Partial<ResolvedLimits>; only?: string[]; format?: string[]; encoder?: string } {
  const options = command.opts() as LimitOptions;
  return {
    limits: limitsFrom(options),
    only: options.only,
    format: options.format,
    encoder: options.encoder,
  };
}

/** The limit overrides among a command's options. */
export function limitsFrom(options: Partial<Record<keyof ResolvedLimits, number>>): Partial<ResolvedLimits> {
  const { videos, sections, api, global, custom, workers, cpu, minFreeMemory } = options;
  return { videos, sections, api, global, custom, workers, cpu, minFreeMemory };
}

/**
 * The help of a `--json` that prints a run's events, one JSON line each: a command that has it writes a refusal as
 * one too.
 */
export const JSON_EVENTS = "print one JSON event per line";

/**
 * Prints a user's mistake the way every command does: `✖ message` / `  → at path (file)` (the place, unless the
 * message names it), then the hint.
 */
export function printError(error: InputError): void {
  const files = workflowErrorsOf(error);
  const lines = files.length > 0 ? files.flatMap(workflowLines) : [`✖ ${error.message}`];
  // The place, unless the message names it already (a recording's field in its workflow, not the file again).
  if (files.length === 0 && error.where !== null && !error.message.includes(error.where)) {
    lines.push(`  → at ${error.where}`);
  }
  if (files.length === 0 && error.hint !== null) lines.push(`  ${error.hint}`);
  console.error(printable(lines.join("\n")));
}

/** A workflow file's mistakes, as {@linkcode printError} prints them: each issue at its place, then the hint. */
function workflowLines(error: WorkflowError): string[] {
  const lines = error.issues.map((issue, i) =>
    `✖ ${issue.message}\n  → at ${issueWhere(issue) || "the file"} (${error.file})${
      // An issue's own hint once after the run of issues it is given for (three sections that do not fit).
      issue.hint === undefined || error.issues[i + 1]?.hint === issue.hint ? "" : `\n  ${issue.hint}`}`
  );
  return error.hint === null ? lines : [...lines, `  ${error.hint}`];
}

/**
 * Writes a render refused before its run (bad input, exit 2) as `--json` writes its events, one line on stdout
 * beside the message on stderr, so that a reader of the events learns why none came (nt4: it got nothing):
 * `{"type":"render:refused","exitCode":2,"message",…,"issues":[…]}`. A reader gone (`--json | head`) is no error.
 *
 * @param error The mistake, or commander's words for an option it refused.
 *
 * @example
 * ```ts
 * import { InputError } from "../../lib/core/errors.ts";
 * import { writeRefusal } from "./options.ts";
 * writeRefusal(new InputError("No such file", { where: "a.ts" }));
 * ```
 */
export function writeRefusal(error: InputError | string): void {
  const files = typeof error === "string" ? [] : workflowErrorsOf(error);
  const issues = files.flatMap((workflow) =>
    workflow.issues.map((issue) => ({
      file: workflow.file,
      path: issue.path,
      // An unknown field's name: several of one object share its path (rv24).
      ...issue.field === undefined ? {} : { field: issue.field },
      // Where the value is written, when that is known (a JSON or YAML file's, a TypeScript file's literal), and
      // the module that is in when it is not the file (a helper's syntax error).
      ...issue.place,
      ...issue.source === undefined ? {} : { source: issue.source },
      message: issue.message,
      // Several files' refusal has no hint of its own: each file's goes with its issues.
      hint: issue.hint ?? (files.length > 1 ? workflow.hint ?? undefined : undefined),
    }))
  );
  const line = JSON.stringify({
    type: "render:refused",
    exitCode: EXIT.input,
    message: typeof error === "string" ? error : error.message,
    where: typeof error === "string" ? null : error.where,
    hint: typeof error === "string" ? null : error.hint,
    issues,
  });
  try {
    writeTextSync(Deno.stdout, `${line}\n`);
  } catch (error) {
    // rv6: a closed pipe ended the command with a stack trace, exit 1.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}
