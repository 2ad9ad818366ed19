/**
 * A fake step executor for scheduler tests: it finishes steps after a seeded random number of microtask turns
 * (no timers), counts what is in flight per layer, and can fail chosen steps or return children.
 * @module
 */
import type { Plan } from "../../lib/plan/plan.ts";
import type { PlanStep } from "../../lib/plan/plan_step.ts";
import { type Execution, StepAttemptError, type StepExecutor } from "../../lib/core/executor.ts";
import type { Json } from "../../lib/core/json.ts";
import type { ChildSpec, StepTask } from "../../lib/core/step_task.ts";

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The most that was ever in flight, per layer. */
export interface Peaks {
  videos: number;
  sectionsPerVideo: number;
  apiPerSection: number;
  global: number;
  cpu: number;
  custom: number;
  steps: number;
}

/** Options for {@linkcode FakeExecutor}. */
export interface FakeExecutorOptions {
  random?: () => number;
  /** Step ids whose every attempt fails; `retryable` says how, `message` with what words (default: "injected…"). */
  fail?: Map<string, { retryable: boolean; message?: string }>;
  /**
   * Step ids whose first attempt fails with this status and wait (a 503 with Retry-After, say), in these words
   * (default: "injected <status>").
   */
  failFirst?: Map<string, { status: number | null; retryAfterMs: number | null; message?: string }>;
  /** Children a step returns, by step id. */
  children?: Map<string, ChildSpec[]>;
  /** Children a step returns, from its task, for steps `children` does not name (a child that spawns more). */
  spawn?: (task: StepTask) => ChildSpec[];
  /** Value a step returns, by task; default `{ duration: 1 }`. */
  value?: (task: StepTask) => Json;
  /** Step ids that never finish on their own: they end only when their signal aborts. */
  hang?: Set<string>;
}

/** Counts and runs steps without workers. */
export class FakeExecutor implements StepExecutor {
  readonly peaks: Peaks = {
    videos: 0,
    sectionsPerVideo: 0,
    apiPerSection: 0,
    global: 0,
    cpu: 0,
    custom: 0,
    steps: 0,
  };
  readonly started: string[] = [];
  readonly attempts = new Map<string, number>();
  readonly #steps: Map<string, PlanStep>;
  readonly #running = new Map<string, PlanStep>();
  readonly #random: () => number;
  readonly #options: FakeExecutorOptions;

  constructor(plan: Plan, options: FakeExecutorOptions = {}) {
    this.#steps = new Map(plan.steps.map((step) => [step.id, step]));
    this.#random = options.random ?? Math.random;
    this.#options = options;
  }

  async execute(
    task: StepTask,
    options: { signal: AbortSignal; onStart?: (worker: number) => void },
  ): Promise<Execution> {
    const step = this.#steps.get(task.id) ?? this.#childStep(task);
    options.onStart?.(1);
    this.started.push(task.id);
    this.attempts.set(task.id, (this.attempts.get(task.id) ?? 0) + 1);
    this.#running.set(task.id, step);
    this.#measure();
    try {
      const turns = Math.floor(this.#random() * 40);
      for (let i = 0; i < turns; i++) {
        await Promise.resolve();
        options.signal.throwIfAborted();
      }
      if (this.#options.hang?.has(task.id) === true) {
        await new Promise((_, reject) => {
          options.signal.addEventListener("abort", () => reject(options.signal.reason), { once: true });
        });
      }
      const first = this.#options.failFirst?.get(task.id);
      if (first !== undefined && this.attempts.get(task.id) === 1) {
        throw new StepAttemptError({
          name: "ProviderError",
          message: first.message ?? `injected ${first.status}`,
          retryable: true,
          status: first.status,
          retryAfterMs: first.retryAfterMs,
          provider: null,
        }, 1);
      }
      const failure = this.#options.fail?.get(task.id);
      if (failure !== undefined) {
        throw new StepAttemptError({
          name: "Error",
          message: failure.message ?? `injected failure in ${task.id}`,
          retryable: failure.retryable,
          status: null,
          retryAfterMs: null,
          provider: null,
        }, 1);
      }
      const value = this.#options.value?.(task) ?? { duration: 1 };
      return {
        result: {
          value,
          children: this.#options.children?.get(task.id) ?? this.#options.spawn?.(task) ?? [],
        },
        worker: 1,
      };
    } finally {
      this.#running.delete(task.id);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** A spawned step: its planned ancestor's step (the nearest one the plan has), under its own id. */
  #childStep(task: StepTask): PlanStep {
    let ancestor = task.id;
    while (ancestor.includes("/")) {
      ancestor = ancestor.slice(0, ancestor.lastIndexOf("/"));
      const planned = this.#steps.get(ancestor);
      if (planned !== undefined) return { ...planned, id: task.id };
    }
    throw new Error(`Unknown step ${task.id}`);
  }

  #measure(): void {
    const running = [...this.#running.values()];
    const videos = new Set(running.map((step) => step.scope.item).filter((video) => video !== null));
    const sectionsPerVideo = new Map<string, Set<string>>();
    const apiPerSection = new Map<string, number>();
    for (const step of running) {
      const { item: video, part: section } = step.scope;
      // The section and API layers count steps that take no CPU slot (see LayeredLimits).
      if (video !== null && section !== null && !step.cpu) {
        const sections = sectionsPerVideo.get(video) ?? new Set();
        sections.add(section);
        sectionsPerVideo.set(video, sections);
      }
      if (step.provider !== null && !step.cpu && section !== null) {
        apiPerSection.set(section, (apiPerSection.get(section) ?? 0) + 1);
      }
    }
    const max = (values: Iterable<number>) => Math.max(0, ...values);
    const peaks = this.peaks;
    peaks.videos = Math.max(peaks.videos, videos.size);
    peaks.sectionsPerVideo = Math.max(
      peaks.sectionsPerVideo,
      max([...sectionsPerVideo.values()].map((set) => set.size)),
    );
    peaks.apiPerSection = Math.max(peaks.apiPerSection, max(apiPerSection.values()));
    peaks.global = Math.max(
      peaks.global,
      running.filter((step) => step.provider !== null && !step.cpu).length,
    );
    peaks.cpu = Math.max(peaks.cpu, running.filter((step) => step.cpu).length);
    peaks.custom = Math.max(peaks.custom, running.filter((step) => step.kind === "custom").length);
    peaks.steps = Math.max(peaks.steps, running.length);
  }
}
