/**
 * What the main thread hands a worker to run one step, and what comes back.
 * @module
 */
import type { FfmpegPaths } from "./ffmpeg_paths.ts";
import type { Json, StepOutput } from "./json.ts";

/** A child step a step adds at run time: another custom step of the same workflow, with params. */
export interface ChildSpec {
  /** The custom step to run. */
  step: string;
  /** Its params for this child. */
  params: Record<string, Json>;
}

/** One step, ready to run: its inputs are resolved to artifacts. */
export interface StepTask {
  /** The step's id. */
  id: string;
  /** Its step kind, e.g. `clip`. */
  kind: string;
  /** Its key. */
  key: string;
  /** Parameters (part of the key). */
  params: Json;
  /** Run-time details (not part of the key). */
  runtime: Record<string, Json>;
  /** Ids of the inputs, in the order of `inputs`. */
  inputIds: string[];
  /** The outputs of its inputs. */
  inputs: StepOutput[];
  /** Where to write the artifact (a temporary name in the store), or null for value-only steps. */
  outputPath: string | null;
  /** A folder for scratch files, removed after the step. */
  scratchDir: string;
  /** True when the step runs JavaScript on the worker's thread; a worker runs one such step at a time. */
  blocking: boolean;
  /** The provider whose limits the step counts against, or null (a cluster queues it by this). */
  provider: string | null;
  /** True for a CPU-heavy step (a cluster worker bounds these by its cores). */
  cpu: boolean;
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
}
