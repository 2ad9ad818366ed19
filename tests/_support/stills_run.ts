/**
 * Runs the lesson's stills step on two small solid slides, in a folder of its own: its value, the stills it wrote,
 * and whether ffmpeg's pass made them (it links the slides into the scratch folder; the in-process path does not).
 * @module
 */
import { stillsStep } from "../../lib/jobs/lesson/steps/stills_step.ts";
import { readStills } from "../../lib/media/h264/still_stream.ts";
import { solidPngs } from "./media.ts";
import { runStepKind } from "./step_runner.ts";
import { tempDir } from "./temp_dir.ts";

/**
 * Runs the stills step.
 *
 * @param options Whether to encode in-process, and the step's runtime (`x264`: the planned library's digest).
 * @returns Its value, the stills read back, and whether ffmpeg made them.
 */
export async function runStills(options: { inProcess: boolean; runtime?: Record<string, string> }) {
  const dir = await tempDir();
  try {
    const slides = await solidPngs(dir, ["#c0392b", "#27ae60"], { width: 64, height: 36 });
    const params = {
      width: 64,
      height: 36,
      fps: 30,
      parts: ["section", "section"],
      burn: false,
      captions: null,
    };
    const outputPath = `${dir}/stills.h264`;
    const value = await runStepKind(stillsStep, {
      params: { ...params, inProcess: options.inProcess },
      inputs: slides.map((path) => ({ path, value: null })),
      outputPath,
      scratchDir: `${dir}/scratch`,
      runtime: options.runtime,
    });
    // ffmpeg's pass reads the slides through links it makes in the scratch folder; the in-process path makes none.
    const links = (await Array.fromAsync(Deno.readDir(`${dir}/scratch`))).length;
    return { value, stream: readStills(await Deno.readFile(outputPath)), ffmpeg: links > 0 };
  } finally {
    // Each full test run left two of these folders in the temporary folder.
    await Deno.remove(dir, { recursive: true });
  }
}
