/**
 * What a process and its descendants (ffmpeg, espeak-ng…) use right now, read from `/proc` (Linux): CPU time so
 * far and resident memory.
 * @module
 */

/** A process tree's use at one moment. */
export interface TreeUsage {
  /** CPU time (user + system) of the live processes of the tree, and of the children its members have reaped, in ms. */
  cpuMs: number;
  /** Resident memory of the live processes of the tree, in bytes. */
  rssBytes: number;
  /** How many processes the tree has now. */
  processes: number;
}

/** Milliseconds per clock tick (`USER_HZ` is 100 on Linux). */
const TICK_MS = 10;

interface ProcEntry {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

/**
 * Reads the use of process `root` and every process below it.
 *
 * @param root The tree's root. @default Deno.pid
 * @param proc Where `/proc` is. @default "/proc"
 * @returns The use, or null where there is no `/proc` (not Linux) or `root` is gone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeUsage } from "./process_tree.ts";
 * const usage = await treeUsage();
 * assert.ok(usage === null || (usage.processes >= 1 && usage.rssBytes > 0));
 * ```
 */
export function treeUsage(root: number = Deno.pid, proc = "/proc"): Promise<TreeUsage | null> {
  try {
    return Promise.resolve(readTreeUsage(root, proc));
  } catch (error) {
    return Promise.reject(error);
  }
}

function readTreeUsage(root: number, proc: string): TreeUsage | null {
  const entries = new Map<number, ProcEntry>();
  try {
    // Read synchronously: a sample reads a file a process of the machine, and each async read is a hop to
    // another thread (about 4 ms a sample of 75 processes, against 1.4 ms so; a benchmark samples every 50 ms).
    for (const entry of Deno.readDirSync(proc)) {
      if (!/^\d+$/.test(entry.name)) continue;
      const stat = readOrNull(`${proc}/${entry.name}/stat`);
      if (stat === null) continue;
      const parsed = parseStat(stat);
      if (parsed !== null) entries.set(parsed.pid, parsed);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  if (!entries.has(root)) return null;
  const tree = descendants(root, entries);
  let cpuTicks = 0;
  let rssBytes = 0;
  for (const pid of tree) {
    cpuTicks += entries.get(pid)!.cpuTicks;
    const status = readOrNull(`${proc}/${pid}/status`);
    const match = status === null ? null : /^VmRSS:\s+(\d+)\s*kB/m.exec(status);
    if (match !== null) rssBytes += Number(match[1]) * 1024;
  }
  return { cpuMs: cpuTicks * TICK_MS, rssBytes, processes: tree.length };
}

/** utime + stime + cutime + cstime of a `/proc/<pid>/stat` line, with its pid and parent. */
function parseStat(stat: string): ProcEntry | null {
  // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ")".
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  const fields = stat.slice(close + 2).split(" ");
  const number = (i: number) => Number(fields[i] ?? 0);
  return {
    pid: Number(stat.slice(0, stat.indexOf(" "))),
    ppid: number(1),
    cpuTicks: number(11) + number(12) + number(13) + number(14),
  };
}

function descendants(root: number, entries: ReadonlyMap<number, ProcEntry>): number[] {
  const children = new Map<number, number[]>();
  for (const entry of entries.values()) {
    const list = children.get(entry.ppid) ?? [];
    list.push(entry.pid);
    children.set(entry.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A file under /proc, or null when its process has just ended. */
function readOrNull(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (isEndedProcessError(error)) return null;
    throw error;
  }
}

/**
 * Tells whether reading a process's file under /proc failed because the process has ended meanwhile: ENOENT when
 * it ended before the open, ESRCH when it ended between the open and the read. Deno gives ESRCH from a read as a
 * plain Error whose message ends in "(os error 3)", with no code.
 *
 * @param error What the read threw.
 * @returns True for those two errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEndedProcessError } from "./process_tree.ts";
 * assert.ok(isEndedProcessError(new Error("No such process (os error 3): readfile '/proc/5129/status'")));
 * assert.ok(!isEndedProcessError(new Error("Permission denied (os error 13)")));
 * ```
 */
export function isEndedProcessError(error: unknown): boolean {
  if (error instanceof Deno.errors.NotFound) return true;
  if (!(error instanceof Error)) return false;
  return (error as { code?: string }).code === "ESRCH" || /\(os error 3\)/.test(error.message);
}
