/**
 * The rule for a step that may return a value only (a custom step) but names an output: it must write its file.
 * One that returns without writing it would be stored as a value and publish nothing, so it fails, not retried (the
 * same code would write nothing again), wherever it runs: in a local worker or on a cluster's.
 * @module
 */
import { UnrecoverableError } from "../core/errors.ts";

/**
 * The failure of a step that names an output but wrote no file to its `outputPath`.
 *
 * @param stepId The step's id.
 * @param output The file name it names (`chart.png`).
 * @returns The error to throw: unrecoverable, so the step is not retried.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnrecoverableError } from "../core/errors.ts";
 * import { unwrittenOutputError } from "./unwritten_output.ts";
 * const error = unwrittenOutputError("chart", "chart.png");
 * assert.ok(error instanceof UnrecoverableError);
 * assert.equal(
 *   error.message,
 *   'Step "chart" names the output chart.png but wrote no file to its outputPath; nothing was stored',
 * );
 * ```
 */
export function unwrittenOutputError(stepId: string, output: string): UnrecoverableError {
  return new UnrecoverableError(
    `Step "${stepId}" names the output ${output} but wrote no file to its outputPath; nothing was stored`,
    { badInput: true },
  );
}

/**
 * Whether a step wrote its file: a file (not a folder) at the path.
 *
 * @param path The step's `outputPath`, or null when it has none.
 * @returns True when a file is there.
 * @throws {Deno.errors.PermissionDenied} When the path cannot be looked at (any error but its absence).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wroteOutput } from "./unwritten_output.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await wroteOutput(`${dir}/artifact.bin`), false);
 * await Deno.writeTextFile(`${dir}/artifact.bin`, "x");
 * assert.equal(await wroteOutput(`${dir}/artifact.bin`), true);
 * assert.equal(await wroteOutput(dir), false);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function wroteOutput(path: string | null): Promise<boolean> {
  if (path === null) return false;
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
