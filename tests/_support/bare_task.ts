/** A step task with no inputs, no output and no provider, for running a kind on an executor directly. */
import type { StepTask } from "../../lib/core/step_task.ts";

/**
 * A task of `kind`, its ffmpeg a program that fails (the kinds run this way start none).
 *
 * @param kind The step kind.
 * @param scratchDir Its scratch folder.
 * @param blocking Whether it runs JavaScript on its worker's thread (one such step a worker).
 * @returns The task.
 */
export function bareTask(kind: string, scratchDir: string, blocking = false): StepTask {
  return {
    id: "x",
    kind,
    version: 1,
    key: "k",
    params: null,
    runtime: {},
    engine: null,
    inputIds: [],
    inputs: [],
    outputPath: null,
    provider: null,
    cpu: false,
    scratchDir,
    ffmpeg: { ffmpeg: "/bin/false", ffprobe: "/bin/false" },
    blocking,
  };
}
