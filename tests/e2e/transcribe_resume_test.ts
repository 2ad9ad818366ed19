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
