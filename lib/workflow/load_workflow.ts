/**
 * Loading a workflow file: a dynamic import of its default export (or a JSON or YAML file read as that value),
 * then validation and resolution.
 * @module
 */
import { dirname, resolve } from "node:path";
import { InputError, WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import { placesOfCode } from "./_code_places.ts";
import { fileInTheWay, isMissing, notFoundAsNull, pathTrouble } from "../core/exists.ts";
import { closestName } from "../core/closest_name.ts";
import { atPlace, placedIssue, type PlaceFinder } from "./_value_places.ts";
import { NotTextError, readText } from "../core/text_bytes.ts";
import { importFailureIssue, reelExportNames } from "./import_failure.ts";
import { exitCalled, workflowCode } from "./workflow_code.ts";
import { stillLoading } from "./still_loading.ts";
import { dataFormatOf } from "./data_format.ts";
import { resolveWorkflow } from "./resolve_workflow.ts";
import { readModuleGraph } from "../schema/module_graph.ts";
import { readingThrew } from "./nesting_limit.ts";
import type { ResolvedWorkflow } from "./workflow_schema.ts";

/**
 * Turns a path as the user typed it into an absolute `file:` URL.
 *
 * @param file A path relative to the current directory, or absolute.
 * @returns The file's URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toFileUrl } from "./load_workflow.ts";
 * assert.ok(toFileUrl("/tmp/a.ts").href === "file:///tmp/a.ts");
 * ```
 */
export function toFileUrl(file: string): URL {
  const absolute = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
  return new URL(`file://${absolute.split("/").map(encodeURIComponent).join("/")}`);
}

/** Options for {@linkcode loadWorkflow}. */
export interface LoadWorkflowOptions {
  /** The machine's cores, for the workflow's defaults. @default this machine's */
  cores?: number;
  /** Hears once when a workflow module has not finished loading after `slowAfterMs`. */
  onSlow?: (message: string) => void;
  /** @default 10 s */
  slowAfterMs?: number;
  /**
   * Hears the absolute path of every file the workflow's code reads through Deno's file API while it loads
   * (`Deno.readTextFile`, `readFile`, their sync forms, `open` to read): a lesson's script kept in a Markdown file,
   * which `render --watch` then watches. Reads through `node:fs` are not seen.
   */
  onRead?: (path: string) => void;
}

/** How long a workflow module may take to load before the user is told (its imports and top-level code). */
export const SLOW_LOAD_MS = 10_000;

/** The extensions Deno imports as code: a workflow file in TypeScript or JavaScript. */
const MODULE_EXTENSIONS = ["ts", "mts", "cts", "tsx", "js", "mjs", "cjs", "jsx"];

/** The workflow files reel reads, in words. */
const WORKFLOW_FILES = ".ts, .js, .json, .yaml and .yml";

/**
 * Imports a workflow file and resolves its default export; a `.json`, `.yaml` or `.yml` file is read as that
 * value instead (see `loadDataWorkflow` in `load_data_workflow.ts`).
 *
 * @param file The workflow file, as the user named it.
 * @param options Number of cores for the pool defaults.
 * @returns The resolved workflow.
 * @throws {InputError} When the file does not exist.
 * @throws {WorkflowError} When importing it throws (a syntax error names its line and column, and the module when
 *   it is one the workflow imports), it has no default export, or the export is not a valid workflow; for a JSON or
 *   YAML file, when it does not parse, holds custom steps or is not a valid workflow (each issue at its line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadWorkflow } from "./load_workflow.ts";
 * const workflow = await loadWorkflow("workflows/lesson.ts");
 * assert.ok((workflow.jobs.lesson?.videos.length ?? 0) > 0);
 * ```
 */
export async function loadWorkflow(
  file: string,
  options: LoadWorkflowOptions = {},
): Promise<ResolvedWorkflow> {
  const url = toFileUrl(file);
  try {
    const info = await Deno.stat(url);
    if (!info.isFile) {
      throw new InputError(`Workflow ${file} is not a file`, {
        where: file,
        hint: `Name a workflow file in it (${WORKFLOW_FILES})`,
      });
    }
    // One this user may not read: said so, not by the loader's "Import failed" or Deno's words and trace (fi22).
    (await Deno.open(url, { read: true })).close();
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (isMissing(error)) {
      // The folder it was looked for in is said: `deno task` runs in the project's folder, not always the user's.
      const relative = !file.startsWith("/");
      // A path through a file (`lesson.ts/x.ts`, rv42: it crashed with NotADirectory) names that file.
      const blocking = error instanceof Deno.errors.NotADirectory ? fileInTheWay(dirname(file)) : null;
      const near = blocking === null ? await nearFile(file) : null;
      throw new InputError(`Workflow file not found: ${file}${relative ? ` (in ${Deno.cwd()})` : ""}`, {
        where: file,
        hint: blocking !== null
          ? `${blocking} is a file, not a folder`
          : near !== null
          ? `Did you mean ${near}?`
          : relative
          ? "Check the path: a relative one is read from that folder"
          : "Check the path",
      });
    }
    // Its links loop, its name is too long, this user may not read it (fi22: Deno's words and a trace, exit 1).
    const trouble = pathTrouble(error, file);
    if (trouble === null) throw error;
    throw new InputError(`Cannot read the workflow file ${file}: ${trouble}`, { where: file, cause: error });
  }
  const format = dataFormatOf(file);
  const extension = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase();
  // A file without an extension too (nt22: `hi` in a file named `afile` was run as JavaScript: "hi is not defined").
  if (format === null && (extension === undefined || !MODULE_EXTENSIONS.includes(extension))) {
    // Imported, a README.md failed with Deno's words and a place inside reel's loader.
    // nt9: the hint named the repository's example, not there in the user's folder, and an outline not at all.
    throw new InputError(
      `${file} is not a workflow file: reel reads ${WORKFLOW_FILES} workflows`,
      {
        where: file,
        hint: extension === "md"
          ? "A markdown outline is rendered through a .ts workflow that reads it with parseOutline (README: A " +
            "lesson from a markdown outline)"
          : "Give a workflow file: a .ts module whose default export is workflow({ … }), or .json or .yaml",
      },
    );
  }
  // Read only once it is a workflow by its name (rv44: a video named as one was read whole to be refused). A program
  // or a picture under a workflow's name is told as not text, not in a parser's words (fi22).
  const text = await readWorkflowText(file, url);
  if (format !== null) {
    // Loaded for data workflows only: the YAML parser costs every other run about 60 ms of start-up.
    const { loadDataWorkflow } = await import("./load_data_workflow.ts");
    return await loadDataWorkflow(file, { url, format, cores: options.cores, text });
  }
  let module: { default?: unknown };
  // A module whose top-level await never settles (a fetch that hangs) kept a render silent until it was killed.
  const { onSlow } = options;
  const slow = onSlow === undefined ? undefined : setTimeout(() => {
    onSlow(stillLoading(file, { afterMs: options.slowAfterMs ?? SLOW_LOAD_MS, blocked: false }));
  }, options.slowAfterMs ?? SLOW_LOAD_MS);
  const stopPatches = patchWhileLoading(options.onRead);
  try {
    // In the workflow's own context: what its code starts and lets fail is told as the workflow's (`workflowCode`).
    module = await workflowCode.run(file, () => import(url.href));
  } catch (error) {
    const issue = importFailureIssue(error, url.href, { reelExports: await reelExportNames(error) });
    // Deno says a JSON module is not JSON without naming it: the first of the workflow's that is not is named.
    const json = issue.place === undefined && error instanceof SyntaxError
      ? await brokenJsonModule(url.href)
      : null;
    // Named as a place, and as the file a watch waits for a fix of.
    if (json !== null) Object.assign(issue, { path: json, file: json });
    throw new WorkflowError(file, [issue], { cause: error });
  } finally {
    stopPatches();
    clearTimeout(slow);
  }
  if (module.default === undefined) {
    throw new WorkflowError(file, [{
      path: "",
      message: "The file has no default export; end it with `export default workflow({...})`",
    }]);
  }
  if (isThenable(module.default, file)) {
    throw new WorkflowError(file, [{
      path: "",
      message: "The default export is a Promise: await it first (`export default await …`), or export the " +
        "workflow itself",
    }]);
  }
  let resolved: ResolvedWorkflow;
  try {
    resolved = await resolveWorkflow(module.default, { file, moduleUrl: url.href, cores: options.cores });
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    throw error.withIssues(await issuePlacer(url, module.default));
  }
  // Read once the values are (their getters run first: a getter that never returns is the load watch's to tell).
  return { ...resolved, placeIssue: await issuePlacer(url, module.default) };
}

/**
 * A workflow's (or a recipe's) text, bytes that are no text refused as the file's mistake at their place (see
 * `text_bytes.ts`).
 *
 * @param file The file, as the user named it (for messages).
 * @param path Where it is.
 * @param holds What it holds, as the message names it. @default "workflow"
 * @returns Its text.
 * @throws {WorkflowError} When it is no text; what reading it throws otherwise.
 */
export async function readWorkflowText(
  file: string,
  path: string | URL,
  holds: "workflow" | "recipe" = "workflow",
): Promise<string> {
  try {
    return await readText(path);
  } catch (error) {
    if (!(error instanceof NotTextError)) throw error;
    throw new WorkflowError(file, [{ ...atPlace(error.place), message: error.message }], {
      hint: error.hint,
      cause: error,
      holds,
    });
  }
}

/**
 * Gives an issue the line and column where its value is written in the workflow module (see `_code_places.ts`),
 * checked against `given`, the module's default export; the file is read now, as it is after its import, and its
 * tokens only when an issue is placed.
 */
async function issuePlacer(url: URL, given: unknown): Promise<(issue: WorkflowIssue) => WorkflowIssue> {
  // Removed since its import (a watch's save): the issues are told without places.
  const text = await Deno.readTextFile(url).catch(notFoundAsNull);
  let placeOf: PlaceFinder | null = null;
  return (issue) => {
    if (text === null) return issue;
    // An issue about another file (a missing image) is placed in the workflow all the same: its path is the field.
    return placedIssue(issue, placeOf ??= placesOfCode(text, { given }));
  };
}

/** The first JSON file of the workflow's local modules that does not parse, as a path; null when none. */
async function brokenJsonModule(moduleUrl: string): Promise<string | null> {
  const { files } = await readModuleGraph(moduleUrl);
  for (const path of files.filter((path) => path.endsWith(".json"))) {
    try {
      JSON.parse(await Deno.readTextFile(path));
    } catch (error) {
      if (error instanceof SyntaxError) return path;
      throw error;
    }
  }
  return null;
}

/** True for a Promise (anything with a `then` method); a `then` that throws when read is named as the value's. */
function isThenable(value: unknown, file: string): boolean {
  try {
    return typeof (value as { then?: unknown } | null)?.then === "function";
  } catch (error) {
    throw new WorkflowError(file, [readingThrew("", error)], { cause: error });
  }
}

/** The Deno functions that read a file, by name: each takes the file's path or URL first. */
const READERS = ["readTextFile", "readTextFileSync", "readFile", "readFileSync", "open", "openSync"] as const;

/** Who hears the reads of the workflows loading now (several may load at once through the library). */
const listeners = new Set<(path: string) => void>();
/** Deno's own functions while they are patched, to put back when the last load ends; null when not patched. */
let originals: { exit: typeof Deno.exit; readers: [string, unknown][] } | null = null;
/** Loads under way. */
let loading = 0;

/**
 * Patches Deno while a workflow module loads, once for all loads under way, and returns the function that ends this
 * load's part (the last one puts Deno back):
 * - `Deno.exit` throws: a workflow that called it would end the render as if it had succeeded;
 * - the file readers tell each path read (absolute; a file opened to write is not a read) to every `onRead` of the
 *   loads under way (which of them read it cannot be told apart).
 */
function patchWhileLoading(onRead: ((path: string) => void) | undefined): () => void {
  if (loading++ === 0) {
    originals = { exit: Deno.exit, readers: READERS.map((name) => [name, Deno[name]]) };
    Deno.exit = (code?: number): never => {
      throw new Error(exitCalled(code));
    };
    for (const [name, original] of originals.readers) {
      const wrapped = (path: string | URL, options?: Deno.OpenOptions) => {
        const writes = (name === "open" || name === "openSync") &&
          (options?.write === true || options?.append === true || options?.create === true);
        if (!writes && listeners.size > 0) {
          const absolute = absolutePath(path);
          for (const listener of listeners) listener(absolute);
        }
        return (original as (path: string | URL, options?: unknown) => unknown)(path, options);
      };
      Object.assign(Deno, { [name]: wrapped });
    }
  }
  if (onRead !== undefined) listeners.add(onRead);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (onRead !== undefined) listeners.delete(onRead);
    if (--loading > 0 || originals === null) return;
    Deno.exit = originals.exit;
    for (const [name, original] of originals.readers) Object.assign(Deno, { [name]: original });
    originals = null;
  };
}

/** A path or `file:` URL as an absolute path. */
function absolutePath(path: string | URL): string {
  if (path instanceof URL) return decodeURIComponent(path.pathname);
  return path.startsWith("file://") ? decodeURIComponent(new URL(path).pathname) : resolve(path);
}

/**
 * A file beside the one not found whose name is a near miss of its name (nt20: `tide.ts` beside `tides.ts`), as
 * the path was written; null when there is none or its folder cannot be listed.
 */
async function nearFile(file: string): Promise<string | null> {
  const slash = file.lastIndexOf("/");
  const dir = slash < 0 ? "." : file.slice(0, slash) || "/";
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch (error) {
    // No such folder, or one this user (or a process without --allow-read there, rv42) may not list: the path's
    // own hint is said.
    const unlisted = isMissing(error) || error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable;
    if (!unlisted) throw error;
    return null;
  }
  const near = closestName(file.slice(slash + 1), names);
  return near === null ? null : `${file.slice(0, slash + 1)}${near}`;
}
