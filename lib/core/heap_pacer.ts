/**
 * Keeps an isolate's garbage from piling up over a long render. V8 collects its old generation when the heap has
 * grown by a factor of itself, and counts the buffers that JavaScript objects hold outside the heap (file reads,
 * PNGs, messages) only loosely: over the 2,800 steps of the benchmark's 50-video render the main thread and each
 * worker kept tens of megabytes of garbage each. Collecting whenever an isolate's heap and outside buffers have
 * grown by a few megabytes (or a quarter of what was live, if more) since the last collection keeps that render
 * under 300 MB at no measurable cost in time, since a collection of mostly garbage takes a few milliseconds (the
 * figures: README, Benchmark).
 *
 * It needs V8's `gc()`, which `--expose-gc` exposes (reel's tasks pass it, see `tasks/_v8_flags.ts`); without it
 * nothing is paced and V8 collects as it would.
 * @module
 */

/** Options for {@linkcode paceHeap}; all have defaults, tests inject them. */
export interface HeapPacerOptions {
  /** Growth, in bytes, past which the isolate is collected. @default 8 MiB */
  growthBytes?: number;
  /**
   * Growth as a share of what the last collection left live, past which the isolate is collected when that is
   * more than `growthBytes` (a large live heap is collected less often, as each collection costs more). @default 0.25
   */
  growthShare?: number;
  /** How often the growth is looked at. @default 1000 */
  intervalMs?: number;
  /** Collects the isolate's garbage. @default V8's `gc()` when exposed, else nothing is paced */
  collect?: (() => void) | null;
  /** The isolate's heap in use plus its buffers outside the heap, in bytes. @default from `Deno.memoryUsage()` */
  measure?: () => number;
  /** Calls `tick` every `ms` milliseconds until the returned function is called. @default an unref'd interval */
  every?: (tick: () => void, ms: number) => () => void;
}

/** V8's `gc()`, when `--expose-gc` exposed it. */
function exposedGc(): (() => void) | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? () => gc() : null;
}

function heapAndBuffers(): number {
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

function unrefInterval(tick: () => void, ms: number): () => void {
  const timer = setInterval(tick, ms);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}

/**
 * Collects this isolate's garbage whenever its heap and outside buffers have grown by `growthBytes`, or by
 * `growthShare` of what was live if that is more, since the last collection (or since they were last smaller),
 * looking every `intervalMs`.
 *
 * @param options Thresholds and the means; see {@linkcode HeapPacerOptions}.
 * @returns Stops the pacing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paceHeap } from "./heap_pacer.ts";
 * let used = 0, collected = 0;
 * let tick = () => {};
 * const stop = paceHeap({
 *   growthBytes: 10,
 *   collect: () => { collected++; used = 2; },
 *   measure: () => used,
 *   every: (fn) => { tick = fn; return () => {}; },
 * });
 * used = 9; tick();
 * assert.equal(collected, 0);
 * used = 11; tick();
 * assert.equal(collected, 1);
 * stop();
 * ```
 */
export function paceHeap(options: HeapPacerOptions = {}): () => void {
  const {
    growthBytes = 8 * 1024 * 1024,
    growthShare = 0.25,
    intervalMs = 1000,
    collect = exposedGc(),
    measure = heapAndBuffers,
    every = unrefInterval,
  } = options;
  if (collect === null) return () => {};
  let base = measure();
  return every(() => {
    const now = measure();
    if (now - base < Math.max(growthBytes, base * growthShare)) {
      // V8 collected on its own meanwhile: growth counts from there.
      base = Math.min(base, now);
      return;
    }
    collect();
    base = measure();
  }, intervalMs);
}
