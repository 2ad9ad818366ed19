/**
 * Workflow files written as data, JSON or YAML: the text parsed into the value a TypeScript workflow exports,
 * with the place of every value kept for messages.
 * @module
 */
import { type Document, LineCounter, parseDocument, visit, type YAMLError } from "yaml";
import { WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import { duplicateJsonKey } from "./_json_duplicate_key.ts";
import { jsonErrorOffset } from "./_json_error_offset.ts";
import { tooDeepInYaml } from "./nesting_depth.ts";
import { TOO_DEEP_MESSAGE, tooDeepInJson } from "./nesting_limit.ts";
import { placesOf, placesOfText } from "./_source_places.ts";
import { atPlace, linePlacer, type PlaceFinder } from "./_value_places.ts";
import type { DataFormat } from "./data_format.ts";
import { NEEDS_A_JOB } from "./needs_a_job.ts";

/** A workflow file's value and where each of its values is written. */
export interface DataWorkflow {
  /** The parsed value, as a TypeScript workflow's default export would be. */
  value: unknown;
  /** Finds the line and column of a workflow path (`videos[0].sections[2].title`), or null. */
  placeOf: PlaceFinder;
}

/**
 * Parses a JSON or YAML workflow file. JSON is read by `JSON.parse`, exactly as JSON (a byte order mark aside),
 * and a key may appear once per object; YAML as YAML 1.2 (core schema: `yes` stays a string; a key may appear once
 * per mapping; one document per file). Objects and lists may nest at most 100 levels deep (the file's outer object
 * is one).
 *
 * @param text The file's text.
 * @param options Its format, and its name for messages.
 * @returns The value and the finder of places.
 * @throws {WorkflowError} When the text does not parse or nests too deeply: each mistake at its line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDataWorkflow } from "./data_workflow.ts";
 * const { value, placeOf } = parseDataWorkflow("videos:\n  - id: intro\n", { format: "yaml", file: "a.yaml" });
 * assert.deepEqual(value, { videos: [{ id: "intro" }] });
 * assert.deepEqual(placeOf("videos[0].id"), { line: 2, column: 9 });
 * ```
 */
export function parseDataWorkflow(text: string, options: { format: DataFormat; file: string }): DataWorkflow {
  return options.format === "json" ? parseJson(text, options.file) : parseYaml(text, options.file);
}

/**
 * An empty file, or YAML of comments alone (nt4: "Expected an object, got null", and JSON's a syntax error).
 */
function emptyFile(file: string): WorkflowError {
  return new WorkflowError(file, [{
    path: "",
    message: `The file is empty: ${NEEDS_A_JOB}`,
  }]);
}

function parseJson(source: string, file: string): DataWorkflow {
  // A byte order mark is not JSON, but editors write one; JSON's standard lets a reader ignore it.
  const text = source.startsWith("\uFEFF") ? ` ${source.slice(1)}` : source;
  // Before parsing: finding the place of a syntax error recurses as deeply as the text nests.
  const tooDeep = tooDeepInJson(text);
  if (tooDeep !== null) {
    throw new WorkflowError(file, [{
      ...atPlace(linePlacer(text)(tooDeep)),
      message: TOO_DEEP_MESSAGE,
    }]);
  }
  if (text.trim() === "") throw emptyFile(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const offset = jsonErrorOffset(text) ?? text.length;
    const known = jsonMistake(text, offset);
    const place = linePlacer(text)(known?.offset ?? offset);
    throw new WorkflowError(file, [{
      ...atPlace(place),
      message: known?.message ?? jsonHeadline(error.message),
    }], {
      cause: error,
    });
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate !== null) {
    throw new WorkflowError(file, [{
      ...atPlace(linePlacer(text)(duplicate.offset)),
      message: `Field "${duplicate.key}" is written twice in one object`,
    }]);
  }
  let finder: PlaceFinder | null = null;
  // Places are read only when a message needs them.
  return { value, placeOf: (path, field) => (finder ??= placesOfText(text))(path, field) };
}

function parseYaml(text: string, file: string): DataWorkflow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // The parser's stack ran out (it says so by this code): the text nests far deeper than reel reads.
  const exhausted = document.errors.find((error) => error.code === "RESOURCE_EXHAUSTION");
  if (exhausted !== undefined) {
    throw new WorkflowError(file, [{
      ...yamlIssue(exhausted, { text, lineCounter, prefix: "" }),
      message: TOO_DEEP_MESSAGE,
    }]);
  }
  // The first syntax error only, as for JSON and TypeScript: the parser's next ones are most often what the first
  // made of the lines after it (one stray `#` said three errors on one line).
  const first = document.errors.toSorted((a, b) => a.pos[0] - b.pos[0]).slice(0, 1);
  const problems = [
    ...first.map((error) => yamlIssue(error, { text, lineCounter, prefix: "Syntax error: " })),
    ...document.warnings.map((warning) => yamlIssue(warning, { text, lineCounter, prefix: "" })),
  ];
  if (problems.length > 0) throw new WorkflowError(file, problems);
  if (document.contents === null) throw emptyFile(file);
  const tooDeep = tooDeepInYaml(document.contents);
  if (tooDeep !== null) {
    const { line, col } = lineCounter.linePos(tooDeep);
    throw new WorkflowError(file, [{
      ...atPlace({ line, column: col }),
      message: TOO_DEEP_MESSAGE,
    }]);
  }
  const folded = foldedItems(document, text);
  if (folded.length > 0) {
    const placeOf = linePlacer(text);
    throw new WorkflowError(
      file,
      folded.map(({ offset, value }) => ({
        ...atPlace(placeOf(offset)),
        message:
          `This line, which starts with "-", is read as part of the item above it ("${value}"): YAML joins ` +
          "a line indented under an item's text to it. To make it an item of its own, line its - up with the one " +
          "above; to keep it in the item, quote the item's text",
      })),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias whose anchor is missing, or aliases that expand without bound.
    if (!(error instanceof ReferenceError)) throw error;
    throw new WorkflowError(file, [{ path: "", message: error.message }], { cause: error });
  }
  return { value, placeOf: placesOf(document, lineCounter) };
}

/**
 * The list items written plain (unquoted) over several lines of which one starts with `-`: YAML reads `- a` with
 * `  - b` under it as the one item "a - b" (nt9: bullets meant as two were one, unwarned). A field's text is left
 * as written (a line of prose may start with a dash). Each is given by where its first such line's `-` stands, and
 * by its value (cut at 40 characters).
 */
function foldedItems(document: Document, text: string): { offset: number; value: string }[] {
  const found: { offset: number; value: string }[] = [];
  visit(document, {
    Scalar(key, node) {
      if (
        typeof key !== "number" || node.type !== "PLAIN" || node.range === undefined || node.range === null
      ) {
        return;
      }
      const line = /\n[ \t]*-(?=[ \t\n]|$)/.exec(text.slice(node.range[0], node.range[1]));
      if (line === null) return;
      const value = String(node.value);
      found.push({
        offset: node.range[0] + line.index + line[0].length - 1,
        value: value.length > 40 ? `${value.slice(0, 39)}…` : value,
      });
    },
  });
  return found;
}

function yamlIssue(
  error: YAMLError,
  source: { text: string; lineCounter: LineCounter; prefix: string },
): WorkflowIssue {
  const { line, col } = source.lineCounter.linePos(error.pos[0]);
  const [headline = error.message] = error.message.split("\n");
  // The parser's own words here name its API (`use YAML.parseAllDocuments()`): said as the rule it is.
  const message = error.code === "MULTIPLE_DOCS"
    ? "A workflow file holds one YAML document; this one starts a second here (after ---): give it a file of its own"
    : `${source.prefix}${headline.replace(/\.$/, "")}`;
  // A line indented wrong is placed at its start, column 1 (nt4, nt6): placed where its text starts, and said
  // against the key above it, where the line above holds one (not a block of text, rv11).
  const lines = source.text.split("\n");
  const text = lines[line - 1] ?? "";
  const indent = col === 1 && text.trim() !== "" ? indentOf(text) : 0;
  if (indent === 0 || !INDENT_CODES.has(error.code)) {
    return { ...atPlace({ line, column: col }), message };
  }
  const aboveAt = lines.slice(0, line - 1).findLastIndex((other) =>
    other.trim() !== "" && !other.trim().startsWith("#")
  );
  // Items of one list not lined up (nt10: said in the parser's words, "a block sequence may not be used as an
  // implicit map key", at column 1), against the item above nearest in column (rv16: not the line just above,
  // which is most often a field of that item, or an item of a list inside it).
  const sibling = error.code === "BLOCK_AS_IMPLICIT_KEY" && ITEM.test(text)
    ? itemAbove(lines, line - 1)
    : null;
  if (sibling !== null) {
    return {
      ...atPlace({ line, column: indent + 1 }),
      message:
        `Syntax error: the items of a list line up: this item's - is at column ${indent + 1}, the one ` +
        `above at column ${sibling + 1}`,
    };
  }
  // The key of the line above: after its indent and any `- ` of a list's item; none in a block of text (rv12: a
  // line of text with a colon was taken for a key).
  const key = aboveAt < 0 || inBlockText(lines, aboveAt)
    ? null
    : KEY_LINE.exec(lines[aboveAt]!)?.[1]?.length ?? null;
  return {
    ...atPlace({ line, column: indent + 1 }),
    message: key === null || key === indent
      ? message
      : `${message} (this line starts at column ${indent + 1}, the key above it at column ${key + 1})`,
  };
}

/** The spaces a line starts with. */
function indentOf(text: string): number {
  return /^ */.exec(text)![0].length;
}

/** A line that starts a list's item. */
const ITEM = /^ *-(?:\s|$)/;

/**
 * The indent of the list item above line `at` that a mis-indented item there most likely belongs with: of the
 * items above, back to a line indented less than them all, the one whose `-` is nearest in column (the first such
 * going up); null when there is none or it is in the same column.
 */
function itemAbove(lines: readonly string[], at: number): number | null {
  const indent = indentOf(lines[at]!);
  let best: number | null = null;
  for (let i = at - 1; i >= 0; i--) {
    const text = lines[i]!;
    // A line of a block of text is no item, whatever it starts with (rv17).
    if (text.trim() === "" || text.trim().startsWith("#") || inBlockText(lines, i)) continue;
    const above = indentOf(text);
    if (ITEM.test(text)) {
      // Of two as near, the outer list's.
      const distance = Math.abs(above - indent);
      if (
        best === null || distance < Math.abs(best - indent) ||
        (distance === Math.abs(best - indent) && above < best)
      ) {
        best = above;
      }
    } else if (best !== null && above < Math.min(best, indent)) break;
    else if (best === null && above < indent - 2) break;
  }
  return best === null || best === indent ? null : best;
}

/**
 * Whether line `at` is a line of a block of text (`narration: |`): a block's lines are indented deeper than its
 * header's key, and the first line above them indented less is the header. A key after the block, as deep as the
 * header's key (`slide:` under `- narration: |`), ends it (rv13).
 */
function inBlockText(lines: readonly string[], at: number): boolean {
  let shallowest = indentOf(lines[at]!);
  for (let i = at - 1; i >= 0; i--) {
    const text = lines[i]!;
    if (text.trim() === "" || indentOf(text) >= shallowest) continue;
    if (BLOCK_HEADER.test(text)) return shallowest > (KEY_LINE.exec(text)?.[1]?.length ?? indentOf(text));
    shallowest = indentOf(text);
  }
  return false;
}

/** A line that starts a block of text: `key: |`, `- >-`, with a comment after it or not. */
const BLOCK_HEADER = /(?:^|:| -|^-)\s*[|>][1-9+-]{0,2}\s*(?:#.*)?$/;

/** A line that holds a key (`  - id: a`, `title:`), its indent and list marks first. */
const KEY_LINE = /^( *(?:- +)*)(?:[^\s#'"{[\]-][^:#]*|"[^"]*"|'[^']*'):(?: |$)/;

/** The parser's codes for a line indented wrong. */
const INDENT_CODES: ReadonlySet<string> = new Set(["MISSING_CHAR", "BAD_INDENT", "BLOCK_AS_IMPLICIT_KEY"]);

/**
 * A mistake JSON.parse says in its own words that a writer of TypeScript or JavaScript makes (nt21: a comma after
 * a list's last item said "Expected double-quoted property name"): said in reel's, at its place; null for others.
 *
 * @param text The JSON.
 * @param offset Where the parser stopped.
 * @returns The message and where the mistake is, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonMistake } from "./data_workflow.ts";
 * assert.equal(jsonMistake('{"a": [1, 2, ]}', 13)?.offset, 11);
 * assert.match(jsonMistake('{"a": 1} // note', 9)?.message ?? "", /no comments/);
 * assert.equal(jsonMistake('{"a" 1}', 5), null);
 * ```
 */
export function jsonMistake(text: string, offset: number): { message: string; offset: number } | null {
  const at = text.slice(offset);
  if (at.startsWith("}") || at.startsWith("]")) {
    const comma = text.slice(0, offset).trimEnd();
    if (comma.endsWith(",")) {
      return {
        message: `Syntax error: a comma after the last item, before ${
          at[0]
        }: JSON allows none there (delete it)`,
        offset: comma.length - 1,
      };
    }
  }
  if (at.startsWith("//") || at.startsWith("/*")) {
    return {
      message: "Syntax error: JSON has no comments (write the workflow as YAML or TypeScript to keep them)",
      offset,
    };
  }
  if (at.startsWith("'")) {
    return { message: 'Syntax error: JSON writes texts and field names between double quotes (")', offset };
  }
  return null;
}

/** V8's message without the offset it adds (the place is given apart) or the copy of the text. */
function jsonHeadline(message: string): string {
  const headline = message
    .replace(/ (?:in JSON )?at position \d+[\s\S]*$/, "")
    .replace(/, [\s\S]*is not valid JSON$/, "");
  return `Syntax error: ${headline === "" ? message : headline}`;
}
