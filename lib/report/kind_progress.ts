/**
 * Progress per step kind: how many steps of a kind were seen and finished, how many came from the store, and how
 * much media the ones that ran went through (a transcription's chunks and their audio, say).
 * @module
 */
import type { RunEvent } from "../run/run_events.ts";

/** How the steps of one kind stand. */
export interface KindProgress {
  /** Steps of the kind seen so far (queued, running or settled); grows as steps expand into children. */
  total: number;
  /** Finished ones, cached ones included. */
  done: number;
  /** Finished ones found in the store. */
  cached: number;
  /** Seconds of media (`media` of `step:finished`) in the ones finished by running, not from the store. */
  media: number;
  /** When the first one started running, in ms since the run started, or null. */
  firstStartedAt: number | null;
  /** Their average elapsed time when run, in ms, or null before one finished. */
  averageElapsed: number | null;
}

interface Tally {
  seen: Set<string>;
  done: number;
  cached: number;
  media: number;
  firstStartedAt: number | null;
}

/**
 * Tallies of step events by kind; `ProgressModel` keeps one and adds the elapsed times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KindTallies } from "./kind_progress.ts";
 * const tallies = new KindTallies();
 * tallies.apply({ type: "step:queued", at: 0, step: "a#0", kind: "chunk", contentKey: "k" }, { settled: false });
 * assert.equal(tallies.of("chunk").total, 1);
 * ```
 */
export class KindTallies {
  readonly #tallies = new Map<string, Tally>();

  /**
   * Counts one step event.
   *
   * @param event The event.
   * @param state Whether its step had settled before it (a late event counts nothing).
   */
  apply(event: Extract<RunEvent, { kind: string }>, state: { settled: boolean }): void {
    let tally = this.#tallies.get(event.kind);
    if (tally === undefined) {
      tally = { seen: new Set(), done: 0, cached: 0, media: 0, firstStartedAt: null };
      this.#tallies.set(event.kind, tally);
    }
    tally.seen.add(event.step);
    if (event.type === "step:started") tally.firstStartedAt ??= event.at;
    if (event.type !== "step:finished" || state.settled) return;
    tally.done++;
    if (event.cached) tally.cached++;
    else tally.media += event.media ?? 0;
  }

  /**
   * The counts of one kind, without the elapsed times.
   *
   * @param kind A step kind.
   * @returns Its counts (all zero for a kind not seen).
   */
  of(kind: string): Omit<KindProgress, "averageElapsed"> {
    const tally = this.#tallies.get(kind);
    return {
      total: tally?.seen.size ?? 0,
      done: tally?.done ?? 0,
      cached: tally?.cached ?? 0,
      media: tally?.media ?? 0,
      firstStartedAt: tally?.firstStartedAt ?? null,
    };
  }
}
