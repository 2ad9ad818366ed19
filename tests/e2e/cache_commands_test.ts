/** `cache ls` and `cache gc` name the store they work on: a workflow that does not exist is an error, not a store. */
import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";

Deno.test("cache ls and cache gc on a workflow that does not exist stop with exit 2 naming it, and make no store", async () => {
  const dir = await tempDir("reel-cache-cmd-");
  for (const args of [["cache", "ls", "typo.ts"], ["cache", "gc", "typo.ts", "--max-size", "1GB"]]) {
    const result = await runCli(args, { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /✖ No workflow file at typo\.ts\n.*--cache/);
  }
  // A folder is not a workflow either.
  await Deno.mkdir(`${dir}/lesson.ts`);
  assert.equal((await runCli(["cache", "ls", "lesson.ts"], { cwd: dir })).code, 2);
  assert.deepEqual(await listFolder(dir), ["lesson.ts"], "no .reel made");
  // --cache names the store itself.
  await Deno.mkdir(`${dir}/store`);
  const named = await runCli(["cache", "ls", "typo.ts", "--cache", `${dir}/store`], { cwd: dir });
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, /^0 entries, 0 B in .*\/store$/m);
});

Deno.test("cache ls and cache gc on a store that is not there stop with exit 2 naming it; before, a typo listed 0 entries", async () => {
  const dir = await tempDir("reel-cache-none-");
  await Deno.writeTextFile(`${dir}/file`, "");
  await Deno.writeTextFile(`${dir}/w.ts`, "");
  for (
    const [args, said] of [
      [["cache", "ls", "--cache", `${dir}/stor`], /✖ No store at .*\/stor\n/],
      [["cache", "gc", "--max-size", "1GB", "--cache", `${dir}/stor`], /✖ No store at .*\/stor\n/],
      [["cache", "ls", "--cache", `${dir}/file`], /✖ No store at .*\/file \(it is a file\)/],
      // The store beside a workflow that has never rendered.
      [["cache", "ls", "w.ts"], /✖ No store at .*\.reel\n/],
      // The current folder's.
      [["cache", "ls"], /✖ No store at .*\.reel\n/],
    ] as const
  ) {
    const result = await runCli([...args], { cwd: dir, env: { REEL_CACHE: "" } });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, said);
    assert.match(result.stderr, /A render makes its store/);
    assert.doesNotMatch(result.stdout, /entries/);
  }
  assert.deepEqual(await listFolder(dir), ["file", "w.ts"], "no store made");
});

Deno.test("cache gc --help gives --keep-recent's default as a duration, as it is written", async () => {
  // Before: "(default: 600000)", in milliseconds nobody types.
  const result = await runCli(["cache", "gc", "--help"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout.replace(/\s+/g, " "),
    /--keep-recent <duration> keep entries .* \(default: 10m\)/,
  );
});

Deno.test("cache ls counts one entry in the singular", async () => {
  const dir = await tempDir("reel-cache-cmd-");
  const store = new ArtifactStore(`${dir}/store`);
  await store.commit("a".repeat(64), { file: null, extension: null, value: 1, children: [] });
  const result = await runCli(["cache", "ls", "--cache", `${dir}/store`], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  // Before: "1 entries".
  assert.match(result.stdout, /^1 entry, \d+ B in .*\/store$/m);
});
