/**
 * Custom steps' part of a workflow file (`steps`): TypeScript functions with declared inputs that run in a worker,
 * and what they see; and the resolved type the planner reads.
 * @module
 */
import { z } from "zod";
import type { Json, StepOutput } from "../../core/json.ts";
import type { ProcessResult, RunProcessOptions } from "../../media/run_process.ts";
import { millis, nonBlank } from "../../schema/fields.ts";

/** What a custom step's function receives besides its inputs. */
export interface CustomStepContext {
  /** The step's params (a child's params when it runs as a child). */
  params: Record<string, Json>;
  /** Aborted when the run is cancelled or the step times out. */
  signal: AbortSignal;
  /** A path the step may write its artifact to; it becomes `path` of its output when the file exists. */
  outputPath: string;
  /** Adds a child step at run time: another custom step of this workflow, run with these params. */
  spawn(stepId: string, params: Record<string, Json>): void;
  /**
   * Tells the user something of what the step made, though it succeeds (data it skipped, a value it clamped): a
   * sentence said with the step's id as it ends, and again in the render's summary and report. Said by the render
   * that runs the step, not by one that finds its result stored.
   */
  warn(message: string): void;
  /**
   * Runs a program as reel runs its own ffmpeg and espeak-ng: `null` arguments dropped, the child killed when the
   * step's signal aborts (or `options.signal`), and on Linux killed by the kernel when the render dies, even by
   * `kill -9`. A child started with `Deno.Command` directly gets none of that: it runs on after a killed render.
   *
   * @param program The executable's path or name.
   * @param args Its arguments; `null` entries are dropped so optional flags read inline.
   * @param options stdin, working directory, environment, a stdout listener, and a signal of the step's own.
   * @returns What the child wrote to stdout (bytes) and stderr (text).
   * @throws {ProcessError} When the child exits with a non-zero code; its message ends with the last lines of stderr.
   * @throws {Deno.errors.NotFound} When the program does not exist.
   */
  runProcess(
    program: string,
    args: readonly (string | null)[],
    options?: RunProcessOptions,
  ): Promise<ProcessResult>;
}

/** The function of a custom step; it runs inside a Web Worker. */
export type CustomStepFunction = (
  inputs: Record<string, StepOutput>,
  context: CustomStepContext,
) => Json | Promise<Json>;

const customStepSchema = z.strictObject({
  id: z.string().regex(
    /^[a-z0-9][a-z0-9_/.@-]*$/,
    "Expected an id like prepare or notes/merge (small letters a-z, digits, - _ / . and @, a letter or digit first)",
  ),
  inputs: z.array(z.string().min(1)).optional(),
  params: z.record(z.string(), z.json()).optional(),
  cpu: z.boolean().optional(),
  retries: z.number().int().min(0).max(10).optional(),
  timeout: millis.optional(),
  version: z.union([nonBlank("Version"), z.number()]).optional(),
  files: z.array(nonBlank("File path")).optional(),
  child: z.boolean().optional(),
  output: z.string().regex(/^(?!\.\.?$)[^/\\]+$/, "Expected a file name, without a folder").optional(),
  run: z.custom<CustomStepFunction>((value) => typeof value === "function", "Expected a function"),
});

/** The workflow fields custom steps own. */
export const customFields = {
  steps: z.array(customStepSchema).optional(),
};

/** Custom steps' fields as parsed. */
export type CustomInput = z.output<z.ZodObject<typeof customFields>>;
/** A custom step as a workflow file writes it. */
export type CustomStepInput = z.input<typeof customStepSchema>;

/** A custom step with every field resolved. */
export interface ResolvedCustomStep {
  id: string;
  inputs: string[];
  params: Record<string, Json>;
  cpu: boolean;
  retries: number;
  /** True for a step that runs only as a child spawned by another step. */
  child: boolean;
  /** The name its file is published under in the output folder, or null to keep it in the store only. */
  output: string | null;
  /** Longest time an attempt may take, in ms. */
  timeout: number;
  /**
   * What keys the step's code: its declared version and its function's source when it has a version, else the
   * digest of the workflow's local module graph and its step functions; and the digest of each file it declares
   * (as written in `files`), when it declares any.
   */
  code: ({ version: string; source: string } | { digest: string }) & { files?: Record<string, string> };
}
