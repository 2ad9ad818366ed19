/**
 * A chunk whose stored words do not fit it (a record written by an older version, or damaged by hand: words past
 * the end of its audio) is not served on the next run: the run says so, the chunk is heard again (one more request
 * to the server) and the transcript is the one the first run wrote.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { planResolved } from "../../lib/run/load_plan.ts";
import { renderLoaded } from "../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import type { ArtifactRecord } from "../../lib/store/step_store.ts";
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { HAS_POCKETSPHINX, readTranscript, testCorpus, wordsOf } from "../_support/transcription.ts";

type Word = { text: string; start: number; end: number };

Deno.test({
  name:
    "a chunk whose stored words end past its audio is heard again, said once, and the transcript is right",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const corpus = await testCorpus();
    const dir = await tempDir("reel-transcribe-stored-");
    const talk = `${dir}/talk.wav`;
    await runFfmpeg(await findFfmpeg(), ["-i", corpus.path, "-t", "24", talk]);
    const server = startFakeOpenAi();
    const cacheDir = `${dir}/cache`;
    try {
      const workflow = await resolveWorkflow({
        providers: { asr: { api: "openai", baseUrl: server.url } },
        transcribe: [{ id: "talk", input: talk, engine: "asr", chunk: 10 }],
      }, { file: "t.ts", moduleUrl: `file://${dir}/t.ts` });
      const render = async (outDir: string) => {
        const events: RunEvent[] = [];
        const plan = await planResolved([workflow]);
        const { run } = await renderLoaded({ plan, workflows: [workflow] }, {
          outDir,
          cacheDir,
          onEvent: (event) => events.push(event),
        });
        assert.ok(run.ok, [...run.errors.values()].join("\n"));
        return { run, events };
      };
      const first = await render(`${dir}/first`);
      const heard = server.stats.byStatus["200"]!;
      const chunks = [...first.run.states.keys()].filter((id) => id.startsWith("talk/split/chunk#"));
      assert.ok(chunks.length >= 2 && heard === chunks.length, `${heard} requests, ${chunks.length} chunks`);

      // The second chunk's record, as an older version left it (no digest of its value): its words 30 s later,
      // past the end of its audio; and the transcript that version merged from them in the same run, stored under
      // the same key (a key is made of its inputs' keys, not their words).
      const chunk = first.run.artifacts.get("talk/split/chunk#1")!;
      const path = `${cacheDir}/entries/${chunk.key.slice(0, 2)}/${chunk.key}/record.json`;
      const record = JSON.parse(await Deno.readTextFile(path)) as ArtifactRecord;
      const value = record.value as { duration: number; words: Word[] };
      assert.ok(value.words.length > 0);
      value.words = value.words.map((word) => ({ ...word, start: word.start + 30, end: word.end + 30 }));
      delete record.valueSha256;
      await Deno.writeTextFile(path, JSON.stringify(record));
      const merge = first.run.artifacts.get("talk/merge")!.key;
      const mergeDir = `${cacheDir}/entries/${merge.slice(0, 2)}/${merge}`;
      const mergeRecord = JSON.parse(await Deno.readTextFile(`${mergeDir}/record.json`)) as ArtifactRecord;
      const mergeFile = `${mergeDir}/${mergeRecord.file}`;
      const merged = JSON.parse(await Deno.readTextFile(mergeFile));
      // Everything from the second chunk on, 30 s later.
      const stale = JSON.stringify(
        merged,
        (key, item) =>
          key !== "" && typeof item === "object" && item !== null && typeof item.start === "number" &&
            item.start >= 10
            ? { ...item, start: item.start + 30, end: item.end + 30 }
            : item,
      );
      assert.notEqual(stale, JSON.stringify(merged));
      const staleBytes = new TextEncoder().encode(stale);
      await Deno.writeFile(mergeFile, staleBytes);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", staleBytes));
      mergeRecord.sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
      mergeRecord.bytes = staleBytes.length;
      delete mergeRecord.mtime;
      await Deno.writeTextFile(`${mergeDir}/record.json`, JSON.stringify(mergeRecord));

      const second = await render(`${dir}/second`);
      // That chunk alone was heard again, and said so once, naming it and why.
      assert.equal(server.stats.byStatus["200"], heard + 1);
      const remade = second.events.filter((event) => event.type === "step:remaking");
      assert.equal(remade.length, 1);
      assert.ok(remade[0]!.type === "step:remaking" && remade[0]!.step === "talk/split/chunk#1");
      assert.match(
        remade[0]!.reason,
        /^Chunk \d:\d\d\.\d–\d:\d\d\.\d of talk\.wav: word 1 \(".+"\) ends at [\d.]+ s, past the end of the chunk's [\d.]+ s of audio$/,
      );
      const ran = second.events.flatMap((event) =>
        event.type === "step:finished" && event.kind === "transcribe-chunk" && !event.cached
          ? [event.step]
          : []
      );
      assert.deepEqual(ran, ["talk/split/chunk#1"]);
      // The store holds the chunk's words again, and the transcript is the first run's, byte for byte.
      const stored = JSON.parse(await Deno.readTextFile(path)) as ArtifactRecord;
      assert.deepEqual(stored.value, first.run.artifacts.get("talk/split/chunk#1")!.value);
      assert.equal(
        await Deno.readTextFile(`${dir}/second/talk.json`),
        await Deno.readTextFile(`${dir}/first/talk.json`),
      );
      const words = wordsOf(await readTranscript(`${dir}/second/talk.json`));
      for (let i = 1; i < words.length; i++) assert.ok(words[i]!.start >= words[i - 1]!.start);
      assert.ok(words.every((word) => word.end <= 24.001), JSON.stringify(words.at(-1)));
    } finally {
      await server.close();
    }
  },
});
