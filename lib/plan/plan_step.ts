/**
 * The node of the DAG: one step with its parameters, dependencies, limits scope and content key.
 * @module
 */
import type { Json } from "../core/json.ts";

/** How long one attempt of a step may take. */
export interface StepTimeout {
  /** Milliseconds. */
  ms: number;
  /** Milliseconds more for each second of media in the step's inputs (their `duration` values). */
  perMediaSecond: number;
}

/**
 * Which layered limits a step counts against: the `videos` limit bounds items in flight, the `sections` limit
 * parts in flight per item. For a lesson an item is a video and a part a section; other job kinds name their own
 * (a file to transcribe and its chunks, say).
 */
export interface StepScope {
  /** The item's group key, or null for steps outside any item. */
  item: string | null;
  /** The part's group key (unique in the run, e.g. `video/section`), or null for steps outside a part. */
  part: string | null;
}

/** One step of a plan. */
export interface PlanStep {
  /** Unique id, e.g. `intro/s2/clip@16x9`. */
  id: string;
  /** Its step kind (what runs it), e.g. `clip`. */
  kind: string;
  /** The version of its kind's code: part of the key. */
  version: number;
  /** Parameters that shape the result; part of the key. */
  params: Json;
  /** Run-time details that do not shape the result (file paths, the workflow module); not part of the key. */
  runtime: Record<string, Json>;
  /** Ids of the steps whose outputs this one reads, in order. */
  deps: string[];
  /** Layers it counts against. */
  scope: StepScope;
  /**
   * The provider whose limits the step counts against: an HTTP provider's name, or a local engine's id
   * (`local/flite@1`); such a step takes api and global permits. Null for steps that call no provider.
   */
  provider: string | null;
  /** What the provider's token budget is charged for this call (characters of speech, say); 0 for none. */
  tokenCost: number;
  /**
   * What makes the bytes besides the params, part of the key: the provider's API, endpoint and version, the
   * engine's binary version (ffmpeg, espeak-ng), the slide renderer and its fonts, a custom step's code.
   */
  engine: Json;
  /**
   * For a step that calls a provider and decodes its answer locally (speech: ffmpeg), the part of `engine` the call
   * depends on: the answer is kept under a key made with it (see `answerKey`), so a decoder that changed decodes
   * the answer kept rather than paying for it again (rv21). Absent: the answer is kept under the step's key until
   * its artifact is stored, as when the answer is the artifact (an image).
   */
  answerEngine?: Json;
  /**
   * True when the step runs JavaScript on its worker's thread (slides, custom steps) rather than waiting on a
   * child process or the network; a worker runs one such step at a time.
   */
  blocking: boolean;
  /** How long one attempt may take. */
  timeout: StepTimeout;
  /** True when the step may return a value only (a custom step); else it must write its artifact. */
  optionalArtifact: boolean;
  /** Backoff between attempts, in ms: full jitter up to min(cap, base × 2^attempt). */
  backoff: { base: number; cap: number };
  /** True for CPU-heavy steps, which share the CPU pool. */
  cpu: boolean;
  /**
   * Cores a CPU-heavy step can use at once (its kind's `cores`): the run gives it up to this many CPU slots while
   * they are idle, and tells it how many (`StepTask.cores`). Absent: 1.
   */
  cores?: number;
  /**
   * True when its input fixes how many children it spawns (its kind's `finiteChildren`: a recording's chunks), so
   * they are not held to a run's count of spawned children (`SpawnLimits.children`). Absent: they are. Not in the
   * key.
   */
  finiteChildren?: true;
  /** Extra attempts after a failure that may pass on retry. */
  retries: number;
  /** File name in the output folder for a step whose artifact is a deliverable, else null. */
  output: string | null;
  /**
   * Steps whose outputs this output goes with (a video's subtitles, its videos): it is published once one of them
   * has been, so the output folder never holds subtitles whose video failed, or this run's subtitles beside an
   * earlier run's video. Absent: published as soon as the step is done. Not in the key.
   */
  publishWith?: readonly string[];
  /**
   * Steps whose outputs make one set with this one (a transcript's JSON, text, SRT and WebVTT): each is held until
   * every other one of them is done, and the last done publishes them all at once, so the output folder never holds
   * a set from two runs; one that fails publishes none. Absent: published on its own. Not in the key.
   */
  publishTogether?: readonly string[];
  /** File extension of the artifact (`mp4`, `png`...), or null for a value-only step. */
  extension: string | null;
  /**
   * What running it costs, roughly, in seconds of one core (an estimate from its kind and size): the scheduler runs
   * first the ready steps with the costliest path still ahead of them, so long chains start early. Not in the key.
   */
  cost: number;
  /** The content key. */
  key: string;
  /** The workflow the step belongs to (its file, for messages). */
  workflow: string;
}

/** A step as a job kind plans it, before the plan gives it its key; its cost defaults to 1. */
export type Draft = Omit<PlanStep, "key" | "cost"> & { cost?: number };
