/**
 * Worker counts a machine cannot hold or a plan cannot use: `render --workers 99999` starts one worker a step (and
 * says so), and `tune --counts` refuses counts that are not whole numbers or that the memory cannot hold, exit 2.
 */
import assert from "node:assert/strict";
import { jsonEvents, runCli } from "../_support/cli.ts";
import { CLI } from "../_support/cli.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";
import { makeColourImage } from "../_support/test_video.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { exists } from "../../lib/core/exists.ts";

const LESSON = {
  formats: ["160x90"],
  voice: { provider: "espeak", voice: "en-us" },
  videos: [{ id: "v", sections: [{ title: "A", narration: "Hello there." }] }],
};

Deno.test("render --workers 99999 starts one worker a step, says so, and renders", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", file, "--out", `${dir}/out`, "--workers", "99999", "--json"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let started: { total?: number; workers?: number } | null = null;
  let finished: { ok?: boolean } | null = null;
  for await (
    const event of jsonEvents<{ type: string; total?: number; workers?: number; ok?: boolean }>(child.stdout)
  ) {
    if (event.type === "run:started") started = event;
    if (event.type === "run:finished") finished = event;
  }
  const status = await child.status;
  assert.equal(status.code, 0, await stderr);
  assert.ok(started !== null && finished?.ok === true);
  assert.equal(started.workers, started.total, "one worker a step");
  assert.match(await stderr, new RegExp(`99999 workers asked for: starting ${started.total} \\(one a step`));
});

Deno.test("tune --counts refuses counts that are not whole numbers of at least 1, or that the memory cannot hold", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  for (const counts of ["0", "a,b", "2,-1", "2,,4"]) {
    const result = await runCli(["tune", file, "--counts", counts, "--no-save"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /--counts .* is invalid\. Expected (whole numbers of at least 1, got "(0|a|-1)"|items separated by commas, got an empty item in "2,,4")/,
    );
  }
  const result = await runCli(["tune", file, "--counts", "1,99999", "--no-save"]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /✖ Cannot try 99999 workers: this machine's memory holds \d+ \(64 MiB each/);
  assert.doesNotMatch(result.stdout, /^\s+1\s/m, "nothing was measured");
});

Deno.test("a render of fewer steps than cores, with no --workers, starts one worker a step without a word", async () => {
  // Before: "2 workers asked for: starting 1 (one a step: the plan has 1)", to a user who asked for none.
  const montage = { id: "one", layout: "grid", items: ["tile.png"], size: "64x36", duration: 1 };
  const file = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ montages: [montage] })});`,
  );
  const dir = file.slice(0, file.lastIndexOf("/"));
  await makeColourImage(`${dir}/tile.png`, { colour: "#3050e0", width: 32, height: 32 });
  const result = await runCli(["render", file, "--out", `${dir}/out`, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const started = result.stdout.split("\n").map((line) => line === "" ? {} : JSON.parse(line))
    .find((event) => event.type === "run:started");
  assert.deepEqual([started?.total, started?.workers], [1, 1]);
  assert.doesNotMatch(result.stderr, /workers asked for/);
});

Deno.test("worker refuses a --store that is not there and a bucket's --cache it cannot write, before Redis, exit 2", async () => {
  // Before: it said "ready", took jobs and failed each ("Read-only file system: tmpdir"), beside healthy workers;
  // with a --store not there it made a store of its own, whose artifacts the coordinator could not find.
  const dir = await tempDir();
  // No Redis listens there: the folders are refused first.
  const redis = "redis://127.0.0.1:1";
  const missing = await runCli(["worker", "--redis", redis, "--store", `${dir}/no-store`], { cwd: dir });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, new RegExp(`--store ${dir}/no-store does not exist`));
  assert.equal(await exists(`${dir}/no-store`), false);
  // fi22: links that loop stopped it with Deno's FilesystemLoop and a trace, exit 1.
  await Deno.symlink(`${dir}/loop-b`, `${dir}/loop-a`);
  await Deno.symlink(`${dir}/loop-a`, `${dir}/loop-b`);
  const looped = await runCli(["worker", "--redis", redis, "--store", `${dir}/loop-a`], { cwd: dir });
  assert.equal(looped.code, 2, looped.stderr);
  assert.match(looped.stderr, /^✖ Cannot use --store .*\/loop-a: its links loop\n/);
  await Deno.writeTextFile(`${dir}/cache`, "a file in the way");
  // The cache holds a bucket's files: checked for a bucket store, and not made for a folder store.
  const blocked = await runCli([
    "worker",
    "--redis",
    redis,
    "--store",
    "s3://reel/p",
    "--cache",
    `${dir}/cache`,
  ], {
    cwd: dir,
  });
  assert.equal(blocked.code, 2, blocked.stderr);
  assert.match(blocked.stderr, new RegExp(`Cannot write to the worker's cache folder ${dir}/cache: `));
  assert.match(blocked.stderr, /--cache/);
  await Deno.mkdir(`${dir}/store`);
  const folder = await runCli(["worker", "--redis", redis, "--store", `${dir}/store`], { cwd: dir });
  assert.match(folder.stderr, /Cannot reach Redis/);
  assert.equal(await exists(`${dir}/.reel-worker`), false);
});

Deno.test("worker refuses a --lock-ms shorter than a second, before Redis, exit 2", async () => {
  // Before: taken; every job then "stalled more than allowable limit" and the render failed, exit 1.
  const result = await runCli(["worker", "--redis", "redis://127.0.0.1:1", "--lock-ms", "10"]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--lock-ms <ms>' argument '10' is invalid\. Expected at least 1000 ms/);
});
