/**
 * `transcribe` killed with SIGKILL mid-run, then run again: the chunks the first run finished are not heard again,
 * and the outputs are byte for byte those of a run never interrupted.
 */
import assert from "node:assert/strict";
import { CLI, jsonEvents, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { eventsOf, HAS_POCKETSPHINX, testCorpus } from "../_support/transcription.ts";

type Event = { type: string; kind?: string; cached?: boolean; contentKey?: string };

Deno.test({
  name: "transcribe resumes after kill -9: finished chunks are not heard again, outputs are identical",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const corpus = await testCorpus();
    const dir = await tempDir("reel-transcribe-resume-");
    const args = (out: string, cache: string) => [
      "transcribe",
      corpus.path,
      "--out",
      `${dir}/${out}`,
      "--cache",
      `${dir}/${cache}`,
      "--chunk",
      "10",
      "--workers",
      "1",
      "--json",
    ];
    const heard = (event: Event) => event.type === "step:finished" && event.kind === "transcribe-chunk";
    // One worker hears one chunk at a time: kill the run once two are stored, the third being heard.
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CLI, ...args("out", "cache")],
      env: { NO_COLOR: "1", INIT_CWD: Deno.cwd() },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const before = new Set<string>();
    for await (const event of jsonEvents<Event>(child.stdout)) {
      if (heard(event) && event.cached === false) before.add(event.contentKey!);
      if (before.size === 2) {
        child.kill("SIGKILL");
        break;
      }
    }
    assert.equal((await child.status).signal, "SIGKILL");
    await child.stdout.cancel().catch(() => {});

    const resumed = await runCli(args("out", "cache"));
    assert.equal(resumed.code, 0, resumed.stderr);
    const chunks = eventsOf(resumed.stdout).filter(heard);
    const heardAgain = chunks.filter((event) => event.cached === false).map((event) => event.contentKey!);
    const reused = chunks.filter((event) => event.cached === true).map((event) => event.contentKey!);
    assert.ok(chunks.length > 4, `${chunks.length} chunks`);
    assert.deepEqual(heardAgain.filter((key) => before.has(key)), []);
    assert.deepEqual(new Set(reused), before);
    assert.equal(heardAgain.length, chunks.length - 2);

    const clean = await runCli(args("clean", "clean-cache"));
    assert.equal(clean.code, 0, clean.stderr);
    for (const name of ["corpus.json", "corpus.txt", "corpus.srt", "corpus.vtt"]) {
      assert.deepEqual(
        await Deno.readFile(`${dir}/out/${name}`),
        await Deno.readFile(`${dir}/clean/${name}`),
        name,
      );
    }
  },
});

Deno.test({
  name:
    "transcribe makes the decoded recording again when the store is cleared under it (a chunk reads its split's input)",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    // fi4: chunks read the decoded WAV their split was given; cleared by hand, they failed three times each, exit 1,
    // and no transcript was written (a lesson's or a montage's steps made their inputs again).
    const corpus = await testCorpus();
    const dir = await tempDir("reel-transcribe-cleared-");
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        CLI,
        ...["transcribe", corpus.path, "--out", `${dir}/out`, "--cache", `${dir}/cache`],
        ...["--chunk", "10", "--workers", "1", "--json"],
      ],
      env: { NO_COLOR: "1", INIT_CWD: Deno.cwd() },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const decoded: Event[] = [];
    let cleared = false;
    for await (const event of jsonEvents<Event>(child.stdout)) {
      if (event.type === "step:finished" && event.kind === "transcribe-decode") decoded.push(event);
      // One worker hears one chunk at a time: the others have not read the recording yet.
      if (!cleared && event.type === "step:started" && event.kind === "transcribe-chunk") {
        cleared = true;
        await Deno.remove(`${dir}/cache/entries`, { recursive: true });
      }
    }
    assert.equal((await child.status).code, 0, await stderr);
    assert.ok(cleared);
    assert.deepEqual(decoded.map((event) => event.cached), [false, false], "decoded again once");
    assert.match(await Deno.readTextFile(`${dir}/out/corpus.txt`), /\w+/);
  },
});
