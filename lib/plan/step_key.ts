/**
 * Content keys: SHA-256 of the canonical JSON of a step's kind and its code version, its engine (provider,
 * endpoint, binary versions, code), its parameters and its inputs' keys.
 * @module
 */
import type { Json } from "../core/json.ts";
import { sha256Hex } from "../core/sha256.ts";
import type { PlanStep } from "./plan_step.ts";

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

/**
 * Computes a step's content key: the one function that keys planned steps, run-time children, and steps whose
 * inputs spawned children.
 *
 * @param step Kind and the version of its code, engine and params.
 * @param inputs The output keys of the step's inputs, in order (see {@linkcode outputKey}).
 * @returns 64 hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepKey } from "./step_key.ts";
 * const key = stepKey({ kind: "clip", version: 1, engine: { ffmpeg: "5.1" }, params: { fps: 1 } }, []);
 * assert.ok(key.length === 64);
 * assert.notEqual(key, stepKey({ kind: "clip", version: 1, engine: { ffmpeg: "6.0" }, params: { fps: 1 } }, []));
 * ```
 */
export function stepKey(
  step: Pick<PlanStep, "kind" | "version" | "engine" | "params">,
  inputs: readonly string[],
): string {
  const text = canonicalJson({
    kind: `${step.kind}@${step.version}`,
    engine: step.engine,
    params: step.params,
    inputs: [...inputs],
  });
  return sha256Hex(text);
}

/**
 * The key a step's provider answer is kept under (the store's `answerPath`): its key with `answerEngine` for its
 * engine, the local decoder left out; null when it has none (its answer is kept under its own key).
 *
 * @param step The planned step.
 * @param inputs The keys of its inputs' outputs, as its own key takes them.
 * @returns 64 hex digits, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answerKey } from "./step_key.ts";
 * const speech = { kind: "speech", version: 1, params: { text: "Hi" }, answerEngine: { api: "openai" } };
 * const ffmpeg5 = answerKey({ ...speech, engine: { api: "openai", ffmpeg: "5.1" } }, []);
 * assert.equal(ffmpeg5, answerKey({ ...speech, engine: { api: "openai", ffmpeg: "6.0" } }, []));
 * assert.equal(answerKey({ ...speech, engine: {}, answerEngine: undefined }, []), null);
 * ```
 */
export function answerKey(
  step: Pick<PlanStep, "kind" | "version" | "engine" | "params" | "answerEngine">,
  inputs: readonly string[],
): string | null {
  if (step.answerEngine === undefined) return null;
  // Wrapped, so that no step's own key is an answer key.
  return stepKey({ ...step, engine: { answer: step.answerEngine } }, inputs);
}

/**
 * The key that stands for a step's whole output in its dependents' keys: its own key, or, when it added children
 * at run time, a digest of its key and its children's output keys, so a changed child changes every dependent.
 *
 * @param key The step's key.
 * @param children The output keys of the children it spawned, in order.
 * @returns The step's own key when it has no children, else a digest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputKey } from "./step_key.ts";
 * assert.equal(outputKey("a".repeat(64), []), "a".repeat(64));
 * assert.notEqual(outputKey("a".repeat(64), ["b".repeat(64)]), outputKey("a".repeat(64), ["c".repeat(64)]));
 * ```
 */
export function outputKey(key: string, children: readonly string[]): string {
  if (children.length === 0) return key;
  return sha256Hex(canonicalJson({ step: key, children: [...children] }));
}
