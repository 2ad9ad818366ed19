/**
 * Reading why importing a workflow file failed: a syntax error, a missing module or an exception, with the line
 * and column, and the module, where Deno's message or the error's stack names them.
 * @module
 */
import { messageOf, type WorkflowIssue } from "../core/errors.ts";
import { closestName } from "../core/closest_name.ts";
import { PACKAGE_FILES } from "../schema/module_graph.ts";
import * as builders from "./builders.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const LOCATION = /(file:\/\/\/[^\s"'()]+?):(\d+):(\d+)/g;
// A bare specifier that the import map does not name.
const UNRESOLVED = /^(?:Relative import path|Import) "([^"]+)" not\b/;

/**
 * Describes an error thrown by `import(workflowUrl)` as one issue: `Syntax error: Expression expected` at
 * `line 3, column 6`, or at `line 2, column 16 of workflows/helper.ts` when the place is in a module the workflow
 * imports.
 *
 * @param error What the import threw.
 * @param workflowUrl The workflow file's URL.
 * @param options The names reel's module exports (`reelExports`, see {@linkcode reelExportNames}), to guess the
 * one meant by an import of a name it does not export.
 * @returns The issue: its path empty, its place the line and column when one can be found, with the module it is in
 *   as `source` when that is not the workflow file (a helper it imports).
 */
export function importFailureIssue(
  error: unknown,
  workflowUrl: string,
  options: { reelExports?: readonly string[] | null } = {},
): WorkflowIssue {
  const name = error instanceof Error ? error.name : "";
  const text = messageOf(error).replace(ANSI, "");
  // Deno's message ends with the place (`at file:///…:3:6`), after a code frame for a syntax error, and then the
  // place of each import that led there (fi15: an unterminated string in a helper was placed at the workflow's
  // import of it); an exception thrown while the module ran has its place in the stack instead.
  // Not in the code frame (`1 | export const …`, `  |   ~~~`): it may quote a URL of the code's own (rv14).
  const outsideFrame = text.split("\n").filter((line) => !/^\s*\d*\s\|/.test(line)).join("\n");
  const place = [...outsideFrame.matchAll(LOCATION)][0] ?? firstFrame(error);
  const [firstLine = ""] = text.split("\n");
  let headline = firstLine.replace(LOCATION, "").replace(/\s+at\s*$/, "").trim().replace(/\.$/, "");
  // A URL keeps its quotes (V8 quotes a module's with '), or gets ".
  headline = headline.replace(
    /(["']?)(file:\/\/\/[^\s"'()]+)\1/g,
    (_, quote: string, url: string) => `${quote || '"'}${displayPath(url)}${quote || '"'}`,
  );
  const asked = nameAskedOfReel(error);
  const message = describe(name, headline) +
    (asked === null ? "" : builderGuess(asked, options.reelExports ?? []));
  if (place === undefined || place === null) return { path: "", message };
  const [, url = "", line, column] = place;
  // A place, not a path (nt22: `--json` gave "line 3, column 47" as the issue's path, and no line or column).
  const where = { line: Number(line), column: Number(column) };
  return { path: "", place: where, ...url === workflowUrl ? {} : { source: displayPath(url) }, message };
}

/** The module V8 names when an import asks it for a name it does not export. */
const MISSING_EXPORT = /The requested module '([^']+)' does not provide an export named '([^']+)'/;
/** reel's module (`mod.ts`), where the builders are imported from: `import { workflow } from "reel"`. */
const REEL_MODULE = new URL("../../mod.ts", import.meta.url).href;

/**
 * The names reel's module exports, for {@linkcode importFailureIssue}, when `error` says an import asked reel's
 * module for a name it does not export; null otherwise. reel's module is loaded for it, then only (it is above this
 * one: not imported otherwise).
 *
 * @param error What the import threw.
 * @returns The names, or null.
 */
export async function reelExportNames(error: unknown): Promise<string[] | null> {
  if (nameAskedOfReel(error) === null) return null;
  const reel: Record<string, unknown> = await import(REEL_MODULE);
  return Object.keys(reel);
}

/** The name an import asked reel's module for that it does not export (V8's message, and the importer's place). */
function nameAskedOfReel(error: unknown): string | null {
  const text = messageOf(error).replace(ANSI, "");
  const missing = MISSING_EXPORT.exec(text);
  const importer = [...text.matchAll(LOCATION)].at(-1)?.[1];
  if (missing === null || importer === undefined) return null;
  const [, specifier = "", name = ""] = missing;
  const url = specifier === "reel" ? REEL_MODULE : new URL(specifier, importer).href;
  return url === REEL_MODULE ? name : null;
}

/**
 * For an import of a name that reel's module does not export (`defineWorkflow`, as other tools name theirs), the
 * builders it has, and the name meant where a guess can be made: one of its exports by spelling (rv8:
 * `renderWorkflow` meant `renderWorkflows`), else the builder the name ends with.
 */
function builderGuess(name: string, exports: readonly string[]): string {
  const names = Object.keys(builders);
  const guess = closestName(name, exports) ??
    names.find((builder) => name.toLowerCase().endsWith(builder.toLowerCase())) ?? null;
  const listed = `reel's builders: ${names.join(", ")}`;
  return guess === null ? `; ${listed}` : `; did you mean "${guess}"? (${listed})`;
}

function describe(name: string, headline: string): string {
  if (headline.startsWith("SyntaxError: ")) return `Syntax error: ${headline.slice("SyntaxError: ".length)}`;
  if (name === "SyntaxError") return `Syntax error: ${headline}`;
  if (/^Module not found\b/.test(headline)) {
    return headline.replace(/^Module not found/, "Cannot find module");
  }
  const unresolved = UNRESOLVED.exec(headline);
  if (unresolved !== null) {
    return `Cannot resolve import "${unresolved[1]}": import "reel", a relative path or a URL`;
  }
  return `Importing the file threw: ${name === "" || name === "Error" ? "" : `${name}: `}${headline}`;
}

/**
 * Where an error was thrown, as the user reads it: the first frame of its stack in code that is not reel's nor an
 * npm package's (a workflow file, a module it imports).
 *
 * @param error What was thrown.
 * @returns `line 3, column 9 of workflows/late.ts`, or null when no such frame is on its stack.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { thrownAt } from "./import_failure.ts";
 * const error = new Error("late");
 * error.stack = "Error: late\n    at file:///srv/work/late.ts:3:9\n    at file:///srv/work/main.ts:1:1";
 * assert.equal(thrownAt(error), "line 3, column 9 of /srv/work/late.ts");
 * assert.equal(thrownAt("a string"), null);
 * // Thrown in reel's own code (here, this example, a module of reel's): no place of the user's.
 * assert.equal(thrownAt(new Error("reel's own")), null);
 * ```
 */
export function thrownAt(error: unknown): string | null {
  const place = firstFrame(error);
  if (place === null) return null;
  const [, url = "", line, column] = place;
  return `line ${line}, column ${column} of ${displayPath(url)}`;
}

/**
 * Whether reel's own code threw an error: its stack names reel's modules and no other code's (an error of a Deno
 * operation may name no file at all: not reel's then; one the workflow's code called through reel's wrappers names
 * both: not reel's either).
 *
 * @param error What was thrown.
 * @returns True when reel's code threw it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { thrownByReel } from "./import_failure.ts";
 * const error = new Error("x");
 * error.stack = "Error: x\n    at file:///srv/work/late.ts:3:9";
 * assert.equal(thrownByReel(error), false);
 * error.stack = "NotFound: x\n    at async readTextFile (ext:deno_fs/30_fs.js:1:10042)";
 * assert.equal(thrownByReel(error), false);
 * error.stack = `NotFound: x\n    at wrapped (${import.meta.url}:1:1)\n    at file:///srv/work/late.ts:3:6`;
 * assert.equal(thrownByReel(error), false);
 * // Made in reel's own code (this example is one of reel's modules).
 * assert.equal(thrownByReel(new Error("reel's own")), true);
 * ```
 */
export function thrownByReel(error: unknown): boolean {
  if (!(error instanceof Error) || error.stack === undefined || firstFrame(error) !== null) return false;
  const files = [...error.stack.replace(ANSI, "").matchAll(LOCATION)].map((match) => match[1]!);
  return files.some((file) => OWN_CODE.some((code) => file.startsWith(code)));
}

/**
 * An error no code caught (thrown by a timer, or a promise nobody awaited), in words: its name and message, and
 * where it was thrown (see {@linkcode thrownAt}).
 *
 * @param error What was thrown.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uncaughtDescription } from "./import_failure.ts";
 * const error = new TypeError("notes is undefined");
 * error.stack = "TypeError: notes is undefined\n    at file:///srv/work/late.ts:3:9";
 * assert.equal(uncaughtDescription(error), "TypeError: notes is undefined (at line 3, column 9 of /srv/work/late.ts)");
 * assert.equal(uncaughtDescription(7), "7");
 * ```
 */
export function uncaughtDescription(error: unknown): string {
  const where = thrownAt(error);
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return where === null ? what : `${what} (at ${where})`;
}

/**
 * Frames never the place to show: reel's own code (the loader's `import()`, its `Deno.exit`) and npm packages in
 * Deno's cache (the CLI's, below the loader).
 */
const OWN_CODE = ["lib/", "tasks/"].map((folder) => new URL(`../../${folder}`, import.meta.url).href);

function firstFrame(error: unknown): RegExpMatchArray | null {
  if (!(error instanceof Error) || error.stack === undefined) return null;
  const frames = error.stack.replace(ANSI, "").split("\n").filter((line) => /^\s+at /.test(line));
  for (const frame of frames) {
    // The loader's import(): the frames after it are its callers', not the workflow's.
    if (/\bat (?:async )?loadWorkflow\b/.test(frame)) break;
    const match = [...frame.matchAll(LOCATION)][0];
    const own = match !== undefined &&
      (PACKAGE_FILES.test(match[1]!) || OWN_CODE.some((code) => match[1]!.startsWith(code)));
    if (match !== undefined && !own) return match;
  }
  return null;
}

/** A module's path as the user reads it: relative to the current folder when inside it, else absolute. */
function displayPath(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  const cwd = `${Deno.cwd()}/`;
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
