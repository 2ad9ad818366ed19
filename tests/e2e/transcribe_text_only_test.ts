/**
 * `transcribe` with a model that answers text only (`gpt-4o-transcribe`: no word times) through the fake server:
 * a chunk that starts in a long pause keeps its first words, and none is heard twice; a word said on both sides of
 * the pause a cut is in is kept twice.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { HAS_POCKETSPHINX } from "../_support/transcription.ts";

/** Sentences with pauses of 12 and 16 s: with chunks of 20 s, the cuts go in them. */
const SPEECH = [
  '<speak>I would like a cup of coffee please. <break time="600ms"/> The weather is very nice today.',
  '<break time="600ms"/> We went to the store to buy some bread. <break time="600ms"/> She told me that she was',
  'going home. <break time="12s"/> The children are playing in the park. <break time="16s"/> He reads the',
  'newspaper every morning. <break time="600ms"/> They will arrive at the station at noon.</speak>',
].join(" ");

/** Says `ssml` with espeak-ng (en-us, 140 words a minute) into the WAV `path`. */
async function speak(ssml: string, path: string): Promise<void> {
  const espeak = await new Deno.Command("espeak-ng", {
    args: ["-m", "-v", "en-us", "-s", "140", "-w", path, "--stdin"],
    stdin: "piped",
    stderr: "piped",
  }).spawn();
  const writer = espeak.stdin.getWriter();
  await writer.write(new TextEncoder().encode(ssml));
  await writer.close();
  const { code, stderr } = await espeak.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
}

Deno.test({
  name:
    "transcribe with a text-only model keeps the first words of a chunk that starts in a pause, each once",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const dir = await tempDir("reel-transcribe-text-only-");
    await speak(SPEECH, `${dir}/gap.wav`);
    const server = startFakeOpenAi({});
    try {
      const transcribe = (model: string) =>
        runCli([
          "transcribe",
          `${dir}/gap.wav`,
          "--engine",
          "asr",
          "--base-url",
          server.url,
          "--model",
          model,
          "--chunk",
          "20",
          "--out",
          `${dir}/${model}`,
          "--cache",
          `${dir}/cache`,
          "--quiet",
        ]);
      const run = await transcribe("gpt-4o-transcribe");
      assert.equal(run.code, 0, run.stderr);
      const text = await Deno.readTextFile(`${dir}/gpt-4o-transcribe/gap.txt`);
      const words = text.split(/\s+/).filter((word) => word !== "");
      // What the fake server (pocketsphinx) hears of the sentences around the pauses, each once and in order.
      const phrases = ["going", "playing in the park", "he reads", "newspaper every"];
      const joined = ` ${words.join(" ")} `;
      let from = 0;
      for (const phrase of phrases) {
        const at = joined.indexOf(` ${phrase} `, from);
        assert.ok(at >= 0, `"${phrase}" after character ${from} of: ${joined}`);
        assert.equal(joined.indexOf(` ${phrase} `, at + 1), -1, `"${phrase}" twice in: ${joined}`);
        from = at + phrase.length;
      }
      // The words a model with word times hears of the same audio, none more, none less.
      const timed = await transcribe("whisper-1");
      assert.equal(timed.code, 0, timed.stderr);
      const heard = (await Deno.readTextFile(`${dir}/whisper-1/gap.txt`)).split(/\s+/).filter((w) =>
        w !== ""
      );
      assert.ok(
        Math.abs(heard.length - words.length) <= 4,
        `${words.length} words, ${heard.length} with times`,
      );
    } finally {
      await server.close();
    }
  },
});

/** "… yes." then 6 s of silence then "Yes, …": with chunks of 8 s the cut goes in the pause, and the context too. */
const YES_TWICE = [
  '<speak>We went to the store to buy some bread. <break time="600ms"/> I asked her if she was coming and the',
  'answer was yes. <break time="6s"/> Yes, we will go to the park today. <break time="600ms"/> The children are',
  "playing in the park.</speak>",
].join(" ");

Deno.test({
  name: "transcribe with a text-only model keeps a word said on both sides of the pause a chunk starts in",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const dir = await tempDir("reel-transcribe-text-only-");
    await speak(YES_TWICE, `${dir}/yes.wav`);
    const server = startFakeOpenAi({});
    try {
      const run = await runCli([
        "transcribe",
        `${dir}/yes.wav`,
        "--engine",
        "asr",
        "--base-url",
        server.url,
        "--model",
        "gpt-4o-transcribe",
        "--chunk",
        "8",
        "--out",
        dir,
        "--cache",
        `${dir}/cache`,
        "--quiet",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const text = await Deno.readTextFile(`${dir}/yes.txt`);
      const words = text.toLowerCase().split(/[^a-z']+/).filter((word) => word !== "");
      // Two chunks (the fake server, pocketsphinx, hears "yes" at the end of one and the start of the other).
      assert.equal(server.stats.log.filter((seen) => seen.path === "/v1/audio/transcriptions").length, 2);
      assert.equal(words.filter((word) => word === "yes").length, 2, text);
      const at = words.indexOf("yes");
      assert.deepEqual(words.slice(at, at + 2), ["yes", "yes"], text);
    } finally {
      await server.close();
    }
  },
});
