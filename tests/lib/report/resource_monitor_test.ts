import assert from "node:assert/strict";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { renderHtmlReport } from "../../../lib/report/html_report.ts";
import { treeUsage } from "../../../lib/report/process_tree.ts";
import { ResourceMonitor } from "../../../lib/report/resource_monitor.ts";

Deno.test("ResourceMonitor turns CPU time into percent per interval and keeps the peak memory", async () => {
  const clock = new VirtualClock();
  const readings = [
    { cpuMs: 0, rssBytes: 100e6, processes: 1 },
    { cpuMs: 500, rssBytes: 300e6, processes: 3 },
    { cpuMs: 2500, rssBytes: 200e6, processes: 2 },
  ];
  let reads = 0;
  const monitor = new ResourceMonitor({
    intervalMs: 1000,
    clock,
    read: () => Promise.resolve(readings[Math.min(reads++, readings.length - 1)]!),
    available: () => Promise.resolve(8e9),
  });
  monitor.start();
  // Three samples, one per interval of the virtual clock; the next sleep is where the monitor waits.
  while (monitor.samples.length < 3) await clock.sleep(1000);
  const samples = await monitor.stop();
  assert.deepEqual(samples.slice(0, 3).map((sample) => [sample.at, sample.cpuPercent, sample.rssBytes]), [
    [0, 0, 100e6],
    [1000, 50, 300e6],
    [2000, 200, 200e6],
  ]);
  assert.equal(monitor.peakRssBytes, 300e6);
  assert.equal(samples[0]?.availableBytes, 8e9);
  assert.deepEqual(await monitor.stop(), samples, "stopping twice returns the same samples");
});

Deno.test("ResourceMonitor stops sampling at a sample it cannot take and says why, without rejecting", async () => {
  // Before: the failure was a promise rejection nothing handled until stop(), which ends a Deno process.
  const clock = new VirtualClock();
  let reads = 0;
  const monitor = new ResourceMonitor({
    intervalMs: 1000,
    clock,
    read: () =>
      reads++ === 0
        ? Promise.resolve({ cpuMs: 0, rssBytes: 100e6, processes: 1 })
        : Promise.reject(new Deno.errors.PermissionDenied("/proc/7/stat")),
    available: () => Promise.resolve(8e9),
  });
  monitor.start();
  while (monitor.failure === null) await clock.sleep(1000);
  const samples = await monitor.stop();
  assert.deepEqual(samples.map((sample) => sample.rssBytes), [100e6]);
  assert.match(monitor.failure.message, /\/proc\/7\/stat/);
});

Deno.test("treeUsage() counts reel's child processes and their memory", async () => {
  if ((await treeUsage()) === null) return; // no /proc here
  const child = new Deno.Command("cat", { stdin: "piped", stdout: "null" }).spawn();
  try {
    // Other tests of this process may start and end children meanwhile: only this one is known to be alive.
    const during = await treeUsage();
    assert.ok(during !== null && during.processes >= 2, `${during?.processes} processes`);
    const alone = await treeUsage(child.pid);
    assert.ok(alone !== null && alone.processes === 1 && alone.rssBytes > 0);
    assert.ok(during.rssBytes > alone.rssBytes, "the tree's memory holds the child's and more");
  } finally {
    await child.stdin.close();
    await child.status;
  }
});

Deno.test("the report plots CPU and memory samples over the run", () => {
  const html = renderHtmlReport([
    { type: "run:started", at: 0, total: 0, workers: 1, stored: 0, kinds: {} },
    { type: "run:finished", at: 2000, ok: true, cancelled: false, done: 0, failed: 0, skipped: 0, cached: 0 },
  ], {
    title: "t",
    providers: {},
    summary: { outputs: [], wallMs: 2000, cpuMs: 1000, peakRssBytes: null },
    resources: [
      { at: 0, cpuPercent: 0, rssBytes: 100e6, availableBytes: null },
      { at: 1000, cpuPercent: 180, rssBytes: 420e6, availableBytes: null },
      { at: 2000, cpuPercent: 90, rssBytes: 200e6, availableBytes: null },
    ],
  });
  assert.match(
    html,
    /<svg class="resources"[^>]* data-samples="3" data-peak-cpu="180" data-peak-rss="420000000"/,
  );
  assert.equal(html.match(/class="resource-chart"/g)?.length, 2);
  assert.match(html, /peak 420(\.0)? MB/);
});
