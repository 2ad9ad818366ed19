/**
 * `transcribe` end to end with pocketsphinx on a 75 s corpus of known text: chunked and heard in parallel, it is
 * as good as one pass over the whole recording, its seams hold every word once, its outputs are well formed, and
 * neither a second run nor a second recording of the same audio hears anything again.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { countWordErrors } from "../../lib/providers/local/speech/word_error_rate.ts";
import { runCli } from "../_support/cli.ts";
import { parseSrt } from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";
import {
  chunksOf,
  eventsOf,
  HAS_POCKETSPHINX,
  readTranscript,
  singlePass,
  testCorpus,
  wordsOf,
} from "../_support/transcription.ts";

const ignore = !HAS_POCKETSPHINX;
const CHUNKING = { chunk: 15, overlap: 2, context: 2 };
const dir = ignore ? "" : await tempDir("reel-transcribe-e2e-");
const args = (input: string, out: string) => [
  "transcribe",
  input,
  "--out",
  `${dir}/${out}`,
  "--cache",
  `${dir}/cache`,
  "--chunk",
  "15",
  "--json",
];
let first: ReturnType<typeof runCli> | null = null;
let baseline: ReturnType<typeof singlePass> | null = null;
/** The chunked run over the corpus into `out/` (once per file), and one pocketsphinx pass over it. */
async function transcribed() {
  const corpus = await testCorpus();
  first ??= runCli(args(corpus.path, "out"));
  baseline ??= singlePass(corpus.path);
  const [run, single] = await Promise.all([first, baseline]);
  assert.equal(run.code, 0, run.stderr);
  return { corpus, run, single, transcript: await readTranscript(`${dir}/out/corpus.json`) };
}

Deno.test({
  name:
    "transcribe hears a recording in chunks as well as one pass over it, and writes text, SRT, WebVTT and JSON",
  ignore,
  fn: async () => {
    const { corpus, run, single, transcript } = await transcribed();
    const words = wordsOf(transcript);
    const chunked = countWordErrors(corpus.text, words.map((word) => word.text).join(" "));
    const whole = countWordErrors(corpus.text, single.map((word) => word.text).join(" "));
    // At most 1 point above the single pass, and the word count within 1% of it.
    assert.ok(
      chunked.errors / chunked.referenceWords <= whole.errors / whole.referenceWords + 0.01,
      `WER ${chunked.errors}/${chunked.referenceWords} chunked, ${whole.errors}/${whole.referenceWords} in one pass`,
    );
    assert.ok(
      Math.abs(words.length - single.length) <= single.length * 0.01,
      `${words.length} vs ${single.length}`,
    );
    assert.ok(Math.abs(transcript.duration - corpus.duration) < 0.01);
    for (const [i, word] of words.entries()) {
      assert.ok(word.start <= word.end && word.end <= transcript.duration + 0.01);
      assert.ok(word.confidence !== null && word.confidence >= 0 && word.confidence <= 1);
      if (i > 0) {
        assert.ok(word.start >= words[i - 1]!.start, `${word.text} at ${word.start} is out of order`);
      }
    }
    const srt = parseSrt(await Deno.readTextFile(`${dir}/out/corpus.srt`));
    // A cue is its segment in lines of at most 42 characters, two at most.
    assert.deepEqual(
      srt.map((cue) => cue.text.replaceAll("\n", " ")),
      transcript.segments.map((segment) => segment.text),
    );
    for (const cue of srt) {
      const lines = cue.text.split("\n");
      assert.ok(lines.length <= 2 && lines.every((line) => line.length <= 42), cue.text);
    }
    assert.ok(srt.every((cue, i) => Math.abs(cue.start - transcript.segments[i]!.start) < 0.002));
    const vtt = await Deno.readTextFile(`${dir}/out/corpus.vtt`);
    assert.equal(vtt.match(/ --> /g)?.length, srt.length);
    const text = await Deno.readTextFile(`${dir}/out/corpus.txt`);
    assert.equal(text.trim().split(/\s+/).length, words.length);
    // The four files were written together, once the last of them was made.
    const events = eventsOf(run.stdout);
    const made = events.flatMap((event, i) =>
      event.type === "step:finished" && /^corpus\/(merge|txt|srt|vtt)$/.test(String(event.step)) ? [i] : []
    );
    const written = events.flatMap((event, i) => event.type === "output:written" ? [i] : []);
    assert.equal(made.length, 4);
    assert.equal(written.length, 4);
    assert.ok(Math.min(...written) > Math.max(...made), "an output was written before the last was made");
    const chunks = events.filter((e) => e.type === "step:finished" && e.kind === "transcribe-chunk");
    assert.equal(chunks.length, (await chunksOf(corpus, CHUNKING)).length);
    // Every chunk heard words of its own part: none is said to have heard nothing (nt: each after the first was).
    assert.doesNotMatch(`${run.stdout}\n${run.stderr}`, /no word was heard/);
  },
});

Deno.test({
  name: "transcribe keeps every word once at each hard cut inside speech: none doubled, none lost",
  ignore,
  fn: async () => {
    const { corpus, single, transcript } = await transcribed();
    const words = wordsOf(transcript);
    const hard = (await chunksOf(corpus, CHUNKING)).filter((chunk) => chunk.end > chunk.to).map((chunk) =>
      chunk.to
    );
    const runOn = corpus.pieces.find((piece) => piece.runOn)!;
    assert.ok(
      hard.length >= 1 && hard.every((cut) => cut > runOn.start && cut < runOn.end),
      `hard cuts ${hard}`,
    );
    const middle = (word: { start: number; end: number }) => (word.start + word.end) / 2;
    for (const cut of hard) {
      const near = (list: typeof words) => list.filter((word) => Math.abs(middle(word) - cut) <= 2.5);
      const merged = near(words);
      assert.ok(
        Math.abs(merged.length - near(single).length) <= 1,
        `around ${cut}: ${merged.map((w) => w.text)}`,
      );
      for (let i = 1; i < merged.length; i++) {
        const [a, b] = [merged[i - 1]!, merged[i]!];
        const shared = Math.min(a.end, b.end) - Math.max(a.start, b.start);
        assert.ok(
          shared <= 0.5 * Math.min(a.end - a.start, b.end - b.start),
          `"${a.text}" and "${b.text}" overlap at ${cut}`,
        );
        assert.ok(b.start - a.end < 0.8, `a gap before "${b.text}" at ${b.start}, near the cut at ${cut}`);
      }
    }
  },
});

Deno.test({
  name:
    "transcribe hears nothing again: not on a second run, not for another file of the same audio, not in a folder",
  ignore,
  fn: async () => {
    const { corpus } = await transcribed();
    const again = await runCli(args(corpus.path, "again"));
    assert.equal(again.code, 0, again.stderr);
    const finished = eventsOf(again.stdout).filter((event) => event.type === "step:finished");
    assert.ok(finished.length > 7 && finished.every((event) => event.cached === true));
    // The same samples in another container: probe and decode run, no chunk is heard again.
    const flac = `${dir}/same audio.flac`;
    await runFfmpeg(await findFfmpeg(), ["-i", corpus.path, "-c:a", "flac", flac]);
    const other = await runCli(args(flac, "same"));
    assert.equal(other.code, 0, other.stderr);
    const events = eventsOf(other.stdout).filter((event) => event.type === "step:finished");
    const ran = events.filter((event) => event.cached !== true).map((event) => event.kind);
    assert.ok(ran.includes("transcribe-decode"));
    assert.ok(!ran.includes("transcribe-chunk"), `chunks heard again: ${ran}`);
    assert.ok(events.some((event) => event.kind === "transcribe-chunk" && event.cached === true));
    assert.deepEqual(
      wordsOf(await readTranscript(`${dir}/same/same-audio.json`)),
      wordsOf(await readTranscript(`${dir}/out/corpus.json`)),
    );
    // A byte-for-byte copy under another name: every step is stored, under another recording's ids.
    const copy = `${dir}/copy of corpus${corpus.path.slice(corpus.path.lastIndexOf("."))}`;
    await Deno.copyFile(corpus.path, copy);
    const copied = await runCli(args(copy, "copy"));
    assert.equal(copied.code, 0, copied.stderr);
    const copiedEvents = eventsOf(copied.stdout).filter((event) => event.type === "step:finished");
    assert.ok(copiedEvents.some((event) => event.kind === "transcribe-chunk" && event.cached === true));
    assert.ok(!copiedEvents.some((event) => event.kind === "transcribe-chunk" && event.cached !== true));
    assert.deepEqual(
      wordsOf(await readTranscript(`${dir}/copy/copy-of-corpus.json`)),
      wordsOf(await readTranscript(`${dir}/out/corpus.json`)),
    );
    // nt8: a folder was refused ("Expected a recording, got a folder"); it gives its recordings, not its notes.
    await Deno.mkdir(`${dir}/talks`);
    await Deno.rename(flac, `${dir}/talks/b.flac`);
    await Deno.rename(copy, `${dir}/talks/a${corpus.path.slice(corpus.path.lastIndexOf("."))}`);
    await Deno.writeTextFile(`${dir}/talks/notes.txt`, "Not a recording.");
    const folder = await runCli(args(`${dir}/talks`, "talks-words"));
    assert.equal(folder.code, 0, folder.stderr);
    for (const name of ["a", "b"]) {
      assert.deepEqual(
        wordsOf(await readTranscript(`${dir}/talks-words/${name}.json`)),
        wordsOf(await readTranscript(`${dir}/out/corpus.json`)),
      );
    }
    assert.ok(
      !(await Deno.readTextFile(`${dir}/talks-words/report.html`)).includes("notes"),
      "notes not heard",
    );
    await Deno.mkdir(`${dir}/notes`);
    await Deno.writeTextFile(`${dir}/notes/notes.txt`, "Not a recording.");
    const none = await runCli(args(`${dir}/notes`, "notes-words"));
    assert.equal(none.code, 2, none.stderr);
    assert.match(
      none.stderr,
      /✖ The folder .*\/notes holds no recordings \(\.wav, \.mp3, .*\)\n/,
    );
  },
});
