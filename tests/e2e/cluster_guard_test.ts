/**
 * Jobs planted in Redis by hand: a worker refuses one that names a workflow module outside its allowed roots, or
 * one whose module does not hash to the digest it carries, with a clear log line; each fails alone, and the worker
 * then runs a proper job of the same module.
 */
import assert from "node:assert/strict";
import { Queue, QueueEvents } from "bullmq";
import type { ClusterJob } from "../../lib/cluster/cluster_job.ts";
import { CLUSTER_PREFIX, jobIdOf, QUEUES_KEY, STEPS_QUEUE } from "../../lib/cluster/cluster_job.ts";
import { openRedis, redisOptions } from "../../lib/cluster/redis_connection.ts";
import { customStep } from "../../lib/jobs/custom/custom_step.ts";
import { customCodeDigest } from "../../lib/jobs/custom/resolve_custom.ts";
import { sha256Hex } from "../../lib/core/sha256.ts";
import { readModuleGraph } from "../../lib/schema/module_graph.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { testClusterJob } from "../_support/cluster_job_fixture.ts";

const STEP_MODULE = `import { workflow } from "${MOD_URL}";
export default workflow({ steps: [{ id: "greet", cpu: false, run: (_inputs, { params }) => "hello " + params.name }] });
`;

/** What a plan keys the module's custom step's code by (its graph and its steps' sources); set once known. */
let keyedCode = "";

function job(module: string, digest: string | null, store: string, name: string): ClusterJob {
  const key = sha256Hex(`${module} ${name}`);
  return testClusterJob({
    run: "planted",
    attempt: crypto.randomUUID(),
    coordinator: "someone:1",
    store,
    task: {
      id: "greet",
      kind: customStep.kind,
      version: customStep.version,
      key,
      params: { step: "greet", params: { name } },
      runtime: { module },
      engine: { digest: keyedCode },
      output: "artifact.bin",
      blocking: true,
      provider: null,
    },
    modules: digest === null ? {} : { [module]: digest },
  });
}

Deno.test("a worker refuses planted jobs naming a module outside its roots or with a wrong hash, and runs a proper one", async () => {
  const allowed = await tempDir("reel-allowed-");
  const outside = await tempDir("reel-outside-");
  for (const dir of [allowed, outside]) await Deno.writeTextFile(`${dir}/steps.ts`, STEP_MODULE);
  const inside = `file://${allowed}/steps.ts`;
  const digest = (await readModuleGraph(inside)).digest;
  keyedCode = customCodeDigest(digest, (await import(inside)).default.steps);
  await using redis = await startRedis();
  await using workers = await startWorkers(1, { redis: redis.url, allowRoot: allowed });
  const connection = { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX };
  const queue = new Queue(STEPS_QUEUE, connection);
  const events = new QueueEvents(STEPS_QUEUE, connection);
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  try {
    await events.waitUntilReady();
    await client.connect();
    await client.sadd(QUEUES_KEY, STEPS_QUEUE);
    const store = `${allowed}/store`;
    const planted = [
      job(`file://${outside}/steps.ts`, digest, store, "outside"),
      job(inside, "0".repeat(64), store, "wrong hash"),
      job(inside, null, store, "no hash"),
    ];
    const proper = job(inside, digest, store, "proper");
    const ended = (data: ClusterJob) =>
      new Promise<string>((resolve) => {
        events.on("failed", ({ jobId, failedReason }) =>
          jobId === jobIdOf(data) && resolve(`failed: ${failedReason}`));
        events.on("completed", ({ jobId }) =>
          jobId === jobIdOf(data) && resolve("completed"));
      });
    const outcomes = [...planted, proper].map(ended);
    for (const data of [...planted, proper]) await queue.add("custom", data, { jobId: jobIdOf(data) });
    const [outsideRoot, wrongHash, noHash, ok] = await Promise.all(outcomes);
    assert.match(outsideRoot!, /failed: Refused job .*module .*reel-outside-.* is outside the folders/);
    assert.match(wrongHash!, /failed: Refused job .*hashes to .* here, not 000000000000/);
    assert.match(noHash!, /failed: Refused job .*no digest was sent/);
    assert.equal(ok, "completed");
    // Each refusal is logged, and the worker goes on.
    const worker = workers[0]!;
    for (const pattern of [/is outside the folders/, /hashes to/, /no digest was sent/]) {
      assert.match(await worker.line(pattern), /Refused job .*; the job fails, this worker goes on/);
    }
    const record = await Deno.readTextFile(
      `${store}/entries/${proper.task.key.slice(0, 2)}/${proper.task.key}/record.json`,
    );
    assert.equal(JSON.parse(record).value, "hello proper");
  } finally {
    client.disconnect();
    await events.close();
    await queue.close();
  }
});
