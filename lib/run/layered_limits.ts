/**
 * The layered limits of a run: videos in flight → sections in flight per video → the provider's window of calls in
 * flight (and its pause) → provider calls per section → provider calls in the run (global) → custom steps in the
 * run → the CPU pool → the provider's rate, reserved last. Permits are taken in that fixed order and released in
 * reverse, so nested layers cannot deadlock. The provider's window comes before the shared layers so that a slow or
 * paused provider never holds global permits that calls to other providers could use; its rate slot is reserved
 * last, just before the request leaves, so calls that waited for shared permits do not leave together.
 * @module
 */
import type { PlanStep } from "../plan/plan_step.ts";
import type { RateLimitInfo } from "../core/step_task.ts";
import type { ResolvedLimits } from "../workflow/schema.ts";
import { GroupGate } from "./group_gate.ts";
import { type Permit, Semaphore } from "./semaphore.ts";

/** A provider's own admission (calls in flight, rate, pauses), told how its calls went. */
export interface ProviderGate {
  /** Waits for a place among the provider's calls in flight, and for any pause to end. */
  admit(options: { signal?: AbortSignal }): Promise<Permit>;
  /** Reserves the call's place in the provider's rates (`tokens` of its token budget); taken last. */
  pace(options: { signal?: AbortSignal; tokens?: number }): Promise<void>;
  /** A call's answer carried rate-limit headers; told as soon as it arrives. */
  observe(info: RateLimitInfo): void;
  /** A call succeeded. */
  succeeded(): void;
  /** A call that used `tokens` was answered 429; the server asked to wait `retryAfterMs`. */
  rateLimited(retryAfterMs: number | null, tokens?: number): void;
  /** The server refused the key: fail every call to come, for `reason`. */
  refused(reason: string): void;
}

/** Options for {@linkcode LayeredLimits}. */
export interface LayeredLimitsOptions {
  /** Returns the gate of a provider id, or null when it has none. @default () => null */
  providerGate?: (provider: string) => ProviderGate | null;
}

/** The bounds of the layers as numbers, for `plan` and for tests. */
export interface LimitsSummary {
  /** videos × sections × api. */
  product: number;
  /** min(product, global): the most provider calls in flight. */
  bound: number;
}

/**
 * Computes the product of the layers and the effective bound on provider calls in flight.
 *
 * @param limits The run's limits.
 * @returns Product and bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeLimits } from "./layered_limits.ts";
 * const { product, bound } = summarizeLimits({ videos: 2, sections: 4, api: 2, global: 8, custom: 2, workers: 2, cpu: 2 });
 * assert.ok(product === 16 && bound === 8);
 * ```
 */
export function summarizeLimits(limits: ResolvedLimits): LimitsSummary {
  const product = limits.videos * limits.sections * limits.api;
  return { product, bound: Math.min(product, limits.global) };
}

/**
 * Owns every semaphore of a run. Call `register` for each step when it joins the plan, `acquire` before it runs
 * and `settle` once it is done, failed or skipped.
 *
 * @example
 * ```ts
 * import { LayeredLimits } from "./layered_limits.ts";
 * const limits = new LayeredLimits({ videos: 1, sections: 1, api: 1, global: 1, custom: 1, workers: 1, cpu: 1 });
 * const step = { kind: "clip" as const, scope: { video: "a", section: "a/s1" }, provider: null, cpu: true, tokenCost: 0 };
 * limits.register(step);
 * {
 *   using _permit = await limits.acquire(step);
 * }
 * limits.settle(step);
 * ```
 */
export class LayeredLimits {
  readonly #limits: ResolvedLimits;
  readonly #videos: GroupGate;
  readonly #sections = new Map<string, GroupGate>();
  readonly #api = new Map<string, Semaphore>();
  readonly #global: Semaphore;
  readonly #custom: Semaphore;
  readonly #cpu: Semaphore;
  readonly #providerGate: (provider: string) => ProviderGate | null;

  /**
   * @param limits The run's limits.
   * @param options Where provider gates come from.
   */
  constructor(limits: ResolvedLimits, options: LayeredLimitsOptions = {}) {
    const { providerGate = () => null } = options;
    this.#limits = limits;
    this.#videos = new GroupGate(limits.videos);
    this.#global = new Semaphore(limits.global);
    this.#custom = new Semaphore(limits.custom);
    this.#cpu = new Semaphore(limits.cpu);
    this.#providerGate = providerGate;
  }

  /**
   * Counts a step in its video and section groups.
   *
   * @param step The step's scope.
   */
  register(step: Pick<PlanStep, "scope">): void {
    const { video, section } = step.scope;
    if (video !== null) this.#videos.register(video);
    if (video !== null && section !== null) this.#sectionGate(video).register(section);
  }

  /**
   * Counts a step as settled; the last step of a section or video frees its slot.
   *
   * @param step The step's scope.
   */
  settle(step: Pick<PlanStep, "scope">): void {
    const { video, section } = step.scope;
    if (video !== null && section !== null) this.#sectionGate(video).settle(section);
    if (video !== null) this.#videos.settle(video);
  }

  /**
   * Takes every permit the step needs, in the fixed order, reserves its provider's rate slot last, and returns one
   * permit that releases them in reverse. Send the request right after.
   *
   * @param step Kind, scope, provider, CPU flag and what its call costs of the token budget.
   * @param options The signal that abandons the wait (permits already taken are released).
   * @returns The combined permit.
   * @throws The signal's reason when aborted while waiting.
   */
  async acquire(
    step: Pick<PlanStep, "kind" | "scope" | "provider" | "cpu" | "tokenCost">,
    options: { signal?: AbortSignal } = {},
  ): Promise<Permit> {
    const held: Permit[] = [];
    const release = () => {
      while (held.length > 0) held.pop()!.release();
    };
    try {
      const { video, section } = step.scope;
      if (video !== null) await this.#videos.admit(video, options);
      if (video !== null && section !== null) await this.#sectionGate(video).admit(section, options);
      const gate = step.provider === null ? null : this.#providerGate(step.provider);
      if (step.provider !== null) {
        if (gate !== null) held.push(await gate.admit(options));
        if (section !== null) held.push(await this.#apiSemaphore(section).acquire(options));
        held.push(await this.#global.acquire(options));
      }
      if (step.kind === "custom") held.push(await this.#custom.acquire(options));
      if (step.cpu) held.push(await this.#cpu.acquire(options));
      await gate?.pace({ ...options, tokens: step.tokenCost });
    } catch (error) {
      release();
      throw error;
    }
    let released = false;
    const releaseOnce = () => {
      if (released) return;
      released = true;
      release();
    };
    return { release: releaseOnce, [Symbol.dispose]: releaseOnce };
  }

  #sectionGate(video: string): GroupGate {
    let gate = this.#sections.get(video);
    if (gate === undefined) {
      gate = new GroupGate(this.#limits.sections);
      this.#sections.set(video, gate);
    }
    return gate;
  }

  #apiSemaphore(section: string): Semaphore {
    let semaphore = this.#api.get(section);
    if (semaphore === undefined) {
      semaphore = new Semaphore(this.#limits.api);
      this.#api.set(section, semaphore);
    }
    return semaphore;
  }
}
