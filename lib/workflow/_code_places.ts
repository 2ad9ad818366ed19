/**
 * Finding where a path of a workflow (`videos[0].sections[2].title`) is written in a TypeScript workflow file, so
 * that its mistakes name a line and a column as a JSON or YAML file's do. The module has run by then and its value
 * is known; what is looked for is where that value is written, and most workflow files write it out as a literal:
 * `export default workflow({ … })`. The file is read as tokens (strings, comments, template literals and regular
 * expressions skipped whole) and its default export followed through object and array literals, the builders'
 * calls (`workflow`, `video`, `section`, `step` return their argument) and names of the file's own top-level
 * constants. A value made by code (a call, a `.map`, an imported name, a spread before the item) is where the
 * search stops: the path is placed at that code.
 * @module
 */
import { codeTokens, type Token, type Tokens } from "./_code_tokens.ts";
import {
  linePlacer,
  type PlaceFinder,
  placeFinder,
  type WrittenField,
  type WrittenValue,
} from "./_value_places.ts";

/**
 * The builders' names (`builders.ts`, which reel's `mod.ts` exports): each returns its argument, so a call's value
 * is written in its first argument.
 */
export const BUILDERS: readonly string[] = ["workflow", "video", "section", "step"];

/** Values written this deep, constants followed counted, are not followed (a workflow nests 100 levels at most). */
const MAX_DEPTH = 200;

/**
 * The finder of a TypeScript (or JavaScript) workflow file's places.
 *
 * @param text The file's text.
 * @param value The default export as the module gave it: a path whose written list or scalar code changed after
 *   it was written gets no place (see `PlaceFinderOptions.value`).
 * @param at Where the default export stands in a workflow (see `PlaceFinderOptions.at`). @default [] (a workflow)
 * @returns The finder; it gives null for every path when the file's default export is not found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placesOfCode } from "./_code_places.ts";
 * const placeOf = placesOfCode(
 *   'import { workflow } from "reel";\nexport default workflow({\n  videos: [{ id: "a", sections: [] }],\n});\n',
 * );
 * assert.deepEqual(placeOf("videos[0].id"), { line: 3, column: 18 });
 * ```
 */
export function placesOfCode(
  text: string,
  value?: { given: unknown },
  at: readonly (string | number)[] = [],
): PlaceFinder {
  // Columns as an editor counts them: a byte order mark is none.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  return placeFinder(defaultExport(source), { linePos: linePlacer(source), value, at });
}

/** The file's default export as written, or null. */
function defaultExport(text: string): WrittenValue | null {
  const source = codeTokens(text);
  if (source === null) return null;
  const { tokens, match } = source;
  const constants = new Map<string, number>();
  let root: number | null = null;
  // The file's top level: names of constants and the default export. A `let` or `var` may be given another value
  // later (rv15: a title set to 5 after it was "ok" was placed at the "ok"): only a `const` is followed.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const closing = match[i];
    if (closing !== undefined) {
      i = closing;
      continue;
    }
    if (token.kind !== "word") continue;
    if (token.text === "export" && tokens[i + 1]?.text === "default") {
      root = tokens[i + 2]?.text === "await" ? i + 3 : i + 2;
    } else if (token.text === "const" && tokens[i + 1]?.kind === "word") {
      const initializer = initializerOf(source, i + 2);
      if (initializer !== null) constants.set(tokens[i + 1]!.text, initializer);
    }
  }
  if (root === null) return null;
  return new LiteralReader(source, constants).read(root, 0);
}

/** Where a declaration's value starts: after its `=`, past a type annotation (`: Workflow`). */
function initializerOf({ tokens, match }: Tokens, at: number): number | null {
  let i = at;
  if (tokens[i]?.text === ":") {
    while (i < tokens.length && tokens[i]!.text !== "=" && tokens[i]!.text !== ";") i = (match[i] ?? i) + 1;
  }
  return tokens[i]?.text === "=" && tokens[i]?.kind === "punct" ? i + 1 : null;
}

/** Reads literals from the tokens into written values. */
class LiteralReader {
  private readonly tokens: readonly Token[];
  private readonly match: readonly (number | undefined)[];
  /** Each constant's value, read once (a constant named in many places is one value), null while it is read. */
  readonly #read = new Map<string, WrittenValue | null>();

  constructor(source: Tokens, private readonly constants: ReadonlyMap<string, number>) {
    this.tokens = source.tokens;
    this.match = source.match;
  }

  /** The value written at token `i`. */
  read(i: number, depth: number): WrittenValue {
    const token = this.tokens[i];
    if (token === undefined) return { kind: "other", start: this.tokens.at(-1)?.start ?? 0 };
    const other: WrittenValue = { kind: "other", start: token.start };
    if (depth > MAX_DEPTH) return other;
    const literal = this.#ends(i + 1) ? literalOf(token) : undefined;
    if (literal !== undefined) return { ...other, literal };
    const next = this.tokens[i + 1];
    // A negative number (rv17: `-1` changed by code was placed at what was written).
    const negated = token.text === "-" && token.kind === "punct" && next !== undefined && this.#ends(i + 2)
      ? literalOf(next)
      : undefined;
    if (typeof negated === "number") return { ...other, literal: -negated };
    if (token.kind === "punct") {
      if (token.text === "{") return { kind: "object", start: token.start, fields: this.#fields(i, depth) };
      if (token.text === "[") return { kind: "list", start: token.start, ...this.#items(i, depth) };
      // A value in parentheses, not an arrow function's parameters.
      const closing = this.match[i];
      if (token.text === "(" && closing !== undefined && this.tokens[closing + 1]?.text !== "=>") {
        return this.read(i + 1, depth + 1);
      }
      return other;
    }
    if (token.kind !== "word" || !this.#ends(i + 1)) {
      // A builder's call: its value is its first argument.
      if (token.kind === "word" && BUILDERS.includes(token.text) && next?.text === "(") {
        const closing = this.match[i + 1]!;
        if (this.#ends(closing + 1) && closing > i + 2) return this.read(i + 2, depth + 1);
      }
      return other;
    }
    return this.#constant(token.text, depth + 1) ?? other;
  }

  /** The value of the file's constant `name`, or null when there is none or it names itself (rv15: `[a, a]`). */
  #constant(name: string, depth: number): WrittenValue | null {
    const initializer = this.constants.get(name);
    if (initializer === undefined) return null;
    if (this.#read.has(name)) return this.#read.get(name)!;
    this.#read.set(name, null);
    const value = this.read(initializer, depth);
    this.#read.set(name, value);
    return value;
  }

  /** Whether the value that started before token `i` ends there (`,`, a closing bracket, `;`, `as`, the end). */
  #ends(i: number): boolean {
    const token = this.tokens[i];
    return token === undefined || [",", "}", "]", ")", ";"].includes(token.text) ||
      (token.kind === "word" && ["as", "satisfies"].includes(token.text));
  }

  /** The parts of the bracket at token `open`, split at its own commas: each part's first token, or null if empty. */
  #parts(open: number): (number | null)[] {
    const close = this.match[open]!;
    const parts: (number | null)[] = [];
    let start = open + 1;
    for (let i = open + 1; i <= close; i++) {
      if (i === close || this.tokens[i]!.text === ",") {
        parts.push(i > start ? start : null);
        start = i + 1;
        continue;
      }
      i = this.match[i] ?? i;
    }
    // A trailing comma leaves no part after it.
    if (parts.length > 0 && parts.at(-1) === null) parts.pop();
    return parts;
  }

  /** The value a spread at token `at` (`...name`) spreads, when it names a constant of the file. */
  #spread(at: number, depth: number): WrittenValue | null {
    const name = this.tokens[at + 1];
    if (this.tokens[at]!.text !== "..." || name?.kind !== "word" || !this.#ends(at + 2)) return null;
    return this.read(at + 1, depth + 1);
  }

  #fields(open: number, depth: number): WrittenField[] {
    let fields: WrittenField[] = [];
    for (const at of this.#parts(open)) {
      const key = at === null ? undefined : this.tokens[at];
      if (at === null || key === undefined) continue;
      if (key.text === "..." && key.kind === "punct") {
        const spread = this.#spread(at, depth);
        // Its fields come before the ones written after it, which win (the finder takes the last of a name); a
        // spread of what is not known may give any field, those written before it included (rv15).
        fields = spread?.kind === "object" ? [...fields, ...spread.fields] : [];
        continue;
      }
      // A computed key, a method: no field written out.
      if (!["word", "string"].includes(key.kind)) continue;
      const after = this.tokens[at + 1];
      if (after?.text === ":" && after.kind === "punct") {
        fields.push({ key: key.text, keyStart: key.start, value: this.read(at + 2, depth + 1) });
      } else if (key.kind === "word" && this.#ends(at + 1)) {
        // `{ title }`: the value of the constant of that name.
        fields.push({ key: key.text, keyStart: key.start, value: this.read(at, depth + 1) });
      }
    }
    return fields;
  }

  #items(open: number, depth: number): { items: WrittenValue[]; complete: boolean } {
    const items: WrittenValue[] = [];
    for (const at of this.#parts(open)) {
      const spread = at === null ? null : this.#spread(at, depth);
      if (spread?.kind === "list" && spread.complete) {
        items.push(...spread.items);
        continue;
      }
      // After another spread, no item is where its index says.
      if (at !== null && this.tokens[at]!.text === "...") return { items, complete: false };
      items.push(at === null ? { kind: "other", start: this.tokens[open]!.start } : this.read(at, depth + 1));
    }
    return { items, complete: true };
  }
}

/** The value of a token written as a scalar (a string, a number, `true`, `false`, `null`), or undefined. */
function literalOf(token: Token): string | number | boolean | null | undefined {
  if (token.kind === "string") return token.text;
  if (token.kind !== "word") return undefined;
  const words: Record<string, boolean | null> = { true: true, false: false, null: null };
  if (token.text in words) return words[token.text];
  // Decimal, hexadecimal, octal or binary, with separators; not a bigint (`10n`).
  const number = /^[0-9.]/.test(token.text) ? Number(token.text.replaceAll("_", "")) : NaN;
  return Number.isNaN(number) ? undefined : number;
}
