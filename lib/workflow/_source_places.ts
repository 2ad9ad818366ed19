/**
 * Finding where a path of a workflow (`videos[0].sections[2].title`) is written in a YAML or JSON file, through
 * the YAML parser's nodes, which keep their offsets in the source.
 * @module
 */
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { knownKeysAt } from "../schema/workflow_issues.ts";
import type { PlaceFinder } from "./data_workflow.ts";
import { workflowSchema } from "./workflow_schema.ts";

/** Fields a data workflow may hold that the workflow schema does not name. */
export const EXTRA_DATA_FIELDS: readonly string[] = ["$schema"];

/**
 * Reads the places of a data file's values: the place of a path is where its value starts, or where its key is
 * written when the value is empty; a path that leads nowhere (a field that is missing) is placed at the
 * deepest value it reaches; an object that holds fields the format does not know is placed at the first such
 * field.
 *
 * @param document The parsed file, made with `lineCounter`.
 * @param lineCounter The line starts of the source.
 * @returns The finder; it gives null for every path when the document did not parse.
 */
export function placesOf(document: Document, lineCounter: LineCounter): PlaceFinder {
  if (document.errors.length > 0) return () => null;
  return (path) => {
    const offset = offsetOf(document.contents, path);
    if (offset === null) return null;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
}

/**
 * The finder of a source text parsed as YAML (JSON text parses the same way).
 *
 * @param text The source.
 * @returns The finder.
 */
export function placesOfText(text: string): PlaceFinder {
  const lineCounter = new LineCounter();
  return placesOf(parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter);
}

function offsetOf(root: unknown, path: string): number | null {
  let node = root as Node | null;
  let offset = node?.range?.[0] ?? null;
  let rest = path;
  const segments: (string | number)[] = [];
  while (rest !== "" && node !== null) {
    if (isSeq(node)) {
      const index = /^\[(\d+)\]/.exec(rest);
      const item = index === null ? undefined : node.items[Number(index[1])] as Node | undefined;
      if (index === null || item === undefined) break;
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      node = item;
      offset = item.range?.[0] ?? offset;
      continue;
    }
    if (!isMap(node)) break;
    const wanted = rest.startsWith(".") ? rest.slice(1) : rest;
    // The longest key that the path starts with, so a key with a dot in it is found whole.
    let found: { key: string; pair: (typeof node.items)[number] } | null = null;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null || !wanted.startsWith(key) || (found !== null && found.key.length >= key.length)) {
        continue;
      }
      const next = wanted[key.length];
      if (next === undefined || next === "." || next === "[") found = { key, pair };
    }
    if (found === null) break;
    segments.push(found.key);
    rest = wanted.slice(found.key.length);
    const value = found.pair.value as Node | null;
    node = value;
    // An empty value (`narration:` and nothing) is placed at its key.
    const written = value?.range !== undefined && value.range !== null && value.range[1] > value.range[0];
    offset = written ? value!.range![0] : (found.pair.key as Node).range?.[0] ?? offset;
  }
  if (rest === "" && node !== null && isMap(node)) {
    const known = new Set(knownKeysAt(workflowSchema, segments));
    if (segments.length === 0) { for (const field of EXTRA_DATA_FIELDS) known.add(field); }
    const unknown = node.items.find((pair) => isScalar(pair.key) && !known.has(String(pair.key.value)));
    if (unknown !== undefined) return (unknown.key as Node).range?.[0] ?? offset;
  }
  return segments.length === 0 ? null : offset;
}
