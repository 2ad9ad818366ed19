/**
 * Content keys: SHA-256 of the canonical JSON of a step's kind, provider, parameters and input keys.
 * @module
 */
import { createHash } from "node:crypto";
import type { Json } from "../workflow/schema.ts";

/**
 * Serialises a JSON value with object keys sorted, so equal values give equal text.
 *
 * @param value Any JSON value.
 * @returns Its canonical text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalJson } from "./step_key.ts";
 * assert.ok(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) === '{"a":[2,{"c":4,"d":3}],"b":1}');
 * ```
 */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as Json)}`).join(",")}}`;
}

/** What a step's key is made of. */
export interface StepKeyParts {
  /** Step kind and its version, e.g. `clip@1`. */
  kind: string;
  /** Provider id and version, e.g. `local/espeak@1`, or null. */
  provider: string | null;
  /** The resolved parameters that shape the result. */
  params: Json;
  /** The keys of the step's inputs, in order. */
  inputs: readonly string[];
}

/**
 * Computes a step's content key.
 *
 * @param parts Kind, provider, params and input keys.
 * @returns 64 hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepKey } from "./step_key.ts";
 * const key = stepKey({ kind: "clip@1", provider: null, params: { fps: 1 }, inputs: [] });
 * assert.ok(key.length === 64);
 * ```
 */
export function stepKey(parts: StepKeyParts): string {
  const text = canonicalJson({
    kind: parts.kind,
    provider: parts.provider,
    params: parts.params,
    inputs: [...parts.inputs],
  });
  return createHash("sha256").update(text).digest("hex");
}
