/**
 * Where a path of a workflow (`videos[0].sections[2].title`) is written in its file, whatever the file's language:
 * a reader of the language (YAML and JSON in `_source_places.ts`, TypeScript in `_code_places.ts`) gives the
 * file's outer value as a tree of {@linkcode WrittenValue}s with their offsets, and {@linkcode placeFinder} follows
 * a path through it.
 * @module
 */
import { knownKeysAt } from "../schema/workflow_issues.ts";
import type { WorkflowIssue } from "../core/errors.ts";
import { workflowSchema } from "./workflow_schema.ts";

/** A place in a source file. */
export interface SourcePlace {
  /** The line, counted from 1. */
  line: number;
  /** The column, counted from 1. */
  column: number;
}

/** Finds where a workflow path (`videos[0].sections[2].title`) is written in a file; null when it is not. */
export type PlaceFinder = (path: string) => SourcePlace | null;

/** A value as written in a file, at the offset where it starts. */
export type WrittenValue =
  | { kind: "object"; start: number; fields: WrittenField[] }
  | { kind: "list"; start: number; items: WrittenValue[] }
  /** Anything else: a scalar, or code whose value is not written out (a call, a spread, a variable). */
  | { kind: "other"; start: number };

/** A field of a written object. */
export interface WrittenField {
  key: string;
  /** Where its key is written. */
  keyStart: number;
  /** Its value, or null when none is written (`narration:` and nothing): it is placed at its key. */
  value: WrittenValue | null;
}

/** Options for {@linkcode placeFinder}. */
export interface PlaceFinderOptions {
  /** The line and column of an offset in the file. */
  linePos: (offset: number) => SourcePlace;
  /** Fields the outer object may hold that the workflow schema does not name (`$schema` in a data file). */
  extraFields?: readonly string[];
}

/**
 * The finder of a file's places: the place of a path is where its value starts, or where its key is written when
 * the value is empty; a path that leads nowhere (a field that is missing, a value made by code) is placed at the
 * deepest value it reaches; an object that holds fields the format does not know is placed at the first such
 * field. A path that reaches nothing but the outer value has no place (null), as the whole file has none.
 *
 * @param root The file's outer value, or null when the file cannot be read as values (a syntax error).
 * @param options How offsets become places, and the outer object's extra fields.
 * @returns The finder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeFinder } from "./_value_places.ts";
 * const placeOf = placeFinder({
 *   kind: "object",
 *   start: 0,
 *   fields: [{ key: "formats", keyStart: 1, value: { kind: "list", start: 10, items: [{ kind: "other", start: 11 }] } }],
 * }, { linePos: (offset) => ({ line: 1, column: offset + 1 }) });
 * assert.deepEqual(placeOf("formats[0]"), { line: 1, column: 12 });
 * assert.equal(placeOf(""), null);
 * ```
 */
export function placeFinder(root: WrittenValue | null, options: PlaceFinderOptions): PlaceFinder {
  if (root === null) return () => null;
  return (path) => {
    const offset = offsetOf(root, path, options.extraFields ?? []);
    return offset === null ? null : options.linePos(offset);
  };
}

function offsetOf(root: WrittenValue, path: string, extraFields: readonly string[]): number | null {
  let node: WrittenValue | null = root;
  let offset = root.start;
  let rest = path;
  const segments: (string | number)[] = [];
  while (rest !== "" && node !== null) {
    if (node.kind === "list") {
      const index = /^\[(\d+)\]/.exec(rest);
      const item: WrittenValue | undefined = index === null ? undefined : node.items[Number(index[1])];
      if (index === null || item === undefined) break;
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      node = item;
      offset = item.start;
      continue;
    }
    if (node.kind !== "object") break;
    const wanted = rest.startsWith(".") ? rest.slice(1) : rest;
    // The longest key that the path starts with, so a key with a dot in it is found whole; of two alike, the last
    // (a TypeScript object's field written after a spread of one of that name).
    let found: WrittenField | null = null;
    for (const field of node.fields) {
      const { key } = field;
      if (!wanted.startsWith(key) || (found !== null && found.key.length > key.length)) continue;
      const next = wanted[key.length];
      if (next === undefined || next === "." || next === "[") found = field;
    }
    if (found === null) break;
    segments.push(found.key);
    rest = wanted.slice(found.key.length);
    node = found.value;
    offset = node?.start ?? found.keyStart;
  }
  if (rest === "" && node?.kind === "object") {
    const known = new Set(knownKeysAt(workflowSchema, segments));
    if (segments.length === 0) { for (const field of extraFields) known.add(field); }
    const unknown = node.fields.find((field) => !known.has(field.key));
    if (unknown !== undefined) return unknown.keyStart;
  }
  return segments.length === 0 ? null : offset;
}

/**
 * A place as an issue's path names it: `line 14, column 7`.
 *
 * @param place The line and column.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describePlace } from "./_value_places.ts";
 * assert.equal(describePlace({ line: 14, column: 7 }), "line 14, column 7");
 * ```
 */
export function describePlace(place: SourcePlace): string {
  return `line ${place.line}, column ${place.column}`;
}

/**
 * The line and column of an offset in a text.
 *
 * @param text The text.
 * @param offset The offset, in UTF-16 code units.
 * @returns Its place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeAt } from "./_value_places.ts";
 * assert.deepEqual(placeAt("a\nbc", 3), { line: 2, column: 2 });
 * ```
 */
export function placeAt(text: string, offset: number): SourcePlace {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/**
 * An issue with the place of its value after its path (`videos[0].id, line 3, column 9`), or as its path when it is
 * about the whole file.
 *
 * @param issue The issue.
 * @param place Where its value is written.
 * @returns The issue, placed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withPlace } from "./_value_places.ts";
 * const issue = withPlace({ path: "videos[0].id", message: "Expected a string" }, { line: 3, column: 9 });
 * assert.equal(issue.path, "videos[0].id, line 3, column 9");
 * ```
 */
export function withPlace(issue: WorkflowIssue, place: SourcePlace): WorkflowIssue {
  const where = describePlace(place);
  return { ...issue, path: issue.path === "" ? where : `${issue.path}, ${where}` };
}
