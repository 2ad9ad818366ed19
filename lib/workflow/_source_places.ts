/**
 * Finding where a path of a workflow (`videos[0].sections[2].title`) is written in a YAML or JSON file, through
 * the YAML parser's nodes, which keep their offsets in the source.
 * @module
 */
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { type PlaceFinder, placeFinder, type WrittenValue } from "./_value_places.ts";

/** Fields a data workflow may hold that the workflow schema does not name. */
export const EXTRA_DATA_FIELDS: readonly string[] = ["$schema"];

/**
 * Reads the places of a data file's values (see `placeFinder` in `_value_places.ts`).
 *
 * @param document The parsed file, made with `lineCounter`.
 * @param lineCounter The line starts of the source.
 * @param at Where the file's value stands in a workflow (see `PlaceFinderOptions.at`). @default [] (a workflow)
 * @returns The finder; it gives null for every path when the document did not parse.
 */
export function placesOf(
  document: Document,
  lineCounter: LineCounter,
  at: readonly (string | number)[] = [],
): PlaceFinder {
  const root = document.errors.length > 0 ? null : writtenValue(document.contents);
  return placeFinder(root, {
    linePos: (offset) => {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
    extraFields: at.length === 0 ? EXTRA_DATA_FIELDS : [],
    at,
  });
}

/**
 * The finder of a source text parsed as YAML (JSON text parses the same way).
 *
 * @param text The source.
 * @param at Where its value stands in a workflow (see `PlaceFinderOptions.at`). @default [] (a workflow)
 * @returns The finder.
 */
export function placesOfText(text: string, at: readonly (string | number)[] = []): PlaceFinder {
  const lineCounter = new LineCounter();
  return placesOf(parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter, at);
}

/** A YAML node as a written value; an empty one (`narration:` and nothing) is none. */
function writtenValue(node: unknown): WrittenValue | null {
  if (!isNode(node) || node.range === undefined || node.range === null) return null;
  const [start, end] = node.range;
  if (isSeq(node)) {
    // An empty item (`- ` and nothing) is placed where it stands.
    const at = (item: unknown) => isNode(item) ? item.range?.[0] ?? start : start;
    return {
      kind: "list",
      start,
      items: node.items.map((item) => writtenValue(item) ?? { kind: "other", start: at(item) }),
      complete: true,
    };
  }
  if (isMap(node)) {
    const fields = node.items.flatMap((pair) => {
      const key = pair.key;
      if (!isScalar(key) || key.range === undefined || key.range === null) return [];
      return [{ key: String(key.value), keyStart: key.range[0], value: writtenValue(pair.value) }];
    });
    return { kind: "object", start, fields };
  }
  return end > start ? { kind: "other", start } : null;
}
