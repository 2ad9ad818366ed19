/**
 * Plans of provider calls only, run on real workers against the fake OpenAI-compatible server.
 * @module
 */
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { planWorkflows } from "../../lib/workflow/plan_workflows.ts";
import type { Plan } from "../../lib/plan/plan.ts";
import type { PlanStep } from "../../lib/plan/plan_step.ts";
import type { Clock } from "../../lib/core/clock.ts";
import { providerLimiters } from "../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import type { RunResult } from "../../lib/run/run_options.ts";
import { runPlan } from "../../lib/run/scheduler.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";
import { loadWorkflow } from "../../lib/workflow/load_workflow.ts";
import { WorkerPool } from "../../lib/workers/worker_pool.ts";
import { writeWorkflowFile } from "./workflows.ts";
import { TEST_TOOLCHAIN } from "./toolchain.ts";

/** Writes a workflow of `videos` × `sections`, each section with a generated image, and plans it. */
export async function imagePlan(options: {
  videos: number;
  sections: number;
  provider: Record<string, unknown>;
  limits?: Record<string, number>;
  keep?: (step: PlanStep) => boolean;
}): Promise<{ plan: Plan; dir: string }> {
  const videos = Array.from({ length: options.videos }, (_, v) => ({
    id: `v${v + 1}`,
    sections: Array.from({ length: options.sections }, (_, s) => ({
      title: `Section ${s + 1}`,
      narration: `Narration ${v + 1}.${s + 1}`,
      image: { provider: "images", prompt: `picture ${v + 1}.${s + 1}`, size: "64x64" },
    })),
  }));
  const file = await writeWorkflowFile(
    `export default workflow(${
      JSON.stringify({
        formats: ["64x64"],
        limits: options.limits ?? { videos: 4, sections: 12, api: 2, global: 8 },
        providers: { images: { api: "openai", ...options.provider } },
        videos,
      })
    });`,
  );
  const plan = planWorkflows([await loadWorkflow(file)], { toolchain: TEST_TOOLCHAIN });
  plan.steps = plan.steps.filter(options.keep ?? ((step) => step.kind === "image"));
  return { plan, dir: file.slice(0, file.lastIndexOf("/")) };
}

/** Runs a plan on a real worker pool with the plan's provider limiters on `clock`. */
export async function runOnWorkers(
  plan: Plan,
  options: { dir: string; clock: Clock; random?: () => number; events?: RunEvent[] },
): Promise<RunResult> {
  const pool = new WorkerPool({ size: 2 });
  const limiters = providerLimiters(plan, options.clock);
  try {
    return await runPlan(plan, {
      executor: pool,
      store: new ArtifactStore(`${options.dir}/.reel`),
      ffmpeg: await findFfmpeg(),
      outDir: null,
      clock: options.clock,
      random: options.random,
      providerGate: (name) => limiters.get(name) ?? null,
      onEvent: (event) => options.events?.push(event),
    });
  } finally {
    await pool.close();
  }
}
