/**
 * Telling a workflow file written as data (JSON or YAML) by its name, without loading the YAML parser: a
 * TypeScript workflow never needs it.
 * @module
 */

/** The data formats a workflow file may be written in. */
export type DataFormat = "json" | "yaml";

/**
 * Tells a data workflow file by its name: `.json`, or `.yaml` and `.yml`, in any case.
 *
 * @param file The file's path.
 * @returns Its format, or null for any other file (a TypeScript module).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataFormatOf } from "./data_format.ts";
 * assert.equal(dataFormatOf("lessons/rain.YML"), "yaml");
 * assert.equal(dataFormatOf("workflows/lesson.ts"), null);
 * ```
 */
export function dataFormatOf(file: string): DataFormat | null {
  const extension = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (extension === "json") return "json";
  return extension === "yaml" || extension === "yml" ? "yaml" : null;
}
