/**
 * One run of the narration step for `deno task bench:sound`, as a worker runs it: the section WAVs in a folder
 * joined into `<out>`, with the sound of a mode (`off`: no loudness, no music; `loudness`: the default -16 LUFS;
 * `music`: the default loudness and `music.wav` under the voice).
 *
 *   deno run -A tasks/_bench_sound_step.ts WORK_DIR MODE OUT.m4a
 * @module
 */
import type { StepTask } from "../lib/core/step_task.ts";
import { narrationStep } from "../lib/jobs/lesson/steps/narration_step.ts";
import { NARRATION_PART_SECONDS } from "../lib/media/narration_encoding.ts";
import { findFfmpeg } from "../lib/media/ffmpeg.ts";
import { wavDuration } from "../lib/media/wav_duration.ts";

const [work, mode, out] = Deno.args as [string, "off" | "loudness" | "music", string];
const wavs = [...Deno.readDirSync(`${work}/wav`)].map((entry) => `${work}/wav/${entry.name}`).sort();
const inputs = [];
for (const [i, path] of wavs.entries()) {
  const bytes = await Deno.readFile(path);
  const duration = wavDuration(bytes, bytes.length);
  inputs.push({ path, value: { duration }, key: String(i).repeat(64), children: [] });
}
const music = { sha256: "0".repeat(64), volume: 0.2, fadeIn: 1, fadeOut: 2, duck: 15 };
const scratchDir = await Deno.makeTempDir({ dir: work });
const task: StepTask = {
  id: "bench/narration",
  kind: narrationStep.kind,
  version: narrationStep.version,
  key: "0".repeat(64),
  params: {
    fps: 30,
    lead: 3,
    tail: 0,
    loudness: mode === "off" ? null : { target: -16, truePeak: -1.5 },
    music: mode === "music" ? music : null,
    partSeconds: NARRATION_PART_SECONDS,
  },
  runtime: { musicPath: mode === "music" ? `${work}/music.wav` : null },
  engine: null,
  inputIds: inputs.map((_, i) => `bench/input${i}`),
  inputs,
  outputPath: out,
  scratchDir,
  blocking: false,
  provider: null,
  cpu: true,
  ffmpeg: await findFfmpeg(),
};
await narrationStep.run(task, {
  signal: new AbortController().signal,
  spawn: () => {
    throw new Error("The narration step spawns no children");
  },
  reportRateLimit: () => {},
  reportProgress: () => {},
  borrowCore: () => Promise.resolve(null),
  warn: (message) => console.error(`The narration step warned: ${message}`),
});
await Deno.remove(scratchDir, { recursive: true });
