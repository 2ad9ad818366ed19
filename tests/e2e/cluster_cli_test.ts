/**
 * The cluster from the command line: a coordinator killed mid-run is run again and finishes from the store and the
 * jobs still in Redis, paying nothing twice; Ctrl-C cancels its jobs (its workers finish the provider calls they
 * have out) and exits 130; bad addresses and missing keys exit 2 with one clear message that never shows a password.
 */
import assert from "node:assert/strict";
import { Queue } from "bullmq";
import { CLUSTER_PREFIX, QUEUES_KEY } from "../../lib/cluster/cluster_job.ts";
import { openRedis, redisOptions } from "../../lib/cluster/redis_connection.ts";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { startSlowImageServer } from "../_support/slow_image_server.ts";
import { CLI, jsonEvents, listFolder, runCli } from "../_support/cli.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const SECTIONS = 8;

async function apiWorkflow(
  baseUrl: string,
  rate: { requests: number; per: string } | null = null,
): Promise<{ file: string; dir: string }> {
  const sections = Array.from({ length: SECTIONS }, (_, i) => ({
    title: `Part ${i + 1}`,
    narration: `Part ${i + 1}.`,
    image: { provider: "api", prompt: `picture ${i + 1}`, size: "64x64" },
  }));
  const workflow = {
    formats: ["64x64"],
    providers: { api: { api: "openai", baseUrl, concurrency: 2, ...(rate === null ? {} : { rate }) } },
    videos: [{ id: "v", sections }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
  return { file, dir: file.slice(0, file.lastIndexOf("/")) };
}

/** A render in a child process; resolves `until` once `count` events pass `test`. */
function startRender(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", ...args, "--json"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const waiters: { test: (e: { type: string; kind?: string }) => boolean; left: number; resolve(): void }[] =
    [];
  void (async () => {
    for await (const event of jsonEvents<{ type: string; kind?: string }>(child.stdout)) {
      for (const waiter of waiters) if (waiter.test(event) && --waiter.left === 0) waiter.resolve();
    }
  })();
  return {
    child,
    stderr,
    until: (test: (e: { type: string; kind?: string }) => boolean, count = 1) =>
      new Promise<void>((resolve) => waiters.push({ test, left: count, resolve })),
  };
}

Deno.test("a coordinator killed mid-run, run again, finishes from the store and the jobs left in Redis, paying each call once", async () => {
  const fake = startFakeOpenAi({ latency: { min: 200, max: 200 } });
  await using redis = await startRedis();
  try {
    const { file, dir } = await apiWorkflow(fake.url);
    await using _workers = await startWorkers(2, { redis: redis.url, allowRoot: dir });
    const args = [file, "--out", `${dir}/out`, "--cluster", redis.url];
    const first = startRender(args);
    await first.until((event) => event.type === "step:finished" && event.kind === "image", 2);
    first.child.kill("SIGKILL");
    await first.child.status;
    await first.stderr;
    const again = await runCli(["render", ...args]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await listFolder(`${dir}/out`), ["report.html", "v.64x64.mp4", "v.srt", "v.vtt"]);
    assert.equal(fake.stats.byStatus["200"], SECTIONS, `paid calls: ${JSON.stringify(fake.stats.byStatus)}`);
  } finally {
    await fake.close();
  }
});

Deno.test("Ctrl-C on a coordinator cancels its jobs and exits 130", async () => {
  const fake = startFakeOpenAi({ latency: { min: 500, max: 500 } });
  await using redis = await startRedis();
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  try {
    const { file, dir } = await apiWorkflow(fake.url);
    await using workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
    const render = startRender([file, "--out", `${dir}/out`, "--cluster", redis.url]);
    await render.until((event) => event.type === "step:started" && event.kind === "image");
    render.child.kill("SIGINT");
    assert.equal((await render.child.status).code, 130, await render.stderr);
    await client.connect();
    for (const name of await client.smembers(QUEUES_KEY)) {
      const queue = new Queue(name, { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX });
      const counts = await queue.getJobCounts("waiting", "delayed", "prioritized");
      await queue.close();
      assert.deepEqual(counts, { waiting: 0, delayed: 0, prioritized: 0 }, name);
    }
    // The running step was stopped on its worker, which goes on and shows in the cluster's status.
    assert.ok(workers[0]!.lines.every((line) => !/crashed/.test(line)));
    const status = await runCli(["cluster", "status", "--redis", redis.url]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      new RegExp(`workers: 1\n  ${workers[0]!.id}  concurrency 4, cpu 1  heartbeat`),
    );
    assert.match(
      status.stdout,
      /provider-api {2}waiting 0, active \d, delayed 0, failed 0 {2}\(concurrency 2/,
    );
  } finally {
    client.disconnect();
    await fake.close();
  }
});

Deno.test("Ctrl-C on a coordinator lets its worker finish a provider call and store it, not paid again", async () => {
  // The image's answer comes a second after its call: the Ctrl-C falls while it is out, once it has reached the
  // server (a worker still loading the step's code sends nothing, and is stopped).
  const { server: fake, arrived } = startSlowImageServer();
  await using redis = await startRedis();
  try {
    const workflow = {
      formats: ["64x64"],
      providers: { api: { api: "openai", baseUrl: fake.url } },
      videos: [{
        id: "v",
        sections: [{ title: "One", narration: "One.", image: { provider: "api", prompt: "p" } }],
      }],
    };
    const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
    const dir = file.slice(0, file.lastIndexOf("/"));
    await using workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
    const render = startRender([file, "--out", `${dir}/out`, "--cluster", redis.url]);
    await arrived;
    render.child.kill("SIGINT");
    assert.equal((await render.child.status).code, 130, await render.stderr);
    // fi23, on a cluster: the worker stopped the call at its coordinator's word, and the next render paid again.
    await workers[0]!.line(
      /Step "v\/s1\/image", cancelled by its coordinator while its provider call ran, is stored/,
    );
    const again = await runCli(["render", file, "--out", `${dir}/out`, "--cluster", redis.url]);
    assert.equal(again.code, 0, again.stderr);
    const images = fake.stats.log.filter((entry) => entry.path === "/v1/images/generations");
    assert.equal(images.length, 1, "the image was paid once");
  } finally {
    await fake.close();
  }
});

Deno.test("a server advertising a lower rate than the workflow claims lowers the provider's queue for every worker", async () => {
  const fake = startFakeOpenAi({ rpm: 600, burst: 4 });
  await using redis = await startRedis();
  try {
    const { file, dir } = await apiWorkflow(fake.url, { requests: 6000, per: "minute" });
    await using _workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
    const render = await runCli(["render", file, "--out", `${dir}/out`, "--cluster", redis.url]);
    assert.equal(render.code, 0, render.stderr);
    const status = await runCli(["cluster", "status", "--redis", redis.url, "--json"]);
    const queues = JSON.parse(status.stdout).queues as { name: string; rate: unknown }[];
    // 600 rpm, 2% under: one job per 102 ms, for every worker on every host.
    assert.deepEqual(queues.find((queue) => queue.name === "provider-api")?.rate, { max: 1, duration: 102 });
  } finally {
    await fake.close();
  }
});

Deno.test("bad cluster addresses and missing keys exit 2 with one clear message, never showing a password", async () => {
  const { file, dir } = await apiWorkflow("http://127.0.0.1:9");
  const cases: [string[], RegExp][] = [
    [["render", file, "--cluster", "http://127.0.0.1:6379"], /--cluster is not a Redis URL/],
    // Before: "missing required argument 'workflow'", the flag having taken the workflow for its URL.
    [["render", "--cluster", file], /"[^"]+\.ts" is not one\. Give the workflow before --cluster/],
    [
      ["render", file, "--cluster", "redis://:hunter2secret@127.0.0.1:1"],
      /Cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/,
    ],
    [["render", file, "--redis-timeout", "5"], /--redis-timeout applies to a render on a cluster only/],
    [["render", file, "--cluster", "redis://127.0.0.1:1", "--redis-timeout", "0"], /Expected a whole number/],
    // A timer cannot wait longer than ~24.8 days: 3000000 s fired at once and failed the steps "after 3000000 s".
    [
      ["render", file, "--cluster", "redis://127.0.0.1:1", "--redis-timeout", "3000000"],
      /at most 86400 seconds/,
    ],
    [["render", file, "--store", "s3://Bad_Bucket"], /s3:\/\/Bad_Bucket is not an S3 location/],
    [["render", file, "--store", "s3://reel-bucket/course"], /No keys for the S3 store s3:\/\/reel-bucket/],
    [["worker"], /No Redis to connect to/],
    [
      ["worker", "--redis", "redis://127.0.0.1:1", "--allow-root", `${dir}/missing`],
      /--allow-root [^ ]+\/missing is not a folder/,
    ],
    // Before: a worker that served no queue and ran nothing, its render waiting in silence.
    [
      ["worker", "--redis", "redis://127.0.0.1:1", "--queues", "steps,gpu"],
      /Unknown queue "gpu" \(did you mean "cpu"\?\)/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(
      [...args, "--out", `${dir}/out`].slice(0, args[0] === "worker" ? args.length : undefined),
      {
        env: { REDIS_URL: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" },
      },
    );
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.ok(!result.stderr.includes("hunter2"), "password printed");
    assert.ok(!result.stderr.includes("    at "), "no stack");
  }
  assert.equal(await listFolder(`${dir}/out`), null, "nothing written");
});
