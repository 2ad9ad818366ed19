/**
 * CPU time and peak memory of this process, with the child processes it has waited for (ffmpeg, espeak-ng).
 * @module
 */
import process from "node:process";

/** CPU time and memory use. */
export interface ProcessUsage {
  /** User + system CPU time of this process (all threads, workers included) and its reaped children, in ms. */
  cpuMs: number;
  /** CPU time of the reaped children alone, in ms, or null where the system does not say (not Linux). */
  childrenCpuMs: number | null;
  /** Peak resident memory of this process in bytes (children not included). */
  peakRssBytes: number;
}

/**
 * Reads CPU time and peak memory. On Linux the children's CPU time comes from `/proc/self/stat`; elsewhere only
 * this process's own time is counted.
 *
 * @returns The usage so far.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processUsage } from "./process_usage.ts";
 * assert.ok((await processUsage()).cpuMs >= 0);
 * ```
 */
export async function processUsage(): Promise<ProcessUsage> {
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  try {
    const stat = await Deno.readTextFile("/proc/self/stat");
    // Fields after the command name (which may hold spaces) start at field 3; utime is field 14.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = (i: number) => Number(fields[i]) * 10;
    const childrenCpuMs = ticks(13) + ticks(14);
    return { cpuMs: ticks(11) + ticks(12) + childrenCpuMs, childrenCpuMs, peakRssBytes };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const { user, system } = process.cpuUsage();
    return { cpuMs: (user + system) / 1000, childrenCpuMs: null, peakRssBytes };
  }
}
