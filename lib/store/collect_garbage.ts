/**
 * `cache gc`: shrinking the store to a size by removing the least recently used entries first.
 * @module
 */
import { type ArtifactStore, FIRST_LAYOUT_FOLDER } from "./artifact_store.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";

/** What a collection did. */
export interface GarbageReport {
  /** Entries removed. */
  removed: number;
  /** Bytes freed. */
  freed: number;
  /** Bytes left. */
  kept: number;
  /** Entries kept over the size because they were used within `keepRecentMs`, or are claimed by a render. */
  recent: number;
  /**
   * Of `removed`, what `entries/` held that was no entry (see `ArtifactStore.notEntries`: damaged entries, strays),
   * removed whatever the size; their bytes are in `freed`.
   */
  notEntries: number;
  /**
   * What renders that were stopped left, removed whatever the size (see `ArtifactStore.removeStale`): scratch
   * folders and claims of processes that no longer run. Not counted in `removed` nor `freed`.
   */
  leftovers: number;
}

/** Options for {@linkcode collectGarbage}. */
export interface CollectGarbageOptions {
  /** Entries used this recently are kept, whatever the size, in ms: a render may be about to read them. */
  keepRecentMs?: number;
  /** The current time, ms since the epoch. @default Date.now() */
  now?: number;
}

/** Entries used within this many ms are never collected unless told otherwise. */
export const KEEP_RECENT_MS = 10 * 60_000;

/**
 * Removes least recently used entries until the store holds at most `maxBytes`, skipping entries that a render
 * holds a claim on, used in the last `keepRecentMs`, or used since a render still at work on the store began (it
 * may be about to read them; see `KeyClaims.liveSince`). Answers kept for a step's next attempt (see
 * `ArtifactStore.answerPath`) count among them, by when they were written. Also removes the folder of the store's
 * first layout (`artifacts/`), whose keys no longer match any step, and whatever `entries/` holds that is no entry
 * (a damaged entry no render would read, a stray file), unless it is claimed by a render (which may be replacing it),
 * and what stopped renders left (scratch folders, claims).
 *
 * @param store The store.
 * @param maxBytes The size to shrink to.
 * @param options How recent an entry must be to be kept.
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
export async function collectGarbage(
  store: ArtifactStore,
  maxBytes: number,
  options: CollectGarbageOptions = {},
): Promise<GarbageReport> {
  const { keepRecentMs = KEEP_RECENT_MS, now = Date.now() } = options;
  await removeIfExists(`${store.root}/${FIRST_LAYOUT_FOLDER}`);
  // As a render does when it starts (fi21: a killed render's claims were left until the next render).
  const leftovers = await store.removeStale();
  let removed = 0;
  let freed = 0;
  let notEntries = 0;
  for (const item of await store.notEntries()) {
    if (item.key !== null && await store.claims.isClaimed(item.key)) continue;
    if (!await store.removeNotEntry(item)) continue;
    notEntries++;
    freed += item.bytes;
  }
  removed += notEntries;
  const entries = await store.entries();
  // What a render still at work used or made since it began, it may read again (a section's speech, for its
  // video's narration): kept, whatever --keep-recent says.
  const liveSince = await store.claims.liveSince();
  const answers = await store.answers();
  let kept = [...entries, ...answers].reduce((sum, entry) => sum + entry.bytes, 0);
  let recent = 0;
  const oldest = [
    ...entries.map((entry) => ({ entry, time: entry.lastUsed.getTime() })),
    ...answers.map((answer) => ({ answer, time: answer.written.getTime() })),
  ].sort((a, b) => a.time - b.time);
  for (const item of oldest) {
    if (kept <= maxBytes) break;
    if ("answer" in item) {
      const { answer } = item;
      if (now - item.time < keepRecentMs || await store.claims.isClaimed(answer.key)) {
        recent++;
        continue;
      }
      await removeIfExists(answer.path);
      kept -= answer.bytes;
      freed += answer.bytes;
      removed++;
      continue;
    }
    const { entry } = item;
    // Looked at again just before removing: a render may have used or claimed it since the listing.
    const lastUsed = await store.lastUsed(entry.key);
    if (lastUsed === null) continue;
    const inUse = liveSince !== null && lastUsed.getTime() >= liveSince;
    if (now - lastUsed.getTime() < keepRecentMs || inUse || await store.claims.isClaimed(entry.key)) {
      recent++;
      continue;
    }
    await store.remove(entry.key);
    kept -= entry.bytes;
    freed += entry.bytes;
    removed++;
  }
  return { removed, freed, kept, recent, notEntries, leftovers };
}
