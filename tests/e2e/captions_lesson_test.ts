/**
 * A 12-section lesson rendered at a tiny size, its subtitles read back: every cue meets the caption rules, every cue
 * that starts a sentence starts within 250 ms of that sentence in the video's speech, the portrait format gets a
 * positioned VTT; changing the caption rules re-runs only the cues and subtitles, and changing nothing runs nothing.
 */
import assert from "node:assert/strict";
import { DEFAULT_CAPTION_RULES } from "../../lib/media/caption_rules.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { ruleBreaches } from "../_support/caption_checks.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import type { LocalVoice } from "../_support/joined_speech.ts";
import { lessonSentences, lessonText, sentenceCues } from "../_support/lesson_text.ts";
import { parseSrt, probe } from "../_support/media.ts";
import { spokenStarts } from "../_support/spoken_starts.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const FPS = 30;
const SECTIONS = 12;
const VOICES: LocalVoice[] = [{ engine: "flite", voice: "rms" }, { engine: "espeak", voice: "en-us" }];

function lesson(rules: Record<string, number> = {}) {
  return {
    formats: ["64x36", "36x64"],
    captions: { rules },
    videos: [{
      id: "v",
      sections: Array.from({ length: SECTIONS }, (_, s) => ({
        title: `Part ${s + 1}`,
        narration: lessonText(22, s + 1),
        voice: { provider: VOICES[s % 2]!.engine, voice: VOICES[s % 2]!.voice },
      })),
    }],
  };
}

async function render(file: string, events: RunEvent[]) {
  const dir = file.slice(0, file.lastIndexOf("/"));
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    onEvent: (event) => events.push(event),
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
}

const ran = (events: RunEvent[]) =>
  events.flatMap((event) => event.type === "step:finished" && !event.cached ? [event.step] : []).sort();

Deno.test("e2e: a 12-section lesson's cues meet the rules and start within 250 ms of their sentences", async () => {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson())});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const events: RunEvent[] = [];
  await render(file, events);

  // Where each sentence starts in the video: its section's start (whole frames, after the 3-s title card) plus its
  // start in the speech.
  const truth: number[] = [];
  const sentences: string[] = [];
  let frame = 3 * FPS;
  for (let s = 0; s < SECTIONS; s++) {
    const finished = events.find((event) =>
      event.type === "step:finished" && event.step === `v/s${s + 1}/speech`
    );
    assert.ok(finished?.type === "step:finished" && finished.path !== null);
    const said = lessonSentences(lesson().videos[0]!.sections[s]!.narration);
    const { starts } = await spokenStarts(finished.path, said, { voice: VOICES[s % 2]!, dir });
    for (const start of starts) truth.push(start === null ? NaN : frame / FPS + start);
    sentences.push(...said);
    frame += Math.ceil((await probe(finished.path)).duration * FPS - 1e-6);
  }

  const srt = parseSrt(await Deno.readTextFile(`${dir}/out/v.srt`));
  const cues = srt.map((cue) => ({ start: cue.start, end: cue.end, lines: cue.text.split("\n") }));
  assert.ok(cues.length >= SECTIONS, `${cues.length} cues`);
  assert.deepEqual(ruleBreaches(cues, DEFAULT_CAPTION_RULES), []);
  assert.ok(cues.at(-1)!.end <= frame / FPS + 1e-3);
  const found = sentenceCues(cues, sentences);
  assert.ok(found.length >= SECTIONS, `${found.length} cues start one of ${sentences.length} sentences`);
  for (const { sentence, start } of found) {
    const error = Math.abs(start - truth[sentence]!);
    assert.ok(
      error <= 0.25,
      `sentence ${sentence} ("${sentences[sentence]}"): ${(error * 1000).toFixed(0)} ms off`,
    );
  }

  // The VTT has the same cues; the portrait format's VTT places each above the apps' bottom band.
  const vtt = await Deno.readTextFile(`${dir}/out/v.vtt`);
  assert.equal(vtt.match(/ --> /g)?.length, cues.length);
  assert.doesNotMatch(vtt, /line:/);
  const portrait = await Deno.readTextFile(`${dir}/out/v.36x64.vtt`);
  const timings = portrait.split("\n").filter((line) => line.includes(" --> "));
  assert.equal(timings.length, cues.length);
  for (const line of timings) assert.match(line, / line:80%,end position:50%,center align:center$/);

  // Nothing changed: nothing runs. New rules: only the cues and the subtitles run again.
  const again: RunEvent[] = [];
  await render(file, again);
  assert.deepEqual(ran(again), []);
  // A module is imported once per process: the changed workflow is a new file beside the first (same store).
  const edited = `${dir}/edited.ts`;
  await Deno.writeTextFile(
    edited,
    (await Deno.readTextFile(file)).replace(
      '"captions":{"rules":{}}',
      '"captions":{"rules":{"maxLineLength":32}}',
    ),
  );
  const changed: RunEvent[] = [];
  await render(edited, changed);
  const expected = [
    ...Array.from({ length: SECTIONS }, (_, s) => `v/s${s + 1}/cues`),
    "v/subtitles.srt",
    "v/subtitles.vtt",
    "v/subtitles.vtt@36x64",
  ].sort();
  assert.deepEqual(ran(changed), expected);
  const narrower = parseSrt(await Deno.readTextFile(`${dir}/out/v.srt`));
  for (const cue of narrower) {
    for (const line of cue.text.split("\n")) assert.ok(line.length <= 32 || !line.includes(" "), line);
  }
});

Deno.test("bad input: a caption rule out of range is named at its path, exit 2, nothing written", async () => {
  const bad = { ...lesson(), captions: { rules: { maxLines: 4 } } };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(bad)});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const result = await runCli(["render", file, "--out", out]);
  assert.equal(result.code, 2, result.stderr);
  assert.ok(
    result.stderr.includes(
      `✖ Expected a number of lines from 1 to 3, got 4\n  → at captions.rules.maxLines, line 3, column ${
        `export default workflow(${JSON.stringify(bad)});`.indexOf('"maxLines":') + 12
      } (${file})`,
    ),
    result.stderr,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
  assert.equal(await listFolder(out), null);
});

Deno.test("e2e: a narration's markdown is said and captioned as its words", async () => {
  const file = await writeWorkflowFile(`export default workflow(${
    JSON.stringify({
      formats: ["64x36"],
      videos: [{
        id: "v",
        sections: [{
          title: "Rain",
          narration: "**Rain** falls on `roofs`, see [the notes](http://x.org).",
          voice: { provider: "espeak", voice: "en-us" },
        }],
      }],
    })
  });`);
  const events: RunEvent[] = [];
  await render(file, events);
  const dir = file.slice(0, file.lastIndexOf("/"));
  // Before: "**Rain** falls on `roofs`, see [the notes](http://x.org)." in the captions, and said so by flite.
  const text = parseSrt(await Deno.readTextFile(`${dir}/out/v.srt`)).map((cue) => cue.text).join(" ");
  assert.equal(text.replace(/\s+/g, " "), "Rain falls on roofs, see the notes.");
});
