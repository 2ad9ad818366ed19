/**
 * A small lesson rendered by a coordinator and two worker processes (separate working folders, one Redis of the
 * test's own), with the store on a shared folder and then in an S3-compatible bucket: the outputs match a local
 * render's in duration and streams, and the steps ran on the workers.
 */
import assert from "node:assert/strict";
import S3rver from "s3rver";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { probe } from "../_support/media.ts";
import { startRedis } from "../_support/redis_server.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const LESSON = {
  formats: ["160x90", "90x160"],
  // Burned, as the example lesson's are: a worker keys the caption fonts as the coordinator does.
  captions: { burn: true },
  videos: [{
    id: "rain",
    sections: [
      { title: "Clouds", bullets: ["Vapour rises"], narration: "Warm air carries vapour up." },
      { title: "Rain", bullets: ["Drops fall"], narration: "Cold air turns it into drops." },
    ],
  }],
};

/** What an output is, as ffprobe sees it. */
async function shape(path: string): Promise<string> {
  const info = await probe(path);
  const streams = info.streams.map((s) => `${s.type}:${s.codec}:${s.width ?? ""}x${s.height ?? ""}`).sort();
  return `${info.duration.toFixed(3)} ${streams.join(" ")}`;
}

async function shapes(outputs: { path: string }[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const { path } of outputs) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    found.set(name, name.endsWith(".mp4") ? await shape(path) : await Deno.readTextFile(path));
  }
  return found;
}

Deno.test("a lesson rendered on two cluster workers matches a local render, with a shared folder or an S3 bucket as the store", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const local = await renderWorkflows([file], { outDir: `${dir}/local`, cacheDir: `${dir}/local-store` });
  assert.ok(local.run.ok, [...local.run.errors.values()].join("\n"));
  const expected = await shapes(local.run.outputs);

  await using redis = await startRedis();
  const bucketDir = await tempDir("reel-s3-");
  const s3 = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory: bucketDir,
    silent: true,
    configureBuckets: [{ name: "reel" }],
  });
  const { port } = await s3.run();
  const aws = {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "us-east-1",
  };
  await using workers = await startWorkers(2, { redis: redis.url, allowRoot: dir, env: aws });
  try {
    for (const [variant, store] of [["folder", `${dir}/shared-store`], ["s3", "s3://reel/course"]] as const) {
      const events: RunEvent[] = [];
      const { run } = await renderWorkflows([file], {
        outDir: `${dir}/${variant}`,
        cacheDir: `${dir}/${variant}-cache`,
        store,
        cluster: redis.target,
        // The coordinator's S3 client reads them (the workers have them in their environment).
        storeEnv: (name) => (aws as Record<string, string>)[name],
        onEvent: (event) => events.push(event),
      });
      assert.ok(run.ok, `${variant}: ${[...run.errors.values()].join("\n")}`);
      assert.deepEqual(await shapes(run.outputs), expected, variant);
      const ran = events.filter((event) => event.type === "step:started").map((event) =>
        String(event.worker)
      );
      const ids = workers.map((worker) => worker.id);
      assert.ok(
        ran.length > 0 && ran.every((id) => ids.some((worker) => id.startsWith(`${worker}:`))),
        variant,
      );
    }
  } finally {
    await s3.close();
  }
});
