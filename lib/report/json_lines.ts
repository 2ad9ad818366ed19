/**
 * Run events as JSON lines, for machines: `--json` output and event logs.
 * @module
 */
import type { RunEvent } from "../run/run_events.ts";
import type { RunView } from "./run_view.ts";
import { type SyncWriter, writeTextSync } from "./sync_writer.ts";

/** Options of {@linkcode JsonLines}. */
export interface JsonLinesOptions {
  /** Where the lines go, e.g. `Deno.stdout` or a file opened for writing. */
  writer: SyncWriter;
}

/**
 * Writes each event as it is, as one line of JSON (`JSON.stringify(event)` then `\n`), so that
 * `text.split("\n")` and `JSON.parse` give the events back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonLines } from "./json_lines.ts";
 * let text = "";
 * const view = new JsonLines({
 *   writer: { writeSync: (bytes) => ((text += new TextDecoder().decode(bytes)), bytes.length) },
 * });
 * view.update({ type: "run:started", at: 0, total: 3, workers: 2, stored: 0, kinds: {} });
 * assert(text === '{"type":"run:started","at":0,"total":3,"workers":2,"stored":0,"kinds":{}}\n');
 * ```
 */
export class JsonLines implements RunView {
  #closed = false;
  readonly #writer: SyncWriter;

  /** @param options The writer. */
  constructor(options: JsonLinesOptions) {
    this.#writer = options.writer;
  }

  /**
   * Writes `event` as one line of JSON.
   *
   * @param event The next event of the run.
   */
  update(event: RunEvent): void {
    if (this.#closed) return;
    try {
      writeTextSync(this.#writer, `${JSON.stringify(event)}\n`);
    } catch (error) {
      // The reader went away (`--json | head`): stop writing events, the run goes on.
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      this.#closed = true;
    }
  }

  /** Writes nothing: every line is written as its event arrives. */
  finish(): void {}
}
