/**
 * A 429 answered on a cluster pauses its provider's queue for every worker and every render, for the server's
 * wait but never longer than the provider's `maxRetryAfter`: a spent quota's "come back in an hour" held the queue
 * for the hour, and with it the next render's calls to the same provider.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const MAX_RETRY_AFTER_MS = 1500;

/** A one-section lesson narrated by the provider `api` at `baseUrl`, which may ask to wait 1.5 s at most. */
async function narrated(baseUrl: string, narration: string): Promise<string> {
  const workflow = {
    formats: ["64x64"],
    providers: { api: { api: "openai", baseUrl, retries: 2, maxRetryAfter: MAX_RETRY_AFTER_MS } },
    videos: [{
      id: "clip",
      sections: [{ title: "One", narration, voice: { provider: "api", voice: "alloy" } }],
    }],
  };
  return await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
}

Deno.test("cluster: a 429 asking for an hour pauses its provider's queue for maxRetryAfter, and the next render's call goes then", async () => {
  // The first call is answered 429 with Retry-After: 3600; every later one is served.
  const fake = startFakeOpenAi({ rejectFirst: 1, retryAfterMs: 3_600_000 });
  await using redis = await startRedis();
  try {
    const first = await narrated(fake.url, "The quota is spent.");
    const second = await narrated(fake.url, "Another render of the same provider.");
    const root = first.slice(0, first.lastIndexOf("/", first.lastIndexOf("/") - 1));
    await using _workers = await startWorkers(1, { redis: redis.url, allowRoot: root });
    const render = (file: string) => {
      const dir = file.slice(0, file.lastIndexOf("/"));
      return renderWorkflows([file], {
        outDir: `${dir}/out`,
        cacheDir: `${dir}/store`,
        cluster: redis.target,
        // Held for the server's hour, the second render would wait that long: cancelled instead, and failed below.
        signal: AbortSignal.timeout(60_000),
      });
    };
    const spent = await render(first);
    assert.equal(spent.run.ok, false);
    assert.match(
      [...spent.run.errors.values()].join("\n"),
      /asks to wait 3600 s, longer than its maxRetryAfter \(2 s\)/,
    );
    const next = await render(second);
    assert.ok(next.run.ok, [...next.run.errors.values()].join("\n"));
    const [refused, served] = fake.stats.log;
    assert.deepEqual([refused?.status, served?.status, fake.stats.log.length], [429, 200, 2]);
    // The queue was paused (the call waited the cap), not for the hour.
    assert.ok(
      served!.arrived - refused!.arrived >= MAX_RETRY_AFTER_MS,
      `${served!.arrived - refused!.arrived} ms`,
    );
  } finally {
    await fake.close();
  }
});
