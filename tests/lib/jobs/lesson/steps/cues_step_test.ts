/**
 * The cues step on real speech: sentences spoken alone by flite and espeak-ng and joined with known pauses, so
 * each sentence's true start is known; every cue that starts a sentence must start within 250 ms of it.
 */
import assert from "node:assert/strict";
import { CUE_SILENCE, cuesStep } from "../../../../../lib/jobs/lesson/steps/cues_step.ts";
import { DEFAULT_CAPTION_RULES } from "../../../../../lib/media/caption_rules.ts";
import { type CheckedCue, ruleBreaches } from "../../../../_support/caption_checks.ts";
import { joinedSpeech, type LocalVoice } from "../../../../_support/joined_speech.ts";
import { lessonSentences, lessonText, sentenceCues } from "../../../../_support/lesson_text.ts";
import { runStepKind } from "../../../../_support/step_runner.ts";
import { makeTempFolder } from "../../../../_support/temp_dir.ts";

const VOICES: LocalVoice[] = [{ engine: "flite", voice: "rms" }, { engine: "espeak", voice: "en-us" }];

for (const [v, voice] of VOICES.entries()) {
  Deno.test(`cues step (${voice.engine}): every cue that starts a sentence starts within 250 ms of it`, async () => {
    await using dir = await makeTempFolder();
    const text = lessonText(90, 7 + v);
    const sentences = lessonSentences(text);
    // Pauses of 0.1–0.6 s, the range the voices leave between sentences of one narration.
    const pauses = sentences.map((_, i) => 0.1 + ((i * 37 + v * 11) % 50) / 100);
    const speech = await joinedSpeech(dir.path, sentences, { voice, pauses });
    const value = await runStepKind(cuesStep, {
      params: { text, rules: { ...DEFAULT_CAPTION_RULES }, silence: { ...CUE_SILENCE } },
      inputs: [{ path: speech.path, value: { duration: speech.duration } }],
      outputPath: `${dir.path}/cues.json`,
      scratchDir: `${dir.path}/scratch`,
    }) as unknown as { duration: number; cues: CheckedCue[] };
    assert.equal(value.duration, speech.duration);
    assert.deepEqual(ruleBreaches(value.cues, DEFAULT_CAPTION_RULES), []);
    assert.ok(value.cues.at(-1)!.end <= speech.duration + 1e-9);
    const found = sentenceCues(value.cues, sentences);
    // Only a sentence said in under a second shares a cue with the next one's start.
    assert.ok(found.length >= sentences.length - 2, `${found.length} of ${sentences.length} sentences`);
    for (const { sentence, start } of found) {
      const error = Math.abs(start - speech.starts[sentence]!);
      assert.ok(error <= 0.25, `sentence ${sentence} starts ${(error * 1000).toFixed(0)} ms off`);
    }
  });
}

Deno.test("cues step: the cues keep every word in order and the first starts with the speech", async () => {
  await using dir = await makeTempFolder();
  const sentences = [
    "The first idea is simple.",
    "The second one, however, takes a little longer to explain.",
  ];
  const speech = await joinedSpeech(dir.path, sentences, {
    voice: VOICES[1]!,
    pauses: [0.4],
  });
  const text = sentences.join(" ");
  const value = await runStepKind(cuesStep, {
    params: { text, rules: { ...DEFAULT_CAPTION_RULES }, silence: { ...CUE_SILENCE } },
    inputs: [{ path: speech.path, value: { duration: speech.duration } }],
    outputPath: `${dir.path}/cues.json`,
    scratchDir: `${dir.path}/scratch`,
  }) as unknown as { cues: CheckedCue[] };
  assert.equal(value.cues.map((cue) => cue.lines.join(" ")).join(" "), text);
  assert.ok(Math.abs(value.cues[0]!.start - speech.starts[0]!) <= 0.25);
});
