/**
 * The list the concat demuxer reads: files to join with stream copy, each with its exact duration.
 * @module
 */

/**
 * Writes an ffconcat list with an explicit duration per file, so joins do not drift.
 *
 * @param clips Clip paths and durations in seconds, in order.
 * @returns The list's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatList } from "./concat_list.ts";
 * assert.ok(concatList([{ path: "/a's.mp4", duration: 1.5 }]).includes("file '/a'\\''s.mp4'"));
 * ```
 */
export function concatList(clips: readonly { path: string; duration: number }[]): string {
  const lines = ["ffconcat version 1.0"];
  for (const clip of clips) {
    lines.push(`file '${clip.path.replaceAll("'", "'\\''")}'`, `duration ${clip.duration.toFixed(6)}`);
  }
  return `${lines.join("\n")}\n`;
}
