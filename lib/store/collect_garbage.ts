/**
 * `cache gc`: shrinking the store to a size by removing the least recently used entries first.
 * @module
 */
import type { ArtifactStore } from "./artifact_store.ts";

/** What a collection did. */
export interface GarbageReport {
  /** Entries removed. */
  removed: number;
  /** Bytes freed. */
  freed: number;
  /** Bytes left. */
  kept: number;
}

/**
 * Parses a size such as `500MB`, `2G`, `1.5 GiB` or `1000` (bytes).
 *
 * @param text The size as the user wrote it.
 * @returns Bytes, or null when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSize } from "./collect_garbage.ts";
 * assert.equal(parseSize("500MB"), 500e6);
 * assert.equal(parseSize("1 GiB"), 2 ** 30);
 * assert.equal(parseSize("lots"), null);
 * ```
 */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (match === null) return null;
  const power = "bkmgt".indexOf((match[2] || "b").toLowerCase());
  const base = match[3] === "" ? 1000 : 1024;
  return Math.round(Number(match[1]) * base ** power);
}

/**
 * Removes least recently used entries until the store holds at most `maxBytes`.
 *
 * @param store The store.
 * @param maxBytes The size to shrink to.
 * @returns What was removed and what is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactStore } from "./artifact_store.ts";
 * import { collectGarbage } from "./collect_garbage.ts";
 * const root = await Deno.makeTempDir();
 * const report = await collectGarbage(new ArtifactStore(root), 0);
 * assert.equal(report.removed, 0);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function collectGarbage(store: ArtifactStore, maxBytes: number): Promise<GarbageReport> {
  const entries = await store.entries();
  let kept = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  let removed = 0;
  let freed = 0;
  for (const entry of entries) {
    if (kept <= maxBytes) break;
    await store.remove(entry.key);
    kept -= entry.bytes;
    freed += entry.bytes;
    removed++;
  }
  return { removed, freed, kept };
}
