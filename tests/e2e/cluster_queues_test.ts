/**
 * A render whose steps wait in a queue that no live worker takes (the workers' `--queues` leave it out) says so once,
 * naming the queue and `--queues`, keeps waiting, says when a worker for it starts, and finishes (before: it said
 * nothing after `run started`, for ever). `cluster status` shows the queues each worker takes.
 */
import assert from "node:assert/strict";
import { runCli } from "../_support/cli.ts";
import { spawnClusterRender, startWorkers, watchLines } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a render waiting in a queue no worker takes names it, and finishes once a worker for it starts", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "light", cpu: false, run: () => 1 }),
    step({ id: "heavy", cpu: true, run: () => 2 }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await using redis = await startRedis();
  await using steps = await startWorkers(1, {
    redis: redis.url,
    allowRoot: dir,
    args: ["--queues", "steps"],
  });
  const render = spawnClusterRender(file, { redis: redis.url, stderr: "piped" });
  const log = watchLines(render.stderr, "render");
  try {
    const unserved = await log.line(/takes queue "cpu"/);
    assert.equal(
      unserved,
      `reel: No live reel worker on ${redis.url} takes queue "cpu" (the 1 worker there takes steps): its steps wait ` +
        "until one does (`deno task worker --queues cpu`, or no --queues for every queue; see README, Running a " +
        "cluster)",
    );
    const status = await runCli(["cluster", "status", "--redis", redis.url]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`  ${steps[0]!.id}  .*  running \\d+  queues steps\n`));
    await using cpu = await startWorkers(1, { redis: redis.url, allowRoot: dir, args: ["--queues", "cpu"] });
    // Told by its heartbeat or by the step it takes first, whichever comes first: the process, or its step runner.
    assert.match(
      await log.line(/has a reel worker now/),
      new RegExp(`^reel: Queue "cpu" has a reel worker now \\(${cpu[0]!.id}(:\\d+)?\\): its steps run$`),
    );
    const { code } = await render.status;
    await log.read;
    assert.equal(code, 0, log.lines.join("\n"));
    // Said once each, and nothing of a worker missing altogether.
    assert.equal(
      log.lines.filter((line) => /takes queue|reel worker now|No reel worker/.test(line)).length,
      2,
    );
  } finally {
    await stop(render);
  }
});

/** Kills the render unless it has exited, and waits for it. */
async function stop(render: Deno.ChildProcess): Promise<void> {
  try {
    render.kill("SIGKILL");
  } catch (error) {
    // It has exited already.
    if (!(error instanceof TypeError)) throw error;
  }
  await render.status;
  await render.stdout.cancel();
}
