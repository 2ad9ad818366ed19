/**
 * What every benchmark measures the same way: a pipeline run as a child process, with its wall time, the CPU time
 * of its whole process tree (from this process's reaped children, so every ffmpeg counts) and the peak resident
 * memory of the tree (the sum over its live processes, sampled from /proc; Linux only); and runs summarised as a
 * median with its range.
 * @module
 */
import { processUsage } from "../lib/report/process_usage.ts";
import { ResourceMonitor } from "../lib/report/resource_monitor.ts";
import { benchChild } from "./_bench_work_dir.ts";
import { spread } from "../lib/core/spread.ts";

/** What one run of a pipeline took. */
export interface TreeMeasure {
  wallMs: number;
  /** CPU time of the whole tree, children included. */
  cpuMs: number;
  /** Peak of the tree's summed resident memory. */
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

async function childrenCpuMs(): Promise<number> {
  const { childrenCpuMs } = await processUsage();
  if (childrenCpuMs === null) throw new Error("The benchmark reads CPU time and memory from /proc (Linux)");
  return childrenCpuMs;
}

/**
 * Runs `command args` to the end and measures its process tree.
 *
 * @param command The program.
 * @param args Its arguments.
 * @param options Its working folder and extra environment variables.
 * @returns The measure, with the child's output.
 * @throws {Error} With its stderr, when it fails.
 */
export async function measureTree(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<TreeMeasure> {
  const before = await childrenCpuMs();
  const start = performance.now();
  const child = benchChild(command, {
    args: [...args],
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const monitor = new ResourceMonitor({ root: child.pid, intervalMs: 50 });
  monitor.start();
  const output = await child.output();
  const wallMs = performance.now() - start;
  await monitor.stop();
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed:\n${stderr}`);
  // A peak read from part of the run would understate it: no number rather than a wrong one.
  if (monitor.failure !== null) {
    throw new Error(`Cannot measure the memory of ${command}: ${monitor.failure.message}`);
  }
  return {
    wallMs,
    cpuMs: (await childrenCpuMs()) - before,
    peakRssBytes: monitor.peakRssBytes,
    stdout: new TextDecoder().decode(output.stdout),
    stderr,
  };
}

/**
 * Writes a spread as `median (min–max)` in a unit.
 *
 * @param values One value per run.
 * @param unit Formats one value.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSpread } from "./_bench_measure.ts";
 * assert.equal(formatSpread([1000, 3000, 2000], (ms) => `${ms / 1000} s`), "2 s (1 s–3 s)");
 * ```
 */
export function formatSpread(values: readonly number[], unit: (value: number) => string): string {
  const { median, min, max } = spread(values);
  return values.length === 1 ? unit(median) : `${unit(median)} (${unit(min)}–${unit(max)})`;
}

/** Seconds from milliseconds, two decimals. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/** Megabytes from bytes, no decimals. */
export const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
