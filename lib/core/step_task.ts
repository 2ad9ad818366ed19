/**
 * What the main thread hands a worker to run one step, and what comes back.
 * @module
 */
import type { FfmpegPaths } from "./ffmpeg_paths.ts";
import type { Json, StepOutput } from "./json.ts";

/**
 * A child step a step adds at run time: a template of the plan (another custom step of the same workflow, or a
 * job kind's template, such as a transcription's chunk) with params.
 */
export interface ChildSpec {
  /** The template to run: a custom step's id, or the id of a job kind's template. */
  step: string;
  /** Its params for this child. */
  params: Record<string, Json>;
  /**
   * A digest of everything the child reads besides its params (the samples of an audio chunk, say), standing in
   * for its parent's key in the child's key: children with equal content then share one key, whoever spawned
   * them. Absent: the child is keyed by its parent's key.
   */
  content?: string;
  /**
   * Run-time details merged over the template's (where to read its input); not part of the key. The scheduler adds
   * `parentArtifact`: the path of the parent's artifact in the store (or null), which the child may read.
   */
  runtime?: Record<string, Json>;
  /** What the child's call costs of its provider's token budget (seconds of audio, say). @default the template's */
  tokenCost?: number;
  /**
   * What running the child costs, roughly (its siblings' costs are all it is compared with): among its siblings
   * the costliest is queued first, so the short ones fill the end and no worker idles while a long one finishes.
   * @default the template's
   */
  cost?: number;
}

/** One step, ready to run: its inputs are resolved to artifacts. */
export interface StepTask {
  /** The step's id. */
  id: string;
  /** Its step kind, e.g. `clip`. */
  kind: string;
  /** The version of its kind's code the plan keyed it with (a cluster worker checks that it has the same). */
  version: number;
  /** Its key. */
  key: string;
  /** Parameters (part of the key). */
  params: Json;
  /** Run-time details (not part of the key). */
  runtime: Record<string, Json>;
  /**
   * The engines the plan keyed it with (part of the key): ffmpeg's and espeak-ng's versions, the slide renderer, a
   * provider's API... A cluster worker checks that its own local engines are these before it runs the step.
   */
  engine: Json;
  /** Ids of the inputs, in the order of `inputs`. */
  inputIds: string[];
  /** The outputs of its inputs. */
  inputs: StepOutput[];
  /** Where to write the artifact (a temporary name in the store), or null for value-only steps. */
  outputPath: string | null;
  /** A folder for scratch files, removed after the step. */
  scratchDir: string;
  /**
   * For a step that calls a provider: where it keeps the provider's answer, once whole and checked, until its
   * artifact is stored (the store's `answerPath`). An attempt that finds one there uses it and does not call:
   * a run killed while the answer was decoded does not pay for it again. @default none (every attempt calls)
   */
  answerPath?: string;
  /**
   * The key its provider's answer is kept under, when not its own (`PlanStep.answerEngine`: the call does not
   * depend on its local decoder). Such an answer stays once the artifact is stored: a step whose decoder changed
   * decodes it again rather than paying for it. @default the step's key (the answer goes once it is stored)
   */
  answerKey?: string;
  /** True when the step runs JavaScript on the worker's thread; a worker runs one such step at a time. */
  blocking: boolean;
  /** The provider whose limits the step counts against, or null (a cluster queues it by this). */
  provider: string | null;
  /** True for a CPU-heavy step (a cluster worker bounds these by its cores). */
  cpu: boolean;
  /**
   * The cores the run gave the step: 1 (or absent), or more for a kind that can use them (`cores` of its kind) when
   * they were idle. What the step makes must not depend on it.
   */
  cores?: number;
  /** The ffmpeg binaries. */
  ffmpeg: FfmpegPaths;
}

/** What a provider's rate-limit headers said about its limits and the budget left. */
export interface RateLimitInfo {
  /** The request limit the server enforces (`x-ratelimit-limit-requests`, per minute), or null when not said. */
  limitRequests: number | null;
  /** The token limit (`x-ratelimit-limit-tokens`, per minute), or null. */
  limitTokens: number | null;
  /** Requests left in the current window, or null when not said. */
  remainingRequests: number | null;
  /** Milliseconds until the request budget resets, or null. */
  resetRequestsMs: number | null;
  /** Tokens (or characters) left, or null. */
  remainingTokens: number | null;
  /** Milliseconds until the token budget resets, or null. */
  resetTokensMs: number | null;
}

/** What a step returns. */
export interface StepResult {
  /** Its value (durations, a custom step's return value). */
  value: Json;
  /** Child steps it added at run time, in order. */
  children: ChildSpec[];
  /**
   * What the step said the user should know of what it made, though it succeeded (see `StepContext.warn`), in
   * order; absent when nothing.
   */
  warnings?: string[];
}

/** A step's failure as it crosses the worker boundary. */
export interface StepFailure {
  /** The error's class name. */
  name: string;
  /** Its message. */
  message: string;
  /** False when retrying cannot help (bad input, a 400). */
  retryable: boolean;
  /** For a provider call: the HTTP status, or null. */
  status: number | null;
  /** For a provider call: how long the server asked to wait (a 429's Retry-After), or null. */
  retryAfterMs: number | null;
  /** For a provider call: the provider's name, or null. */
  provider: string | null;
  /** True when a child process of the step ended on SIGINT (exit 130: a terminal's Ctrl-C reached it). */
  interrupted?: boolean;
  /** True when the step's code went on after it failed (it ignored its signal): its worker is replaced. */
  stuck?: boolean;
  /**
   * True when it failed for bad input, which a render as it is would meet again: a file, the workflow's code, a
   * program's output, or a provider's answer that is not asked again (not what was asked, a request refused, a key
   * refused). The render then exits 2.
   */
  badInput?: boolean;
}
