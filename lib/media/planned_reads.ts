/**
 * The files outside the store that a step reads by path (a slide's picture, a lesson's music, a variant's input),
 * each with the digest of the bytes its key was made from. The plan reads them once; the step reads them again, by
 * path, later: a file replaced meanwhile would be made into an artifact stored under the old bytes' key, and served
 * for them from then on (kr2: a picture swapped while a 25-section render ran). The worker checks each one after
 * the step ran, before its artifact is stored, and fails the step otherwise.
 * @module
 */
import { UnrecoverableError } from "../core/errors.ts";
import type { Json } from "../core/json.ts";
import type { StepTask } from "../core/step_task.ts";
import { fileDigests } from "./file_digests.ts";

/** A file a step reads by path, and the SHA-256 (hexadecimal, 16 digits or more) of the bytes it was keyed with. */
export interface PlannedRead {
  path: string;
  sha256: string;
}

/** The field of a step's `runtime` that lists its planned reads. */
const READS = "reads";

/**
 * A step's runtime with the files it reads by path listed, for the worker to check (see the module's doc).
 *
 * @param runtime The step's runtime.
 * @param reads The files and their digests; a file without one (a pipe, keyed afresh each run) is left out.
 * @returns The runtime with `reads` set (unchanged when there is none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withReads } from "./planned_reads.ts";
 * assert.deepEqual(withReads({ a: 1 }, [{ path: "/p.png", sha256: "ab".repeat(32) }, null]), {
 *   a: 1,
 *   reads: [{ path: "/p.png", sha256: "ab".repeat(32) }],
 * });
 * assert.deepEqual(withReads({ a: 1 }, [null]), { a: 1 });
 * ```
 */
export function withReads(
  runtime: Record<string, Json>,
  reads: readonly (PlannedRead | null)[],
): Record<string, Json> {
  const listed = reads.filter((read) => read !== null).map(({ path, sha256 }) => ({ path, sha256 }));
  return listed.length === 0 ? runtime : { ...runtime, [READS]: listed };
}

/**
 * The read of a file whose key holds an identity of the `sha256:<hex>` form (inputs of variants, montages and
 * transcriptions); null for a pipe's (`stream:…`), which is never taken from the store.
 *
 * @param file The file and its identity.
 * @returns The planned read, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readOfIdentity } from "./planned_reads.ts";
 * assert.deepEqual(readOfIdentity({ path: "/a.mp4", identity: "sha256:0123456789abcdef" }), {
 *   path: "/a.mp4",
 *   sha256: "0123456789abcdef",
 * });
 * assert.equal(readOfIdentity({ path: "/dev/stdin", identity: "stream:1" }), null);
 * ```
 */
export function readOfIdentity(file: { path: string; identity: string }): PlannedRead | null {
  const { path, identity } = file;
  return identity.startsWith("sha256:") ? { path, sha256: identity.slice("sha256:".length) } : null;
}

/** A planned read whose file no longer holds the bytes the step's key was made from. */
export interface ChangedRead {
  /** The file. */
  path: string;
  /** True when it is gone, false when it holds other bytes. */
  removed: boolean;
}

/**
 * The first of a step's planned reads that no longer holds the bytes its key was made from. Cheap for a file left
 * alone: its digest is remembered under its identity (see `fileDigests`), and read again only when that changed.
 *
 * @param task The step.
 * @returns The read, or null when every one holds its bytes.
 * @throws What reading a file throws (a folder where the file was, an I/O error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { changedRead } from "./planned_reads.ts";
 * const runtime = { reads: [{ path: "/no/such/file.png", sha256: "ab".repeat(32) }] };
 * assert.deepEqual(changedRead({ id: "v/s1/slide", runtime }), { path: "/no/such/file.png", removed: true });
 * assert.equal(changedRead({ id: "v/s1/slide", runtime: {} }), null);
 * ```
 */
export function changedRead(task: Pick<StepTask, "id" | "runtime">): ChangedRead | null {
  const reads = task.runtime[READS];
  if (!Array.isArray(reads)) return null;
  const planned = reads as unknown as PlannedRead[];
  // In one call: the digest memo is read once, and written once at most, for all of the step's files.
  const digests = fileDigests(planned.map((read) => read.path));
  for (const [i, read] of planned.entries()) {
    const digest = digests[i] ?? null;
    if (digest !== null && read.sha256.startsWith(digest)) continue;
    return { path: read.path, removed: digest === null };
  }
  return null;
}

/**
 * What a step is told when a file it read by path changed since the plan: the file, the step, and what the step's
 * run said when it failed too (most likely because of it).
 *
 * @param changed The read.
 * @param step The step's id, and its own failure's message when it failed.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { changedReadMessage } from "./planned_reads.ts";
 * assert.match(changedReadMessage({ path: "/a.mp4", removed: false }, { id: "v/x" }), /^\/a\.mp4 changed after/);
 * const told = changedReadMessage({ path: "/a.mp4", removed: true }, { id: "v/x", failure: "cut short." });
 * assert.match(told, /the step failed: cut short\. Nothing was stored/);
 * ```
 */
export function changedReadMessage(changed: ChangedRead, step: { id: string; failure?: string }): string {
  const what =
    `${changed.path} ${changed.removed ? "was removed" : "changed"} after the render planned step ` +
    `"${step.id}" (its key holds the bytes it had then)`;
  return step.failure === undefined
    ? `${what}: nothing was stored; render again`
    : `${what}; the step failed: ${step.failure.trim().replace(/\.$/, "")}. Nothing was stored; render again`;
}

/**
 * Fails a step one of whose planned reads no longer holds the bytes its key was made from (see
 * {@linkcode changedRead}).
 *
 * @param task The step, after it ran.
 * @throws {UnrecoverableError} Naming the file and the step, when one changed or is gone.
 */
export function checkReads(task: Pick<StepTask, "id" | "runtime">): void {
  const changed = changedRead(task);
  if (changed !== null) throw new UnrecoverableError(changedReadMessage(changed, { id: task.id }));
}
