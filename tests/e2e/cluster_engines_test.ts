/**
 * A worker whose ffmpeg is not the coordinator's refuses the steps keyed with the coordinator's ffmpeg: the
 * refusal names the step, the engine, the planned version and the worker's; while another live worker of the
 * queue has not refused the job, it goes back to the queue for that worker; refused by every worker, the
 * coordinator reports it as the step's failure, not retried, with each worker's reason; nothing is stored under
 * the step's key; and the worker still runs the steps whose keys hold none of its engines that differ (the
 * slides).
 */
import assert from "node:assert/strict";
import { WORKER_KEY_PREFIX } from "../../lib/cluster/cluster_job.ts";
import { openRedis } from "../../lib/cluster/redis_connection.ts";
import { findFfmpeg, probeMedia } from "../../lib/media/ffmpeg.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const LESSON = {
  formats: ["64x64"],
  videos: [{ id: "rain", sections: [{ title: "Clouds", narration: "Warm air carries vapour up." }] }],
};

/** An ffmpeg that says it is another version and otherwise is the real one. */
async function otherFfmpeg(dir: string): Promise<string> {
  const { ffmpeg } = await findFfmpeg();
  const script = `${dir}/ffmpeg`;
  await Deno.writeTextFile(
    script,
    `#!/bin/sh
if [ "$1" = "-version" ]; then echo "ffmpeg version 0.0-elsewhere Copyright (c) the test"; exit 0; fi
exec '${ffmpeg}' "$@"
`,
  );
  await Deno.chmod(script, 0o755);
  return script;
}

Deno.test("a worker with another ffmpeg refuses the steps keyed with the coordinator's, stores nothing under their keys, and the coordinator says why", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const ffmpeg = await otherFfmpeg(await tempDir("reel-other-ffmpeg-"));
  await using redis = await startRedis();
  await using workers = await startWorkers(1, {
    redis: redis.url,
    allowRoot: dir,
    // Versions are not remembered between runs here, so the wrapper's is asked.
    env: { REEL_FFMPEG: ffmpeg, REEL_PROGRAM_VERSIONS: "off" },
  });
  const worker = workers[0]!;
  const events: RunEvent[] = [];
  const store = `${dir}/store`;
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    cacheDir: store,
    cluster: redis.target,
    onEvent: (event) => events.push(event),
  });
  assert.ok(!run.ok);

  const failures = events.flatMap((event) =>
    event.type === "step:failed" && event.kind === "speech" ? [event] : []
  );
  assert.equal(failures.length, 1, `refused once, not retried: ${[...run.errors.values()].join("\n")}`);
  const failure = failures[0]!;
  assert.ok(!failure.retrying);
  const speech = failure.step;
  const planned = /ffmpeg "ffmpeg version (?!0\.0-elsewhere)[^"]*; ffprobe version [^"]*"/.source;
  const here =
    /"ffmpeg version 0\.0-elsewhere Copyright \(c\) the test #[0-9a-f]{16}; ffprobe version [^"]*"/.source;
  const reason = new RegExp(
    `Refused job [0-9a-f]{12}: step "${speech}" was planned with ${planned}, but this worker has ${here}: ` +
      `install the same version here, or run this worker elsewhere`,
  );
  const reported = run.errors.get(speech) ?? "";
  assert.match(reported, reason);
  assert.ok(reported.includes(`(worker ${worker.id})`), reported);
  assert.match(await worker.line(/was planned with ffmpeg/), /; the job fails, this worker goes on$/);

  assert.equal(await new ArtifactStore(store).peek(failure.contentKey), null);
  await assert.rejects(
    Deno.stat(`${store}/entries/${failure.contentKey.slice(0, 2)}/${failure.contentKey}`),
    Deno.errors.NotFound,
  );
  // The slides' keys hold the slide renderer, not ffmpeg: this worker made them.
  const slides = events.flatMap((event) =>
    event.type === "step:finished" && event.kind === "slide" ? [String(event.worker)] : []
  );
  assert.ok(slides.length > 0 && slides.every((id) => id.startsWith(`${worker.id}:`)), `${slides}`);
});

Deno.test("a job one worker refuses goes to another worker of its queue, which makes it; the render succeeds", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const ffmpeg = await otherFfmpeg(await tempDir("reel-other-ffmpeg-"));
  await using redis = await startRedis();
  await using refusing = await startWorkers(1, {
    redis: redis.url,
    allowRoot: dir,
    env: { REEL_FFMPEG: ffmpeg, REEL_PROGRAM_VERSIONS: "off" },
  });
  // Another live worker of every queue, as its heartbeat says, that has not taken a job yet: the refusing worker
  // hands the speech back for it (the real one below starts only once that has happened).
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  await client.connect();
  const absent = { host: "elsewhere", pid: 1, concurrency: 1, cpu: 1, running: [], heartbeat: 0, started: 0 };
  await client.set(
    `${WORKER_KEY_PREFIX}elsewhere:1`,
    JSON.stringify({ ...absent, queues: ["cpu", "steps"] }),
    "PX",
    60_000,
  );
  try {
    const events: RunEvent[] = [];
    const rendering = renderWorkflows([file], {
      outDir: `${dir}/out`,
      cacheDir: `${dir}/store`,
      cluster: redis.target,
      onEvent: (event) => events.push(event),
    });
    const handedBack = await refusing[0]!.line(/handed back for/);
    assert.match(
      handedBack,
      /was planned with ffmpeg .*; handed back for 1 other worker \(elsewhere:1\); this worker takes none of the queue's jobs for 0\.1 s$/,
    );
    await using making = await startWorkers(1, { redis: redis.url, allowRoot: dir });
    const { run } = await rendering;
    assert.ok(run.ok, [...run.errors.values()].join("\n"));
    const speech = events.find((event) => event.type === "step:finished" && event.kind === "speech");
    assert.ok(speech?.type === "step:finished" && String(speech.worker).startsWith(`${making[0]!.id}:`));
    assert.ok((await probeMedia(await findFfmpeg(), `${dir}/out/rain.64x64.mp4`)).duration > 0.5);
    // Handed back, not failed: the refusing worker never failed a job.
    assert.ok(!refusing[0]!.lines.some((line) => /the job fails/.test(line)), refusing[0]!.lines.join("\n"));
  } finally {
    await client.del(`${WORKER_KEY_PREFIX}elsewhere:1`);
    client.disconnect();
  }
});

Deno.test("a job every worker of its queue refuses fails once, with each worker's reason", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const ffmpeg = await otherFfmpeg(await tempDir("reel-other-ffmpeg-"));
  await using redis = await startRedis();
  await using workers = await startWorkers(2, {
    redis: redis.url,
    allowRoot: dir,
    env: { REEL_FFMPEG: ffmpeg, REEL_PROGRAM_VERSIONS: "off" },
  });
  const events: RunEvent[] = [];
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    cacheDir: `${dir}/store`,
    cluster: redis.target,
    onEvent: (event) => events.push(event),
  });
  assert.ok(!run.ok);
  const failures = events.flatMap((event) =>
    event.type === "step:failed" && event.kind === "speech" ? [event] : []
  );
  assert.equal(failures.length, 1, [...run.errors.values()].join("\n"));
  const reported = run.errors.get(failures[0]!.step) ?? "";
  const [first, second] = workers.map((worker) => worker.id);
  // The last to refuse fails it and names the other's refusal: of this job, or, when the other met another job of
  // the same reason first and never this one, of "a job like it" (which one comes first is the workers' race).
  const last = new RegExp(
    `Refused job [0-9a-f]{12}: step "[^"]+" was planned with ffmpeg .* \\(worker (${first}|${second})\\); ` +
      `also refused by worker (${first}|${second})(?:, for the same reason|: a job like it: step "[^"]+" was ` +
      `planned with ffmpeg .*)$`,
  );
  const match = last.exec(reported);
  assert.ok(match !== null && match[1] !== match[2], reported);
});

Deno.test("jobs every worker refuses for a reason they share (a store outside their folders) all fail: the render ends", async () => {
  // fi13: each worker took back the jobs it had refused while the other stepped back, and the render waited for good.
  const lesson = {
    formats: ["64x64"],
    videos: [{
      id: "rain",
      sections: [{ title: "Clouds", narration: "Warm air rises." }, {
        title: "Rain",
        narration: "Drops fall.",
      }],
    }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const outside = await tempDir("reel-outside-store-");
  await using redis = await startRedis();
  await using _workers = await startWorkers(2, { redis: redis.url, allowRoot: dir });
  const events: RunEvent[] = [];
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    renderWorkflows([file], {
      outDir: `${dir}/out`,
      cacheDir: `${outside}/store`,
      cluster: redis.target,
      onEvent: (event) => events.push(event),
    }).then(({ run }) => run),
    new Promise<"still waiting">((resolve) => deadline = setTimeout(() => resolve("still waiting"), 90_000)),
  ]);
  clearTimeout(deadline);
  assert.notEqual(ended, "still waiting");
  const run = ended as Exclude<typeof ended, string>;
  assert.ok(!run.ok);
  assert.ok(!events.some((event) => event.type === "step:finished"), "no step was made");
  for (const error of run.errors.values()) {
    assert.match(error, /is outside the folders this worker was allowed/);
  }
});
