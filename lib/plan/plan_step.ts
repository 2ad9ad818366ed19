/**
 * The node of the DAG: one step with its parameters, dependencies, limits scope and content key.
 * @module
 */
import type { Json } from "../core/json.ts";

/** The step kinds reel runs. */
export type StepKind = "speech" | "image" | "slide" | "clip" | "concat" | "subtitles" | "custom";

/** How long one attempt of a step may take. */
export interface StepTimeout {
  /** Milliseconds. */
  ms: number;
  /** Milliseconds more for each second of media in the step's inputs (their `duration` values). */
  perMediaSecond: number;
}

/** Which layered limits a step counts against. */
export interface StepScope {
  /** Video group key, or null for steps outside any video. */
  video: string | null;
  /** Section group key (`video/section`), or null for steps outside a section. */
  section: string | null;
}

/** One step of a plan. */
export interface PlanStep {
  /** Unique id, e.g. `intro/s2/clip@16x9`. */
  id: string;
  /** What runs it. */
  kind: StepKind;
  /** Parameters that shape the result; part of the key. */
  params: Json;
  /** Run-time details that do not shape the result (file paths, the workflow module); not part of the key. */
  runtime: Record<string, Json>;
  /** Ids of the steps whose outputs this one reads, in order. */
  deps: string[];
  /** Layers it counts against. */
  scope: StepScope;
  /** Provider id and version (`local/espeak@1`) for a provider call, which takes api, global and provider permits. */
  provider: string | null;
  /** What the provider's token budget is charged for this call (characters of speech, say); 0 for none. */
  tokenCost: number;
  /**
   * What makes the bytes besides the params, part of the key: the provider's API, endpoint and version, the
   * engine's binary version (ffmpeg, espeak-ng), the slide renderer and its fonts, a custom step's code. The name
   * in `provider` may change freely.
   */
  engine: Json;
  /** True when the step runs JavaScript on its worker's thread (slides, custom steps) rather than waiting on a
   * child process or the network; a worker runs one such step at a time. */
  blocking: boolean;
  /** How long one attempt may take: `ms`, plus `perMediaSecond` for each second of its inputs' media. */
  timeout: StepTimeout;
  /** Backoff between attempts, in ms: full jitter up to min(cap, base × 2^attempt). */
  backoff: { base: number; cap: number };
  /** True for CPU-heavy steps, which share the CPU pool. */
  cpu: boolean;
  /** Extra attempts after a failure that may pass on retry. */
  retries: number;
  /** File name in the output folder for a step whose artifact is a deliverable, else null. */
  output: string | null;
  /** File extension of the artifact (`mp4`, `png`...), or null for a value-only step. */
  extension: string | null;
  /** The content key. */
  key: string;
  /** The workflow the step belongs to (its file, for messages). */
  workflow: string;
}
