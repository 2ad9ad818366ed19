/**
 * Running a benchmark's pipeline as a child process and measuring its whole process tree: wall time, CPU time
 * (the tree's, from this process's reaped children) and peak resident memory (the sum over the tree, sampled
 * every 50 ms from /proc; Linux only).
 * @module
 */
import { processUsage } from "../lib/report/process_usage.ts";

/** What one run of a pipeline took. */
export interface TreeMeasure {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args` to the end and measures its process tree; throws with its stderr when it fails. */
export async function measureTree(command: string, args: string[]): Promise<TreeMeasure> {
  const before = (await processUsage()).childrenCpuMs;
  if (before === null) throw new Error("The benchmark reads CPU time and memory from /proc (Linux)");
  const start = performance.now();
  const child = new Deno.Command(command, { args, stdin: "null", stdout: "piped", stderr: "piped" }).spawn();
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await treeRss(child.pid));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const output = await child.output();
  sampling = false;
  await sampler;
  const wallMs = performance.now() - start;
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed:\n${stderr}`);
  const after = (await processUsage()).childrenCpuMs!;
  return {
    wallMs,
    cpuMs: after - before,
    peakRssBytes: peak,
    stdout: new TextDecoder().decode(output.stdout),
    stderr,
  };
}

/** The resident memory of a process and all its descendants, in bytes. */
async function treeRss(root: number): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(pid, Number(fields[1]));
      rss.set(pid, Number(fields[21]) * 4096);
    } catch (error) {
      // A process may end between the listing and the read.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (at === root) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, bytes] of rss) if (inTree(pid)) total += bytes;
  return total;
}
