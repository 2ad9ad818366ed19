/**
 * The events a run emits, in the order they happen. Renderers (terminal, JSON lines, report) consume only these.
 * @module
 */
import type { WorkerId } from "../core/executor.ts";

/** Fields every step event carries. */
export interface StepEventBase {
  /** Milliseconds since the run started (from the run's clock). */
  at: number;
  /** The step's id. */
  step: string;
  /** Its kind. */
  kind: string;
  /** Its content key (the key of its artifact in the store; never an API key). */
  contentKey: string;
}

/** Every event of a run. */
export type RunEvent =
  /**
   * Fires once, before any step runs; `workers`: the local pool's size, 0 on a cluster (its workers come and go);
   * `stored`: how many of the planned steps the store held before the run and will serve (not forced; unless one
   * is found bad).
   */
  | {
    type: "run:started";
    at: number;
    total: number;
    workers: number;
    stored: number;
    /** The plan's steps of each kind (spawned children come later, in `step:expanded`). */
    kinds: Record<string, number>;
  }
  /** Fires when a step's inputs are all done and it starts waiting for permits. */
  | (StepEventBase & { type: "step:queued" })
  /** Fires when a step waits for another process (a render sharing the store) that is making the same key. */
  | (StepEventBase & { type: "step:waiting"; holder: string })
  /**
   * Fires when the store holds a step's entry whose value cannot be right for it (its kind says why in `reason`: a
   * chunk's word past the end of its audio): the entry is removed and the step is made again, as if it were not
   * stored.
   */
  | (StepEventBase & { type: "step:remaking"; reason: string })
  /** Fires when a step holds its permits and has been handed to a worker. */
  | (StepEventBase & { type: "step:started"; worker: WorkerId; attempt: number })
  /** Fires while a step runs, each time it reports how far it is (an encode: at most once per percent). */
  | (StepEventBase & { type: "step:progress"; worker: WorkerId; fraction: number })
  /**
   * Fires when a step is done: its artifact stored (`cached` when nothing ran for it: it was found in the store, or
   * `madeBy` another step of the same key in this run), its output published, its children known. A step ends in
   * one event: `step:finished`, a `step:failed` that is not `retrying`, or `step:skipped`.
   */
  | (StepEventBase & {
    type: "step:finished";
    worker: WorkerId | null;
    attempt: number;
    cached: boolean;
    /** The step of the same key that ran in this run and made this step's artifact (a cached step only). */
    madeBy?: string;
    /** Wall time of the attempt that succeeded, in ms (0 when cached). */
    elapsed: number;
    /** Artifact path in the store, or null. */
    path: string | null;
    /** Seconds of media the step's value holds (its `duration`: a narration, an audio chunk), when it has one. */
    media?: number;
    /**
     * What the step said the user should know of what it made (see `StepContext.warn`: an image answered at another
     * size than asked), when it said any; on a cached step, what its maker said, kept in the store (not on one made
     * in this run by another step of its key, whose own event says them).
     */
    warnings?: string[];
  })
  /**
   * Fires when an attempt fails, or when a step that stored its artifact cannot be done (its output cannot be
   * published, it spawned a step the workflow lacks; then `worker`, `attempt` and `elapsed` are the attempt's that
   * made it); `retrying` says whether another attempt follows.
   */
  | (StepEventBase & {
    type: "step:failed";
    worker: WorkerId | null;
    attempt: number;
    retrying: boolean;
    error: string;
    elapsed: number;
    /**
     * On the step's last failure, when its cause is bad input (see `StepFailure.badInput`): the run exits 2, not 1.
     */
    badInput?: true;
  })
  /**
   * Fires when a step's answer says its provider's budget of requests or tokens is spent (`x-ratelimit-remaining-*`
   * of 0): every call to that provider waits `ms` (until the reset the server said, `resetMs`, at most its
   * `maxRetryAfter`: then `capped`). Said only for a wait of a second or more.
   */
  | (StepEventBase & {
    type: "provider:paused";
    provider: string;
    budget: "requests" | "tokens";
    ms: number;
    resetMs: number;
    capped: boolean;
  })
  /** Fires when a step will not run because a step it depends on failed. */
  | (StepEventBase & { type: "step:skipped"; because: string })
  /** Fires when a step adds child steps at run time, before they are queued. */
  | (StepEventBase & { type: "step:expanded"; children: string[] })
  /** Fires when a worker dies; its steps are retried on a new worker. */
  | { type: "worker:crashed"; at: number; worker: WorkerId; error: string }
  /**
   * Fires when an output file has been published to the output folder; `unchanged` when the folder held its bytes
   * already, and it was left as it was.
   */
  | { type: "output:written"; at: number; step: string; path: string; unchanged?: true }
  /**
   * Fires when the run is cancelled (Ctrl-C) while workers are making provider calls: each is let finish (within its
   * timeout) and its answer kept, so that it is not paid for again; `finishing` names their steps.
   */
  | { type: "run:stopping"; at: number; finishing: string[] }
  /** Fires once, after every step has settled or the run was cancelled. */
  | {
    type: "run:finished";
    at: number;
    ok: boolean;
    cancelled: boolean;
    done: number;
    failed: number;
    skipped: number;
    cached: number;
  };

/** The `type` of any run event. */
export type RunEventType = RunEvent["type"];
