/**
 * How many workers a transcription needs, from its work rather than a fixed table: no more than its chunks, no
 * more than the cores for an engine that runs here, and no more engine processes than the free memory holds.
 * @module
 */

/**
 * pocketsphinx's peak memory per process, in bytes: 109 MB measured (`/usr/bin/time -v`, Debian's en-us model),
 * rounded up.
 */
export const POCKETSPHINX_MEMORY = 120_000_000;

/** What sizes the pool. */
export interface TranscribeWork {
  /** Chunks to hear (about: the recordings' lengths over the chunk length). */
  chunks: number;
  /** Cores of the machine. */
  cores: number;
  /** Memory free for the engine's processes, in bytes. */
  availableMemory: number;
  /**
   * Memory one engine process takes, in bytes ({@linkcode POCKETSPHINX_MEMORY}), or null for an engine that runs
   * elsewhere (an API: its calls in flight are its provider's `concurrency`, and a worker waits on several).
   */
  memoryPerProcess: number | null;
}

/**
 * The number of workers (and of CPU-heavy steps at once) for a transcription.
 *
 * @param work Chunks, cores, free memory and the engine's memory per process.
 * @returns At least 1: min(chunks, cores, processes that fit in 80% of the free memory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transcribeWorkers } from "./transcribe_workers.ts";
 * assert.equal(transcribeWorkers({ chunks: 40, cores: 8, availableMemory: 24e9, memoryPerProcess: 120e6 }), 8);
 * assert.equal(transcribeWorkers({ chunks: 3, cores: 8, availableMemory: 24e9, memoryPerProcess: 120e6 }), 3);
 * assert.equal(transcribeWorkers({ chunks: 40, cores: 8, availableMemory: 400e6, memoryPerProcess: 120e6 }), 2);
 * ```
 */
export function transcribeWorkers(work: TranscribeWork): number {
  const { chunks, cores, availableMemory, memoryPerProcess } = work;
  const fit = memoryPerProcess === null ? Infinity : Math.floor((availableMemory * 0.8) / memoryPerProcess);
  return Math.max(1, Math.min(Math.ceil(chunks), cores, fit));
}
