import assert from "node:assert/strict";
import { isEndedProcessError, treeUsage } from "../../../lib/report/process_tree.ts";

Deno.test("a process that ends while its /proc files are read is left out, as ENOENT or as ESRCH", () => {
  // What Deno threw when a child ended between the open and the read of its status (it stopped a benchmark).
  assert.ok(isEndedProcessError(new Error("No such process (os error 3): readfile '/proc/5129/status'")));
  assert.ok(isEndedProcessError(new Deno.errors.NotFound("No such file or directory (os error 2)")));
  assert.ok(!isEndedProcessError(new Deno.errors.PermissionDenied("Permission denied (os error 13)")));
  assert.ok(!isEndedProcessError(new Error("Is a directory (os error 21)")));
  assert.ok(!isEndedProcessError("No such process (os error 3)"));
});

Deno.test("treeUsage sums a tree's CPU and memory, skipping a child whose status is already gone", async () => {
  const proc = await Deno.makeTempDir();
  try {
    // pid 10 is the root; 11 its child; 12 a grandchild that ended before its status was read; 20 unrelated.
    const stat = (pid: number, ppid: number, ticks: number) =>
      `${pid} (name with) spaces) S ${ppid} 0 0 0 0 0 0 0 0 0 ${ticks} ${ticks} 0 0 20 0 1 0 0 0 0`;
    for (
      const [pid, ppid, ticks, rssKb] of [[10, 1, 5, 1000], [11, 10, 3, 200], [12, 11, 1, null], [
        20,
        1,
        7,
        9,
      ]]
    ) {
      await Deno.mkdir(`${proc}/${pid}`);
      await Deno.writeTextFile(`${proc}/${pid}/stat`, stat(pid!, ppid!, ticks!));
      if (rssKb !== null) {
        await Deno.writeTextFile(`${proc}/${pid}/status`, `Name:\tx\nVmRSS:\t  ${rssKb} kB\n`);
      }
    }
    const usage = await treeUsage(10, proc);
    assert.deepEqual(usage, { cpuMs: (10 + 6 + 2) * 10, rssBytes: 1200 * 1024, processes: 3 });
  } finally {
    await Deno.remove(proc, { recursive: true });
  }
});
