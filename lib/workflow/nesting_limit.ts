/**
 * How deeply a workflow's objects and lists may nest, and the checks of a JSON text and of a value made in code
 * (a TypeScript workflow's export): apart from `nesting_depth.ts` (YAML's), so that the CLI and a TypeScript
 * workflow's load do not load the YAML parser.
 * @module
 */
import { messageOf } from "../core/errors.ts";

/** The most levels of objects and lists a workflow may nest (its outer object is one). */
export const MAX_NESTING_DEPTH = 100;

/**
 * The most places a TypeScript workflow's value may hold, an object used in several places counted in each: the
 * schema's checks walk the value place by place, so a value built by sharing (`x = { a: x, b: x }`, forty times
 * over) took them a million million steps, a render that never began. Fifty thousand sections take about a million.
 */
export const MAX_VALUE_PLACES = 5_000_000;

/** The message for a workflow nested deeper than {@linkcode MAX_NESTING_DEPTH}. */
export const TOO_DEEP_MESSAGE =
  `Nested too deeply: reel reads at most ${MAX_NESTING_DEPTH} levels of objects and lists`;

/**
 * The first bracket of a JSON text that opens a level deeper than {@linkcode MAX_NESTING_DEPTH}. Brackets inside
 * strings are not counted; the text need not be valid JSON (it is checked before it is parsed).
 *
 * @param text The text.
 * @returns The bracket's offset, or null when no level is too deep.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tooDeepInJson } from "./nesting_limit.ts";
 * assert.equal(tooDeepInJson(`{"a": ${"[".repeat(99)}${"]".repeat(99)}}`), null);
 * assert.equal(tooDeepInJson(`{"a": ${"[".repeat(100)}`), 105);
 * assert.equal(tooDeepInJson(`{"a": "${"[".repeat(100)}"}`), null);
 * ```
 */
export function tooDeepInJson(text: string): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "{" || char === "[") {
      if (++depth > MAX_NESTING_DEPTH) return i;
    } else if (char === "}" || char === "]") depth = Math.max(0, depth - 1);
    else if (char === '"') {
      // Past the string (and its escapes): brackets inside it do not nest.
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") i++;
      }
    }
  }
  return null;
}

/**
 * The first place where a workflow's value (a TypeScript workflow's export, made in code) is not plain data the
 * schema can read: it nests deeper than {@linkcode MAX_NESTING_DEPTH} levels of plain objects and arrays, or
 * contains itself (the schema's checks and its messages recurse through the value: one that contains itself never
 * ends); it holds more than {@linkcode MAX_VALUE_PLACES} places, shared objects counted where each is used; a list
 * has an empty slot (`[a, , b]`, two commas in a row, which the schema cannot iterate); reading a
 * field throws (a getter, a class's getter, a Proxy). Plain objects, lists and objects of the workflow's own
 * classes are entered; functions (a custom step's `run`) and JavaScript's own objects are not.
 *
 * @param value The value.
 * @returns The path of the first place found and what is wrong there; null when none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueProblem } from "./nesting_limit.ts";
 * const section: Record<string, unknown> = { title: "T" };
 * section.again = section;
 * assert.equal(valueProblem({ videos: [{ sections: [section] }] })?.path, "videos[0].sections[0].again");
 * // deno-lint-ignore no-sparse-arrays
 * assert.equal(valueProblem({ formats: ["16:9", , "1:1"] })?.path, "formats[1]");
 * assert.equal(valueProblem({ videos: [{ sections: [{ title: "T" }] }] }), null);
 * ```
 */
export function valueProblem(value: unknown): { path: string; message: string } | null {
  const inside = new Set<object>();
  let places = 0;
  const walk = (node: unknown, depth: number, path: string): { path: string; message: string } | null => {
    if (++places > MAX_VALUE_PLACES) {
      return {
        path: shortPath(path),
        message:
          `Too large: reel reads at most ${MAX_VALUE_PLACES.toLocaleString("en")} values in a workflow, ` +
          "an object used in several places counted in each",
      };
    }
    let entries: [string, unknown][];
    // The place being read, named if reading it throws (a getter, a Proxy's trap).
    let reading = path;
    try {
      const array = Array.isArray(node);
      const instance = !array && isInstance(node);
      if (!array && !instance && !isPlainObject(node)) return null;
      if (inside.has(node as object)) {
        return { path, message: "A value that contains itself: a workflow's values must be plain data" };
      }
      // Deeper than any workflow: the place where the limit was passed, its path cut short.
      if (depth > MAX_NESTING_DEPTH) {
        return { path: shortPath(path), message: TOO_DEEP_MESSAGE };
      }
      if (array) {
        const list = node as unknown[];
        for (let i = 0; i < list.length; i++) {
          if (!(i in list)) {
            return { path: `${path}[${i}]`, message: "An empty slot in a list (two commas in a row?)" };
          }
        }
        entries = list.map((item, i) => [`${path}[${i}]`, item]);
      } else {
        entries = [];
        for (const key of instance ? fieldsOf(node as object) : Object.keys(node as object)) {
          reading = path === "" ? key : `${path}.${key}`;
          entries.push([reading, (node as Record<string, unknown>)[key]]);
        }
      }
    } catch (error) {
      return readingThrew(reading === "" ? "(the default export)" : reading, error);
    }
    inside.add(node as object);
    for (const [place, item] of entries) {
      const found = walk(item, depth + 1, place);
      if (found !== null) return found;
    }
    inside.delete(node as object);
    return null;
  };
  return walk(value, 1, "");
}

/**
 * The issue of a workflow's value whose reading threw (a getter, a Proxy's trap), at `path` (empty: the file's).
 *
 * @param path Where.
 * @param error What reading it threw.
 * @returns The issue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readingThrew } from "./nesting_limit.ts";
 * assert.equal(readingThrew("videos", new Error("no")).message, "Reading the value threw: no");
 * ```
 */
export function readingThrew(path: string, error: unknown): { path: string; message: string } {
  return { path, message: `Reading the value threw: ${messageOf(error)}` };
}

/** A path cut short where a limit was passed deep in the value (its 100 levels need not all be read). */
function shortPath(path: string): string {
  return path.length > 80 ? `${path.slice(0, 80)}…` : path;
}

/**
 * An object of a class the workflow wrote (not one of JavaScript's or Deno's own: a Date, a URL, a typed array),
 * whose fields the schema reads, getters on its class included.
 */
function isInstance(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return false;
  const made = (prototype as { constructor?: unknown }).constructor;
  // Deno writes some of its own classes in JavaScript (URL, Headers, Request): a global of that name is not ours.
  if (typeof made !== "function" || (globalThis as Record<string, unknown>)[made.name] === made) return false;
  return !Function.prototype.toString.call(made).includes("[native code]");
}

/** The fields of a class's object as the schema reads them: its own, and the getters of its classes. */
function fieldsOf(value: object): string[] {
  const keys = new Set(Object.keys(value));
  for (
    let prototype = Object.getPrototypeOf(value);
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const [key, field] of Object.entries(Object.getOwnPropertyDescriptors(prototype))) {
      if (field.get !== undefined) keys.add(key);
    }
  }
  return [...keys];
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
