/**
 * Where a path of a workflow (`videos[0].sections[2].title`) is written in its file, whatever the file's language:
 * a reader of the language (YAML and JSON in `_source_places.ts`, TypeScript in `_code_places.ts`) gives the
 * file's outer value as a tree of {@linkcode WrittenValue}s with their offsets, and {@linkcode placeFinder} follows
 * a path through it.
 * @module
 */
import { types } from "node:util";
import { knownKeysAt } from "../schema/workflow_issues.ts";
import type { SourcePlace, WorkflowIssue } from "../core/errors.ts";
import { workflowSchema } from "./workflow_schema.ts";

/**
 * Finds where a workflow path (`videos[0].sections[2].title`) is written in a file: its value's place; with `field`,
 * that field's of the object the path names (an unknown one). Null when it is not written there.
 */
export type PlaceFinder = (path: string, field?: string) => SourcePlace | null;

/**
 * An issue with the place of its value (or its unknown field) where `placeOf` finds one, else as it is.
 *
 * @param issue The issue.
 * @param placeOf Where its file writes each path.
 * @returns The issue, placed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placedIssue } from "./_value_places.ts";
 * const placeOf = (path: string) => path === "fps" ? { line: 2, column: 8 } : null;
 * assert.deepEqual(placedIssue({ path: "fps", message: "m" }, placeOf).place, { line: 2, column: 8 });
 * assert.equal(placedIssue({ path: "id", message: "m" }, placeOf).place, undefined);
 * ```
 */
export function placedIssue(issue: WorkflowIssue, placeOf: PlaceFinder): WorkflowIssue {
  // Placed already (a syntax error, perhaps in a module the file imports).
  if (issue.place !== undefined) return issue;
  const place = placeOf(issue.path, issue.field);
  return place === null ? issue : { ...issue, place };
}

/** A value as written in a file, at the offset where it starts. */
export type WrittenValue =
  | { kind: "object"; start: number; fields: WrittenField[] }
  /** `complete` when every item is written out (no spread of what is not known). */
  | { kind: "list"; start: number; items: WrittenValue[]; complete: boolean }
  /**
   * Anything else: a scalar (`literal`, its value, when it is written as one), or code whose value is not written
   * out (a call, a spread, a variable).
   */
  | { kind: "other"; start: number; literal?: string | number | boolean | null };

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
  /**
   * Where the file's outer value stands in a workflow, whose schema tells its fields: a recipe file's at
   * `["variants", 0, "recipes", 0]` (nt12: a recipe's `speed`, no workflow field, was taken for the unknown one).
   * @default [] (the file is a workflow)
   */
  at?: readonly (string | number)[];
  /**
   * The value the file gave, when code may have changed it after it was written (a TypeScript module's `push`, an
   * assignment): a path gets no place where a written value on its way is no longer the one given (see `fits`), or
   * where it leads past a written list's items (nt10: a title set to 99 by code was placed at the "Base" it
   * replaced).
   */
  value?: { given: unknown };
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
 *   fields: [{
 *     key: "formats",
 *     keyStart: 1,
 *     value: { kind: "list", start: 10, items: [{ kind: "other", start: 11 }], complete: true },
 *   }],
 * }, { linePos: (offset) => ({ line: 1, column: offset + 1 }) });
 * assert.deepEqual(placeOf("formats[0]"), { line: 1, column: 12 });
 * assert.equal(placeOf(""), null);
 * ```
 */
export function placeFinder(root: WrittenValue | null, options: PlaceFinderOptions): PlaceFinder {
  if (root === null) return () => null;
  return (path, field) => {
    const offset = offsetOf(root, path, { ...options, field });
    return offset === null ? null : options.linePos(offset);
  };
}

function offsetOf(
  root: WrittenValue,
  path: string,
  options: PlaceFinderOptions & { field?: string },
): number | null {
  let node: WrittenValue | null = root;
  let offset = root.start;
  let rest = path;
  const segments: (string | number)[] = [];
  // What the file gave at the node (see `PlaceFinderOptions.value`): each written node on the way must fit it.
  const checked = options.value !== undefined;
  let given: Given = checked ? { state: "known", value: options.value!.given } : UNKNOWN;
  if (checked && !fits(root, given)) return null;
  while (rest !== "" && node !== null) {
    if (node.kind === "list") {
      const index = /^\[(\d+)\]/.exec(rest);
      const item: WrittenValue | undefined = index === null ? undefined : node.items[Number(index[1])];
      if (index !== null && item === undefined && node.complete) {
        // An item past those written, that code added (a `push`): nowhere written.
        const length = isList(given) ? ownData(given, "length") : UNKNOWN;
        if (length.state === "known" && Number(index[1]) < Number(length.value)) return null;
      }
      if (index === null || item === undefined) break;
      segments.push(Number(index[1]));
      given = ownData(given, index[1]!);
      if (checked && !fits(item, given)) return null;
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
    given = ownData(given, found.key);
    if (checked && found.value !== null && !fits(found.value, given)) return null;
    rest = wanted.slice(found.key.length);
    node = found.value;
    offset = node?.start ?? found.keyStart;
  }
  if (rest === "" && node?.kind === "object") {
    if (options.field !== undefined) {
      // A field not written here (a spread's, one code set) is not another unknown field's place (rv24).
      const named = node.fields.findLast((each) => each.key === options.field);
      if (named !== undefined) return named.keyStart;
      return segments.length === 0 ? null : offset;
    }
    const known = new Set(knownKeysAt(workflowSchema, [...options.at ?? [], ...segments]));
    if (segments.length === 0) { for (const field of options.extraFields ?? []) known.add(field); }
    const unknown = node.fields.find((field) => !known.has(field.key));
    if (unknown !== undefined) return unknown.keyStart;
  }
  return segments.length === 0 ? null : offset;
}

/**
 * A value the file gave: known, not there (no own property of that name), or not known without running code (a
 * getter, a Proxy: neither is run).
 */
type Given = { state: "known"; value: unknown } | { state: "unknown" } | { state: "absent" };
const UNKNOWN: Given = { state: "unknown" };

/** The given value's own data property `key`: no getter or Proxy trap is run. */
function ownData(given: Given, key: string): Given {
  if (given.state !== "known") return UNKNOWN;
  const { value } = given;
  if (typeof value !== "object" || value === null || types.isProxy(value)) return UNKNOWN;
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  if (descriptor === undefined) return { state: "absent" };
  return "value" in descriptor ? { state: "known", value: descriptor.value } : UNKNOWN;
}

/** Whether a given value is a list, asked of no Proxy (`Array.isArray` throws on a revoked one). */
function isList(given: Given): boolean {
  return given.state === "known" && !types.isProxy(given.value) && Array.isArray(given.value);
}

/**
 * Whether a written value is still the one given at its place: a written scalar equals it, a written object's
 * fields are its own (their scalars equal), a written list is a list (rv16: a list reversed or spliced by code was
 * placed at the item its index had been written at; a getter's number at the literal it hid).
 */
function fits(written: WrittenValue, given: Given): boolean {
  if (written.kind === "other") {
    return written.literal === undefined ||
      (given.state === "known" && Object.is(given.value, written.literal));
  }
  if (given.state !== "known") return false;
  // A list code emptied or cut is not the one written (rv17); one it added to still holds what was written.
  if (written.kind === "list") {
    const length = isList(given) ? ownData(given, "length") : UNKNOWN;
    return length.state === "known" && (!written.complete || Number(length.value) >= written.items.length);
  }
  return written.fields.every((field) => {
    const value = ownData(given, field.key);
    return value.state !== "absent" && (field.value?.kind !== "other" || fits(field.value, value));
  });
}

/**
 * The line and column of offsets in a text: its line starts found once, each offset's line by a binary search
 * (rv15: each place found by splitting the text up to it took 5.6 s for 20,000 mistakes).
 *
 * @param text The text.
 * @returns The place of an offset (in UTF-16 code units, as editors count columns).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linePlacer } from "./_value_places.ts";
 * assert.deepEqual(linePlacer("a\nbc")(3), { line: 2, column: 2 });
 * ```
 */
export function linePlacer(text: string): (offset: number) => SourcePlace {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  };
}

/**
 * An issue's path and place for a mistake that is only a place in the file (a syntax error): no path, told as
 * `line 4, column 5`.
 *
 * @param place Where it is.
 * @returns The issue's `path` and `place`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { atPlace } from "./_value_places.ts";
 * assert.deepEqual(atPlace({ line: 4, column: 5 }), { path: "", place: { line: 4, column: 5 } });
 * ```
 */
export function atPlace(place: SourcePlace): Pick<WorkflowIssue, "path" | "place"> {
  return { path: "", place };
}
