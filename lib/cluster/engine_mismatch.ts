/**
 * Whether a worker makes the bytes a step's key names: each entry of the step's `engine` that names a local engine
 * (ffmpeg, espeak-ng, the slide renderer, libx264, pocketsphinx, the caption font, ICU) is compared with what that engine
 * is on the worker's host. Entries the step does not hold are not looked at; the others (a provider's API, a custom
 * step's code, which the job guard checks by its module's digest) are not local engines.
 * @module
 */
import type { Json } from "../core/json.ts";

/** The entries of a step's `engine` that name a local engine, and how a message names each. */
export const ENGINE_ENTRIES = {
  ffmpeg: "ffmpeg",
  espeak: "espeak-ng",
  renderer: "the slide renderer",
  x264: "libx264",
  pocketsphinx: "pocketsphinx",
  font: "the caption font",
  text: "the text segmenter (ICU)",
} as const;

/** An entry of a step's `engine` that names a local engine. */
export type EngineEntry = keyof typeof ENGINE_ENTRIES;

/** An entry whose planned value is not what the worker has. */
export interface EngineMismatch {
  /** The entry. */
  entry: EngineEntry;
  /** Its value in the step's key. */
  planned: Json;
  /** What the worker has, or null when it has none. */
  actual: string | null;
}

/**
 * Compares the local engines a step's key holds with the worker's.
 *
 * @param engine The step's `engine`, as planned.
 * @param identity What an entry is on the worker (null: none there); asked only for entries the step holds.
 * @returns The entries that differ, in {@linkcode ENGINE_ENTRIES}' order; empty when the worker matches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineMismatches } from "./engine_mismatch.ts";
 * const here = (entry: string) => Promise.resolve(entry === "ffmpeg" ? "ffmpeg 6" : null);
 * assert.deepEqual(await engineMismatches({ ffmpeg: "ffmpeg 6", api: "openai" }, here), []);
 * assert.deepEqual(await engineMismatches({ ffmpeg: "ffmpeg 5" }, here), [
 *   { entry: "ffmpeg", planned: "ffmpeg 5", actual: "ffmpeg 6" },
 * ]);
 * ```
 */
export async function engineMismatches(
  engine: Json,
  identity: (entry: EngineEntry) => Promise<string | null>,
): Promise<EngineMismatch[]> {
  if (typeof engine !== "object" || engine === null || Array.isArray(engine)) return [];
  const mismatches: EngineMismatch[] = [];
  for (const entry of Object.keys(ENGINE_ENTRIES) as EngineEntry[]) {
    if (!Object.hasOwn(engine, entry)) continue;
    const planned = engine[entry] ?? null;
    const actual = await identity(entry);
    if (planned !== actual) mismatches.push({ entry, planned, actual });
  }
  return mismatches;
}

/**
 * Says why a worker will not run a step whose engines it does not match.
 *
 * @param step The step's id.
 * @param mismatches What differs (at least one).
 * @returns e.g. `step "intro/s1/speech" was planned with espeak-ng "eSpeak NG 1.51", but this worker has
 * "eSpeak NG 1.52": install the same version here, or run this worker elsewhere`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineMismatchMessage } from "./engine_mismatch.ts";
 * assert.equal(
 *   engineMismatchMessage("a/speech", [{ entry: "espeak", planned: "1.51", actual: null }]),
 *   'step "a/speech" was planned with espeak-ng "1.51", but this worker has none: install the same version here, or run this worker elsewhere',
 * );
 * assert.match(
 *   engineMismatchMessage("a/video", [{
 *     entry: "ffmpeg",
 *     planned: "ffmpeg version 5.1 Copyright (c) 2000-2026 the FFmpeg developers",
 *     actual: "ffmpeg version 9.9 Copyright (c) 2000-2025 the FFmpeg developers",
 *   }]),
 *   /planned with ffmpeg "ffmpeg version 5\.1", but this worker has "ffmpeg version 9\.9": install/,
 * );
 * assert.match(
 *   engineMismatchMessage("a/video", [{
 *     entry: "ffmpeg",
 *     planned: "ffmpeg version 5.1 Copyright (c) 2000-2026 the FFmpeg developers #0123456789abcdef",
 *     actual: "ffmpeg version 5.1 Copyright (c) 2000-2025 the FFmpeg developers #fedcba9876543210",
 *   }]),
 *   /ffmpeg "ffmpeg version 5\.1" and this worker has that version too, but other files/,
 * );
 * assert.match(
 *   engineMismatchMessage("a/video", [{ entry: "ffmpeg", planned: "ffmpeg 5.1 #0123456789abcdef", actual: "ffmpeg 5.1 #fedcba9876543210" }]),
 *   /ffmpeg "ffmpeg 5\.1" and this worker has that version too, but other files \(#0123456789abcdef planned, #fedcba9876543210 here: /,
 * );
 * ```
 */
export function engineMismatchMessage(step: string, mismatches: readonly EngineMismatch[]): string {
  // The same version's text, other files (a wrapper script, a rebuilt binary or library): said as such, since the
  // two texts read alike but for their digests (rb: "install the same version" of the version it had).
  const [only] = mismatches;
  const { planned: version, actual: here } = only ?? { planned: null, actual: null };
  // Without the copyright lines too (rv34: two builds of one version, their years apart, were told to install it).
  const bare = (value: string) => value.replace(DIGEST, "").replace(COPYRIGHT, "");
  if (
    mismatches.length === 1 && typeof version === "string" && here !== null && bare(version) === bare(here)
  ) {
    const digests = (value: string) => (value.match(DIGEST) ?? []).map((digest) => digest.trim()).join(" ");
    return `step "${step}" was planned with ${ENGINE_ENTRIES[only!.entry]} ${
      shown(bare(version))
    } and this ` +
      `worker has that version too, but other files (${digests(version)} planned, ${digests(here)} here: a ` +
      "wrapper script, or a binary or library built or patched otherwise): use the same files here, or run this " +
      "worker elsewhere";
  }
  const planned = mismatches.map(({ entry, planned }) => `${ENGINE_ENTRIES[entry]} ${shown(planned)}`);
  const actual = mismatches.map(({ entry, actual }) =>
    mismatches.length === 1 ? shown(actual) : `${ENGINE_ENTRIES[entry]} ${shown(actual)}`
  );
  const versions = mismatches.length === 1 ? "version" : "versions";
  return `step "${step}" was planned with ${planned.join(" and ")}, but this worker has ${
    actual.join(" and ")
  }: install the same ${versions} here, or run this worker elsewhere`;
}

/** The digests an engine's identity holds of its files (`#` and 16 hex digits). */
const DIGEST = / ?#[0-9a-f]{16}/g;

/** The copyright line ffmpeg's and ffprobe's `-version` begin with after the version. */
const COPYRIGHT = / Copyright \(c\) [^;#]*? developers/g;

/**
 * A value as a message shows it: quoted, on one line (libx264's identity has tabs), without ffmpeg's and ffprobe's
 * copyright lines (fi17: 400 characters a step, the versions hard to find in them), or `none`.
 */
function shown(value: Json): string {
  if (value === null) return "none";
  return JSON.stringify(
    String(value).replace(/\s+/g, " ").replace(COPYRIGHT, ""),
  );
}
