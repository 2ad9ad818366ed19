/**
 * Running one step kind's code directly, as a worker would, on files a test made: for tests of what a step writes.
 * @module
 */
import type { Json, StepOutput } from "../../lib/core/json.ts";
import type { StepTask } from "../../lib/core/step_task.ts";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import type { StepContext, StepKindDefinition } from "../../lib/steps/step_kind.ts";

/**
 * Runs `kind` on inputs (artifact paths and values) and returns its value; the artifact goes to `outputPath`.
 *
 * @param kind The step kind.
 * @param task Its params, inputs, output file and a scratch folder (made if missing).
 * @param options The signal the step is given (by default one that never aborts), what hears the children it spawns
 *   (by default none may be), how it is lent cores (by default none is), and what hears its warnings (by default
 *   none may be said).
 */
export async function runStepKind(
  kind: StepKindDefinition,
  task: {
    params: Json;
    /** Its inputs, with the children they added (none by default). */
    inputs: { path: string | null; value: Json; children?: StepOutput[] }[];
    outputPath: string;
    scratchDir: string;
    /** What the planner gives the step at run time only (none by default). */
    runtime?: Record<string, Json>;
    /** The cores the run gives it (absent by default: one). */
    cores?: number;
    /** Where it keeps a provider's answer (absent by default: none kept). */
    answerPath?: string;
  },
  options: {
    signal?: AbortSignal;
    borrowCore?: StepContext["borrowCore"];
    spawn?: StepContext["spawn"];
    warn?: StepContext["warn"];
  } = {},
): Promise<Json> {
  await Deno.mkdir(task.scratchDir, { recursive: true });
  const inputs: StepOutput[] = task.inputs.map((input, i) => ({
    path: input.path,
    value: input.value,
    key: String(i).repeat(64),
    children: input.children ?? [],
  }));
  const full: StepTask = {
    id: `test/${kind.kind}`,
    kind: kind.kind,
    version: kind.version,
    key: "0".repeat(64),
    params: task.params,
    runtime: task.runtime ?? {},
    engine: null,
    inputIds: inputs.map((_, i) => `test/input${i}`),
    inputs,
    outputPath: task.outputPath,
    scratchDir: task.scratchDir,
    blocking: kind.blocking,
    provider: null,
    cpu: true,
    ...task.cores === undefined ? {} : { cores: task.cores },
    ...task.answerPath === undefined ? {} : { answerPath: task.answerPath },
    ffmpeg: await findFfmpeg(),
  };
  return await kind.run(full, {
    signal: options.signal ?? new AbortController().signal,
    spawn: options.spawn ?? (() => {
      throw new Error("runStepKind() runs steps without children unless given `spawn`");
    }),
    reportRateLimit: () => {},
    reportProgress: () => {},
    borrowCore: options.borrowCore ?? (() => Promise.resolve(null)),
    warn: options.warn ?? ((message) => {
      throw new Error(`runStepKind() runs steps without warnings unless given \`warn\`: ${message}`);
    }),
  });
}
