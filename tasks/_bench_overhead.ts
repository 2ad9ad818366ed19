/**
 * The planner's and scheduler's own cost per step: a workflow loaded and planned, then run with an executor that
 * does nothing but write a tiny artifact, into a real store. What is left is reel's bookkeeping (planning, keys,
 * layered limits, store commits, events), with no step's work in it.
 * @module
 */
import type { Execution, StepExecutor } from "../lib/core/executor.ts";
import type { StepTask } from "../lib/core/step_task.ts";
import { findFfmpeg } from "../lib/media/ffmpeg.ts";
import { planFiles } from "../lib/run/load_plan.ts";
import { runPlan } from "../lib/run/scheduler.ts";
import { ArtifactStore } from "../lib/store/artifact_store.ts";

/** Runs each step at once: a few bytes for its artifact, and a value shaped like a narration's. */
class InstantExecutor implements StepExecutor {
  async execute(task: StepTask): Promise<Execution> {
    if (task.outputPath !== null) await Deno.writeFile(task.outputPath, new Uint8Array([1, 2, 3]));
    return { result: { value: { duration: 1, fps: 30, frames: [30] }, children: [] }, worker: 1 };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Plans `file` and runs it with no work done.
 *
 * @param file A workflow file.
 * @param storeDir A folder for the store, left in place: removing thousands of files just before a measure made it
 *   slower (on a file system without a journal, ext4 skips inodes freed in the last minutes when it makes a file,
 *   one by one), so the bench removes its folders once all is measured.
 * @returns The steps and the milliseconds per step of planning and scheduling together.
 */
export async function schedulerOverhead(
  file: string,
  storeDir: string,
): Promise<{ steps: number; msPerStep: number }> {
  const start = performance.now();
  const plan = await planFiles([file]);
  const store = new ArtifactStore(storeDir);
  try {
    const result = await runPlan(plan, {
      executor: new InstantExecutor(),
      store,
      ffmpeg: await findFfmpeg(),
      outDir: null,
    });
    if (!result.ok) throw new Error(`The overhead run failed: ${[...result.errors.values()][0]}`);
    return { steps: plan.steps.length, msPerStep: (performance.now() - start) / plan.steps.length };
  } finally {
    store.close();
  }
}
