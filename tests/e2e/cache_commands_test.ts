/** `cache ls` and `cache gc` name the store they work on: a workflow that does not exist is an error, not a store. */
import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { MOD_URL } from "../_support/workflows.ts";
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
  // --cache names the store itself; the workflow whose entries to list must still be there (--all lists them all).
  await Deno.mkdir(`${dir}/store`);
  const typo = await runCli(["cache", "ls", "typo.ts", "--cache", `${dir}/store`], { cwd: dir });
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, /✖ No workflow file at typo\.ts/);
  const named = await runCli(["cache", "ls", "typo.ts", "--all", "--cache", `${dir}/store`], { cwd: dir });
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
      // Before: NotADirectory and its trace, exit 1.
      [
        ["cache", "gc", "--max-size", "0", "--cache", `${dir}/file/x`],
        /✖ No store at .*\/file\/x \(.*\/file is a file, not/,
      ],
      // fi4: a folder of other files listed 0 entries, and gc removed none, exit 0.
      [
        ["cache", "gc", "--max-size", "0", "--cache", dir],
        /✖ .* is not a store: it holds none of tmp\/, claims/,
      ],
      // The store beside a workflow that has never rendered.
      [["cache", "ls", "w.ts"], /✖ No store at .*\.reel\n/],
      // The current folder's, said to be (nt4: the example's store is beside it, in workflows/).
      [
        ["cache", "ls"],
        /✖ No store at .*\.reel\n {2}Without a workflow, the current folder's store is read/,
      ],
    ] as const
  ) {
    const result = await runCli([...args], { cwd: dir, env: { REEL_CACHE: "" } });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, said);
    assert.match(result.stderr, /a render makes its store/i);
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

Deno.test("cache ls counts what entries/ holds that is no entry apart, and cache gc removes it whatever the size", async () => {
  // fi18: a damaged entry and a folder put there by hand were in no count ("0 entries, 0 B"), and stayed.
  const dir = await tempDir("reel-cache-cmd-");
  const store = new ArtifactStore(`${dir}/store`);
  await store.commit("a".repeat(64), { file: null, extension: null, value: 1, children: [] });
  await Deno.mkdir(`${dir}/store/entries/zz/notakey`, { recursive: true });
  await Deno.writeTextFile(`${dir}/store/entries/zz/notakey/artifact.mp4`, "x".repeat(5000));
  // And a killed render's scratch folder (fi21: left until the next render).
  await Deno.mkdir(`${dir}/store/tmp/999999999-${"b".repeat(12)}-x`, { recursive: true });
  const listed = await runCli(["cache", "ls", "--cache", `${dir}/store`], { cwd: dir });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^1 entry, \d+ B in .*\/store\nand 1 item in entries\/ that is no entry \(5\.0 kB: damaged, or put there by hand\), which no render reads and cache gc removes$/m,
  );
  const collected = await runCli(["cache", "gc", "--max-size", "1GB", "--cache", `${dir}/store`], {
    cwd: dir,
  });
  assert.equal(collected.code, 0, collected.stderr);
  assert.match(
    collected.stdout,
    new RegExp(
      String
        .raw`^removed 1 entry \(5\.0 kB, 1 item in entries/ that was no entry among them\), \d+ B left; ` +
        String.raw`also removed 1 leftover of stopped renders \(scratch folders, claims\)$`,
      "m",
    ),
  );
  assert.deepEqual(await listFolder(`${dir}/store/entries`), ["aa"]);
  assert.deepEqual(await listFolder(`${dir}/store/tmp`), []);
});

Deno.test("cache ls <workflow> lists the entries its plan uses, each with its step id, its spawned children too, and counts the rest", async () => {
  const dir = await tempDir("reel-cache-ls-");
  const head = `import { step, workflow } from "${MOD_URL}";\n`;
  await Deno.writeTextFile(
    `${dir}/a.ts`,
    `${head}export default workflow({ steps: [
  step({ id: "split", run: (_inputs, { spawn }) => { for (let i = 0; i < 3; i++) spawn("part", { i }); return 0; } }),
  step({ id: "part", child: true, run: (_inputs, { params }) => Number(params.i) * 2 }),
  step({ id: "merge", inputs: ["split"], run: (inputs) => inputs.split?.children.map((c) => c.value) ?? [] }),
] });\n`,
  );
  await Deno.writeTextFile(
    `${dir}/b.ts`,
    `${head}export default workflow({ steps: [step({ id: "other", run: () => 1 })] });\n`,
  );
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    `${head}export default workflow({ formats: ["160x90"], titleCard: false, voice: { provider: "espeak", voice: "en-us" },
  videos: [{ id: "v", sections: [{ id: "intro", title: "T", narration: "Hello there." }] }] });\n`,
  );
  // Three workflows share the store beside them.
  for (const file of ["a.ts", "b.ts", "lesson.ts"]) {
    const rendered = await runCli(["render", file, "--out", "out", "-q"], { cwd: dir });
    assert.equal(rendered.code, 0, rendered.stderr);
  }
  const all = await runCli(["cache", "ls", "--cache", ".reel"], { cwd: dir });
  assert.equal(all.code, 0, all.stderr);
  const total = Number(/^(\d+) entries/m.exec(all.stdout)?.[1]);
  const ids = (stdout: string) =>
    stdout.split("\n").filter((line) => /^[0-9a-f]{16} /.test(line)).map((line) =>
      line.split(/\s{2,}/).at(-1)!
    ).sort();
  // Before: every entry of the store, for any workflow, with a key prefix and no step.
  const a = await runCli(["cache", "ls", "a.ts"], { cwd: dir });
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(ids(a.stdout), ["merge", "split", "split/part#0", "split/part#1", "split/part#2"]);
  // Value-only entries, each the size of its record (before: 0 B each, and 0 B in all).
  assert.match(a.stdout, /^5 entries, [1-9][\d.]* k?B in .*\.reel$/m);
  for (const line of a.stdout.split("\n").filter((line) => /^[0-9a-f]{16} /.test(line))) {
    assert.match(line, /^[0-9a-f]{16} +[1-9]\d* B {2}/, line);
  }
  assert.match(
    a.stdout,
    new RegExp(`^The store holds ${total - 5} other entries \\(.*\\) that a\\.ts does not use; --all`, "m"),
  );
  const lesson = await runCli(["cache", "ls", "lesson.ts"], { cwd: dir });
  assert.equal(lesson.code, 0, lesson.stderr);
  assert.deepEqual(ids(lesson.stdout), [
    "v/intro/cues",
    "v/intro/slide@160x90",
    "v/intro/speech",
    "v/narration",
    "v/stills@160x90",
    "v/subtitles.srt",
    "v/subtitles.vtt",
    "v/video@160x90",
  ]);
  assert.match(lesson.stdout, new RegExp(`^The store holds ${total - 8} other entries`, "m"));
  // --all, and no workflow with --cache: the whole store, as before.
  const every = await runCli(["cache", "ls", "a.ts", "--all"], { cwd: dir });
  assert.equal(every.code, 0, every.stderr);
  assert.equal(total, 5 + 1 + 8);
  assert.match(every.stdout, new RegExp(`^${total} entries`, "m"));
  assert.doesNotMatch(every.stdout, /other entr/);
  // Listing marks nothing used: gc's order is the renders'.
  assert.equal(
    (await runCli(["cache", "ls", "--cache", ".reel"], { cwd: dir })).stdout,
    all.stdout,
  );
});
