/**
 * The synchronous byte sink the report views write to, and a helper that writes a whole string to it.
 * @module
 */
import { lostToHangUp } from "../core/stop_signals.ts";

/**
 * Where a view writes its text: anything with a `writeSync` like `Deno.stdout`, `Deno.stderr` or a file.
 * `writeSync` may write fewer bytes than given; {@linkcode writeTextSync} loops until all are written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SyncWriter } from "./sync_writer.ts";
 * const chunks: Uint8Array[] = [];
 * const writer: SyncWriter = { writeSync: (bytes) => (chunks.push(bytes), bytes.length) };
 * assert(writer.writeSync(new Uint8Array(3)) === 3);
 * ```
 */
export interface SyncWriter {
  /**
   * Writes some or all of `bytes`.
   * @returns How many bytes were written.
   */
  writeSync(bytes: Uint8Array): number;
}

const encoder = new TextEncoder();

/**
 * Writes all of `text`, UTF-8 encoded, to `writer`, calling `writeSync` until every byte is written.
 *
 * @param writer The sink.
 * @param text The text to write; nothing is written when it is empty.
 * @throws {Error} When the writer reports that it wrote nothing, to avoid looping forever.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTextSync } from "./sync_writer.ts";
 * let text = "";
 * writeTextSync({ writeSync: (bytes) => ((text += new TextDecoder().decode(bytes)), bytes.length) }, "hi\n");
 * assert(text === "hi\n");
 * ```
 */
export function writeTextSync(writer: SyncWriter, text: string): void {
  if (text === "") return;
  let bytes = encoder.encode(text);
  while (bytes.length > 0) {
    let written: number;
    try {
      written = writer.writeSync(bytes);
    } catch (error) {
      // The terminal a hang-up took away: the rest of the run is not said there (see `stop_signals.ts`).
      if (lostToHangUp(error, writer)) return;
      throw error;
    }
    if (written <= 0) throw new Error("Cannot write report text: the writer wrote 0 bytes");
    bytes = bytes.subarray(written);
  }
}
