/**
 * A provider's answer kept from the moment it is whole and checked until its step's artifact is stored (at the
 * task's `answerPath`, which the run removes then): a run killed while the answer was decoded (ffmpeg, a second or
 * two on a busy machine) finds it at its next attempt and does not pay for it again.
 * @module
 */
import { isMissing } from "../../core/exists.ts";
import { removeIfExists } from "../../core/remove_if_exists.ts";
import { writeFileWhole } from "../../core/write_file_whole.ts";

/**
 * The answer an earlier attempt kept, or null when there is none (or the step keeps none).
 *
 * @param path The task's `answerPath`.
 * @returns Its bytes, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keepAnswer, keptAnswer } from "./kept_answer.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await keptAnswer(`${dir}/answers/k`), null);
 * await keepAnswer(`${dir}/answers/k`, new Uint8Array([1, 2]));
 * assert.deepEqual(await keptAnswer(`${dir}/answers/k`), new Uint8Array([1, 2]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function keptAnswer(path: string | undefined): Promise<Uint8Array | null> {
  if (path === undefined) return null;
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * Keeps an answer, whole or not at all (written beside its place, then renamed).
 *
 * @param path The task's `answerPath` (nothing is kept without one).
 * @param bytes The answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keepAnswer } from "./kept_answer.ts";
 * const dir = await Deno.makeTempDir();
 * await keepAnswer(`${dir}/answers/k`, new TextEncoder().encode("RIFF"));
 * assert.deepEqual([...Deno.readDirSync(`${dir}/answers`)].map((entry) => entry.name), ["k"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function keepAnswer(path: string | undefined, bytes: Uint8Array): Promise<void> {
  if (path !== undefined) await writeFileWhole(path, bytes);
}

/**
 * Drops a kept answer that turned out unusable (audio ffmpeg cannot decode), so that the next render asks again.
 *
 * @param path The task's `answerPath`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dropAnswer, keepAnswer, keptAnswer } from "./kept_answer.ts";
 * const dir = await Deno.makeTempDir();
 * await keepAnswer(`${dir}/k`, new Uint8Array([1]));
 * await dropAnswer(`${dir}/k`);
 * await dropAnswer(`${dir}/k`); // gone already: nothing to do
 * assert.equal(await keptAnswer(`${dir}/k`), null);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function dropAnswer(path: string | undefined): Promise<void> {
  if (path !== undefined) await removeIfExists(path);
}
