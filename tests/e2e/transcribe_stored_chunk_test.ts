/**
 * A chunk whose stored words do not fit it (a record written by an older version, or damaged by hand: words past
 * the end of its audio) is not served on the next run: the run says so, the chunk is heard again (one more request
 * to the server) and the transcript is the one the first run wrote, even when that run is killed before the merge.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { planResolved } from "../../lib/run/load_plan.ts";
import { renderLoaded } from "../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import type { RunResult } from "../../lib/run/run_options.ts";
import type { ArtifactRecord } from "../../lib/store/step_store.ts";
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import { type Transcript, transcriptText } from "../../lib/jobs/transcribe/transcript.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { HAS_POCKETSPHINX, readTranscript, testCorpus, wordsOf } from "../_support/transcription.ts";

type Word = { text: string; start: number; end: number };

/** A recording of 24 s heard by a fake server in chunks of 10 s, rendered once, and how to render it again. */
async function renderedOnce() {
  const corpus = await testCorpus();
  const dir = await tempDir("reel-transcribe-stored-");
  const talk = `${dir}/talk.wav`;
  await runFfmpeg(await findFfmpeg(), ["-i", corpus.path, "-t", "24", talk]);
  const server = startFakeOpenAi();
  const cacheDir = `${dir}/cache`;
  const workflow = await resolveWorkflow({
    providers: { asr: { api: "openai", baseUrl: server.url } },
    transcribe: [{ id: "talk", input: talk, engine: "asr", chunk: 10 }],
  }, { file: "t.ts", moduleUrl: `file://${dir}/t.ts` });
  /** Renders into `outDir`; `signal` cancels it, and `onEvent` sees each event first. */
  const render = async (
    outDir: string,
    options: { signal?: AbortSignal; onEvent?: (event: RunEvent) => void } = {},
  ) => {
    const events: RunEvent[] = [];
    const plan = await planResolved([workflow]);
    const { run } = await renderLoaded({ plan, workflows: [workflow] }, {
      outDir,
      cacheDir,
      signal: options.signal,
      onEvent: (event) => {
        options.onEvent?.(event);
        events.push(event);
      },
    });
    assert.ok(run.ok || options.signal?.aborted, [...run.errors.values()].join("\n"));
    return { run, events };
  };
  const first = await render(`${dir}/first`);
  return { dir, cacheDir, server, render, first };
}

/** The folder of a stored entry, and its record. */
async function entryOf(cacheDir: string, key: string) {
  const folder = `${cacheDir}/entries/${key.slice(0, 2)}/${key}`;
  const record = JSON.parse(await Deno.readTextFile(`${folder}/record.json`)) as ArtifactRecord;
  return { folder, record };
}

/** Writes other bytes in a stored entry's file, with the digest and size that make the store take them. */
async function replaceStoredFile(cacheDir: string, key: string, text: string): Promise<void> {
  const { folder, record } = await entryOf(cacheDir, key);
  const bytes = new TextEncoder().encode(text);
  await Deno.writeFile(`${folder}/${record.file}`, bytes);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  record.sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  record.bytes = bytes.length;
  delete record.mtime;
  await Deno.writeTextFile(`${folder}/record.json`, JSON.stringify(record));
}

/**
 * Leaves the store as an older version did: the second chunk's record with no digest of its value and its words 30 s
 * later, past the end of its audio, and heard as `stale`; and what that version made from them in the same run,
 * stored under the same keys (a key is made of its inputs' keys, not their words): the transcript, with every word
 * from the second chunk on 30 s later and `stale`, and its text.
 *
 * @returns The path of the chunk's record.
 */
async function plantStaleChunk(cacheDir: string, first: RunResult): Promise<string> {
  const chunk = first.artifacts.get("talk/split/chunk#1")!;
  const { folder, record } = await entryOf(cacheDir, chunk.key);
  const value = record.value as { duration: number; words: Word[] };
  assert.ok(value.words.length > 0);
  value.words = value.words.map((word) => ({ text: "stale", start: word.start + 30, end: word.end + 30 }));
  delete record.valueSha256;
  await Deno.writeTextFile(`${folder}/record.json`, JSON.stringify(record));
  const merge = first.artifacts.get("talk/merge")!;
  const merged = JSON.parse(await Deno.readTextFile(merge.path!)) as Transcript;
  const late = <T extends { start: number; end: number; text: string }>(item: T): T =>
    item.start >= 10 ? { ...item, start: item.start + 30, end: item.end + 30, text: "stale" } : item;
  const stale: Transcript = {
    ...merged,
    segments: merged.segments.map((segment) => {
      const words = segment.words.map(late);
      return { ...late(segment), text: words.map((word) => word.text).join(" "), words };
    }),
  };
  assert.notEqual(transcriptText(stale), transcriptText(merged));
  await replaceStoredFile(cacheDir, merge.key, JSON.stringify(stale));
  await replaceStoredFile(cacheDir, first.artifacts.get("talk/txt")!.key, transcriptText(stale));
  return `${folder}/record.json`;
}

Deno.test({
  name:
    "a chunk whose stored words end past its audio is heard again, said once, and the transcript is right",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const { dir, cacheDir, server, render, first } = await renderedOnce();
    try {
      const heard = server.stats.byStatus["200"]!;
      const chunks = [...first.run.states.keys()].filter((id) => id.startsWith("talk/split/chunk#"));
      assert.ok(chunks.length >= 2 && heard === chunks.length, `${heard} requests, ${chunks.length} chunks`);
      const path = await plantStaleChunk(cacheDir, first.run);

      const second = await render(`${dir}/second`);
      // That chunk alone was heard again, and said so once, naming it and why.
      assert.equal(server.stats.byStatus["200"], heard + 1);
      const remade = second.events.filter((event) => event.type === "step:remaking");
      assert.equal(remade.length, 1);
      assert.ok(remade[0]!.type === "step:remaking" && remade[0]!.step === "talk/split/chunk#1");
      assert.match(
        remade[0]!.reason,
        /^Chunk \d:\d\d\.\d–\d:\d\d\.\d of talk\.wav: word 1 \("stale"\) ends at [\d.]+ s, past the end of the chunk's [\d.]+ s of audio$/,
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
      for (const output of ["talk.json", "talk.txt"]) {
        assert.equal(
          await Deno.readTextFile(`${dir}/second/${output}`),
          await Deno.readTextFile(`${dir}/first/${output}`),
        );
      }
      const words = wordsOf(await readTranscript(`${dir}/second/talk.json`));
      for (let i = 1; i < words.length; i++) assert.ok(words[i]!.start >= words[i - 1]!.start);
      assert.ok(words.every((word) => word.end <= 24.001), JSON.stringify(words.at(-1)));
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name:
    "a run killed after a refused chunk was heard again and before the merge leaves no stale transcript to serve",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const { dir, cacheDir, server, render, first } = await renderedOnce();
    try {
      const heard = server.stats.byStatus["200"]!;
      await plantStaleChunk(cacheDir, first.run);

      // Stopped as the chunk heard again is done: it is stored, the merge (its reader) never starts.
      const stop = new AbortController();
      const killed = await render(`${dir}/killed`, {
        signal: stop.signal,
        onEvent: (event) => {
          if (event.type === "step:finished" && event.step === "talk/split/chunk#1" && !event.cached) {
            stop.abort();
          }
        },
      });
      assert.ok(killed.run.cancelled);
      assert.equal(server.stats.byStatus["200"], heard + 1);
      assert.equal(killed.run.states.get("talk/split/chunk#1"), "done");
      assert.ok(!killed.events.some((event) => event.type === "step:started" && event.step === "talk/merge"));
      assert.equal(killed.run.states.get("talk/merge"), "cancelled");

      // The next run finds the chunk stored and right: it is not heard again, and the transcript and its text are
      // merged from its words, not served as the older version left them.
      const next = await render(`${dir}/next`);
      assert.equal(server.stats.byStatus["200"], heard + 1);
      assert.ok(!next.events.some((event) => event.type === "step:remaking"));
      const text = await Deno.readTextFile(`${dir}/next/talk.txt`);
      assert.doesNotMatch(text, /stale/);
      assert.equal(text, await Deno.readTextFile(`${dir}/first/talk.txt`));
      assert.equal(
        await Deno.readTextFile(`${dir}/next/talk.json`),
        await Deno.readTextFile(`${dir}/first/talk.json`),
      );
      const merged = next.events.find((event) =>
        event.type === "step:finished" && event.step === "talk/merge"
      );
      assert.ok(merged?.type === "step:finished" && !merged.cached);
    } finally {
      await server.close();
    }
  },
});
