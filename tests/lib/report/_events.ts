/**
 * Builders of synthetic run events for the report tests.
 * @module
 */

import type { RunEvent } from "../../../lib/run/run_events.ts";

type EventOf<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

/** Builds events with defaults, overridable per field. */
export const ev = {
  runStarted(
    at: number,
    total: number,
    workers: number,
    stored = 0,
    kinds: Record<string, number> = {},
  ): EventOf<"run:started"> {
    return { type: "run:started", at, total, workers, stored, kinds };
  },
  queued(at: number, step: string, kind: string): EventOf<"step:queued"> {
    return { type: "step:queued", at, step, kind, contentKey: `key-${step}` };
  },
  started(
    at: number,
    step: string,
    more: { kind?: string; worker?: number | string; attempt?: number } = {},
  ): EventOf<"step:started"> {
    const { kind = "clip", worker = 1, attempt = 1 } = more;
    return { type: "step:started", at, step, kind, contentKey: `key-${step}`, worker, attempt };
  },
  finished(
    at: number,
    step: string,
    more: {
      kind?: string;
      worker?: number | string | null;
      elapsed?: number;
      cached?: boolean;
      madeBy?: string;
      attempt?: number;
      warnings?: string[];
    } = {},
  ): EventOf<"step:finished"> {
    const { kind = "clip", worker = 1, elapsed = 0, madeBy, attempt = 1 } = more;
    const cached = more.cached ?? madeBy !== undefined;
    return {
      type: "step:finished",
      at,
      step,
      kind,
      contentKey: `key-${step}`,
      worker: cached ? null : worker,
      attempt,
      cached,
      elapsed: cached ? 0 : elapsed,
      path: null,
      ...madeBy === undefined ? {} : { madeBy },
      ...more.warnings === undefined ? {} : { warnings: more.warnings },
    };
  },
  failed(
    at: number,
    step: string,
    more: { kind?: string; worker?: number | null; retrying?: boolean; error?: string; attempt?: number } =
      {},
  ): EventOf<"step:failed"> {
    const { kind = "clip", worker = 1, retrying = false, error = "boom", attempt = 1 } = more;
    return {
      type: "step:failed",
      at,
      step,
      kind,
      contentKey: `key-${step}`,
      worker,
      attempt,
      retrying,
      error,
      elapsed: 1,
    };
  },
  skipped(at: number, step: string, because: string, kind: string = "clip"): EventOf<"step:skipped"> {
    return { type: "step:skipped", at, step, kind, contentKey: `key-${step}`, because };
  },
  expanded(at: number, step: string, children: string[]): EventOf<"step:expanded"> {
    return { type: "step:expanded", at, step, kind: "custom", contentKey: `key-${step}`, children };
  },
  crashed(at: number, worker: number, error = "worker died"): EventOf<"worker:crashed"> {
    return { type: "worker:crashed", at, worker, error };
  },
  output(at: number, step: string, path: string): EventOf<"output:written"> {
    return { type: "output:written", at, step, path };
  },
  runFinished(at: number, more: { cancelled?: boolean } = {}): EventOf<"run:finished"> {
    return {
      type: "run:finished",
      at,
      ok: true,
      cancelled: more.cancelled ?? false,
      done: 0,
      failed: 0,
      skipped: 0,
      cached: 0,
    };
  },
};

/** A writer that keeps what is written as text. */
export class TextSink {
  text = "";
  readonly #decoder = new TextDecoder();
  writeSync(bytes: Uint8Array): number {
    this.text += this.#decoder.decode(bytes);
    return bytes.length;
  }
  /** Returns the text written since the last call and forgets it. */
  take(): string {
    const text = this.text;
    this.text = "";
    return text;
  }
}
