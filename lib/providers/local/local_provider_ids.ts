/**
 * Ids and versions of the local providers, as they appear in step keys and in `plan`.
 * @module
 */

const VERSIONS = { espeak: 1, flite: 1, slides: 1, pocketsphinx: 1 } as const;

/**
 * The provider id of a local speech engine.
 *
 * @param engine `espeak` or `flite`.
 * @returns e.g. `local/espeak@1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { speechProviderId } from "./local_provider_ids.ts";
 * assert.ok(speechProviderId("flite") === "local/flite@1");
 * ```
 */
export function speechProviderId(engine: "espeak" | "flite"): string {
  return `local/${engine}@${VERSIONS[engine]}`;
}

/**
 * The provider id of the local slide renderer.
 *
 * @returns e.g. `local/slides@1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideProviderId } from "./local_provider_ids.ts";
 * assert.ok(slideProviderId().startsWith("local/slides@"));
 * ```
 */
export function slideProviderId(): string {
  return `local/slides@${VERSIONS.slides}`;
}

/**
 * The provider id of a local speech recognizer.
 *
 * @param engine `pocketsphinx`.
 * @returns e.g. `local/pocketsphinx@1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transcriberProviderId } from "./local_provider_ids.ts";
 * assert.ok(transcriberProviderId("pocketsphinx") === "local/pocketsphinx@1");
 * ```
 */
export function transcriberProviderId(engine: "pocketsphinx"): string {
  return `local/${engine}@${VERSIONS[engine]}`;
}
