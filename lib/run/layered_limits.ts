/**
 * The layered limits of a run: videos in flight → sections in flight per video → the provider's window of calls in
 * flight (and its pause) → provider calls per section → provider calls in the run (global) → custom steps in the
 * run → the CPU pool (and enough free memory, {@linkcode MemoryGate}) → the provider's rate, reserved last. Permits are taken in that fixed order and released in
 * reverse, so nested layers cannot deadlock. The provider's window comes before the shared layers so that a slow or
 * paused provider never holds global permits that calls to other providers could use; its rate slot is reserved
 * last, just before the request leaves, so calls that waited for shared permits do not leave together. The section
 * and API layers count only steps that wait on something elsewhere (an HTTP call); a local engine's CPU-heavy step
 * (a slide, espeak, an encode) waits for the CPU pool alone.
 * @module
 */
import type { PlanStep } from "../plan/plan_step.ts";
import type { RateLimitInfo } from "../core/step_task.ts";
import type { ResolvedLimits } from "../plan/limits.ts";
import { GroupGate } from "./group_gate.ts";
import { MemoryGate } from "./memory_gate.ts";
import type { Clock } from "../core/clock.ts";
import { type Permit, Semaphore } from "./semaphore.ts";

/** A pause a spent `x-ratelimit-remaining-*` budget put on a provider's calls. */
export interface BudgetPause {
  /** Which budget the server said is spent. */
  budget: "requests" | "tokens";
  /** How long its calls wait from now, in ms. */
  ms: number;
  /** When the server said the budget resets, in ms from now. */
  resetMs: number;
  /** Whether the wait is the provider's `maxRetryAfter`, shorter than the reset said. */
  capped: boolean;
}

/** A provider's own admission (calls in flight, rate, pauses), told how its calls went. */
export interface ProviderGate {
  /** Waits for a place among the provider's calls in flight, and for any pause to end. */
  admit(options: { signal?: AbortSignal }): Promise<Permit>;
  /**
   * Reserves the call's place in the provider's rates (`tokens` of its token budget); taken last. False when a
   * pause began meanwhile: nothing is reserved.
   */
  pace(options: { signal?: AbortSignal; tokens?: number }): Promise<boolean>;
  /** Milliseconds left of a pause (a 429's Retry-After, a spent budget); 0 when none. */
  pausedFor(): number;
  /** Waits until no pause is left. */
  waitForPause(options: { signal?: AbortSignal }): Promise<void>;
  /** A call's answer carried rate-limit headers; told as soon as it arrives. Returns the pause it began, if any. */
  observe(info: RateLimitInfo): BudgetPause | null;
  /** A call succeeded. */
  succeeded(): void;
  /** A call that used `tokens` was answered 429; the server asked to wait `retryAfterMs`. */
  rateLimited(retryAfterMs: number | null, tokens?: number): void;
  /** How long 429s have paused the provider since its last answer that was not one, in ms; 0 when none. */
  refusingFor(): number;
  /** A call ended otherwise than by a 429 (another failure): the run of 429s is broken. */
  notRateLimited(): void;
  /** The server refused the key: fail every call to come, for `reason`. */
  refused(reason: string): void;
}

/** Options for {@linkcode LayeredLimits}. */
export interface LayeredLimitsOptions {
  /** Returns the gate of a provider id, or null when it has none. @default () => null */
  providerGate?: (provider: string) => ProviderGate | null;
  /** Holds CPU-heavy steps back while memory is short. @default a gate at `limits.minFreeMemory` */
  memoryGate?: MemoryGate;
  /** The clock the default memory gate polls by (the run's: rv33, a virtual run polled on real timers). */
  clock?: Clock;
}

/** What {@linkcode LayeredLimits.acquire} reads of a step. */
type LimitedStep = Pick<PlanStep, "kind" | "scope" | "provider" | "cpu" | "tokenCost" | "cores">;

/** Options for {@linkcode LayeredLimits.acquire}. */
export interface AcquireOptions {
  /** Abandons the wait; permits already taken are released. */
  signal?: AbortSignal;
  /** The step's rank in the DAG: where several steps wait for the same permit, the higher goes first. */
  priority?: number;
  /** Asked once every permit but the provider's rate slot is held; false gives them back and takes no slot. */
  wanted?: () => Promise<boolean>;
}

/**
 * Owns every semaphore of a run. Call `register` for each step when it joins the plan, `acquire` before it runs
 * and `settle` once it is done, failed or skipped.
 *
 * @example
 * ```ts
 * import { LayeredLimits } from "./layered_limits.ts";
 * const limits = new LayeredLimits({ videos: 1, sections: 1, api: 1, global: 1, custom: 1, workers: 1, cpu: 1, minFreeMemory: 0 });
 * const step = { kind: "clip" as const, scope: { item: "a", part: "a/s1" }, provider: null, cpu: true, tokenCost: 0 };
 * limits.register(step);
 * {
 *   using _permit = await limits.acquire(step);
 * }
 * limits.settle(step);
 * ```
 */
export class LayeredLimits {
  readonly #limits: ResolvedLimits;
  readonly #items: GroupGate;
  readonly #parts = new Map<string, GroupGate>();
  readonly #api = new Map<string, Semaphore>();
  readonly #global: Semaphore;
  readonly #custom: Semaphore;
  readonly #cpu: Semaphore;
  readonly #providerGate: (provider: string) => ProviderGate | null;
  readonly #memory: MemoryGate;

  /**
   * @param limits The run's limits.
   * @param options Where provider gates come from.
   */
  constructor(limits: ResolvedLimits, options: LayeredLimitsOptions = {}) {
    const { providerGate = () => null } = options;
    this.#memory = options.memoryGate ??
      new MemoryGate({ minFree: limits.minFreeMemory, clock: options.clock });
    this.#limits = limits;
    this.#items = new GroupGate(limits.videos);
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
  register(step: Pick<PlanStep, "scope" | "provider" | "cpu">): void {
    const { item, part } = step.scope;
    if (item !== null) this.#items.register(item);
    if (item !== null && part !== null && this.#waitsElsewhere(step)) this.#partGate(item).register(part);
  }

  /**
   * Counts a step as settled; the last step of a section or video frees its slot.
   *
   * @param step The step's scope.
   */
  settle(step: Pick<PlanStep, "scope" | "provider" | "cpu">): void {
    const { item, part } = step.scope;
    if (item !== null && part !== null && this.#waitsElsewhere(step)) this.#partGate(item).settle(part);
    if (item !== null) this.#items.settle(item);
  }

  /**
   * Takes every permit the step needs, in the fixed order, reserves its provider's rate slot last, and returns one
   * permit that releases them in reverse. Send the request right after.
   *
   * @param step Kind, scope, provider, CPU flag and what its call costs of the token budget.
   * @param options The signal, the priority, and `wanted`: when it answers false (the step's key was claimed away
   * while it waited), every permit taken is given back, no rate slot is taken, and null is returned.
   * @returns The combined permit, and the cores the step may use (its own CPU slot and the idle ones it was given);
   *   null when no longer wanted.
   * @throws The signal's reason when aborted while waiting.
   */
  acquire(
    step: LimitedStep,
    options?: AcquireOptions & { wanted?: undefined },
  ): Promise<Permit & { cores: number }>;
  acquire(step: LimitedStep, options: AcquireOptions): Promise<(Permit & { cores: number }) | null>;
  async acquire(
    step: LimitedStep,
    options: AcquireOptions = {},
  ): Promise<(Permit & { cores: number }) | null> {
    const held: Permit[] = [];
    let cores = 1;
    const release = () => {
      while (held.length > 0) held.pop()!.release();
    };
    const unwanted = async () => options.wanted !== undefined && !(await options.wanted());
    try {
      const { item, part } = step.scope;
      if (item !== null) await this.#items.admit(item, options);
      // The section layer bounds a video's fan-out of calls that wait (on an API, say); CPU-heavy steps are bounded
      // by the CPU pool, so that every speech a narration waits for starts first, not after earlier sections' slides.
      if (item !== null && part !== null && this.#waitsElsewhere(step)) {
        await this.#partGate(item).admit(part, options);
      }
      const gate = step.provider === null ? null : this.#providerGate(step.provider);
      // The API layers count calls that wait on a provider elsewhere; a local engine's step (espeak, a slide) is
      // CPU work and waits for the CPU pool only, never holding a global permit an API call could use.
      if (step.provider !== null && this.#waitsElsewhere(step)) {
        if (gate !== null) held.push(await gate.admit(options));
        if (part !== null) held.push(await this.#apiSemaphore(part).acquire(options));
        held.push(await this.#global.acquire(options));
      }
      if (step.kind === "custom") held.push(await this.#custom.acquire(options));
      if (step.cpu) {
        const heavy = await this.#heavy(options, (step.cores ?? 1) - 1);
        held.push(heavy.permit);
        cores = heavy.cores;
      }
      // Asked before the pause check (no await between it and the slot) and again once the slot is taken: the key
      // may be claimed away while the step waits for the slot too (that costs the slot, rarely).
      if (await unwanted()) {
        release();
        return null;
      }
      // A pause that began while this call waited for its other permits (another call's 429) is waited out with
      // none of them held: a global or CPU permit held through a Retry-After of a minute stalled the other
      // providers' calls and steps. Then every permit is asked again.
      const afterPause = async (paused: ProviderGate) => {
        release();
        await paused.waitForPause(options);
        return await this.acquire(step, options);
      };
      if (gate !== null && gate.pausedFor() > 0) return await afterPause(gate);
      // So does one that begins while it waits for its place in the rates (rv33).
      if (await gate?.pace({ ...options, tokens: step.tokenCost }) === false) return await afterPause(gate!);
      if (gate !== null && await unwanted()) {
        release();
        return null;
      }
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
    return { cores, release: releaseOnce, [Symbol.dispose]: releaseOnce };
  }

  /**
   * Lends a step that is running a CPU slot more (see `StepContext.borrowCore`): one that nobody holds, given only
   * when no step waits for one, behind every step that comes to wait. No memory check: a lent slot runs another
   * process of a step already admitted.
   *
   * @param signal Withdraws the request.
   * @returns The slot; its release gives it back.
   * @throws The signal's reason when it aborts first.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { LayeredLimits } from "./layered_limits.ts";
   * const limits = new LayeredLimits({ videos: 1, sections: 1, api: 1, global: 1, custom: 1, workers: 2, cpu: 2, minFreeMemory: 0 });
   * using _lent = await limits.lendCore(new AbortController().signal);
   * ```
   */
  lendCore(signal: AbortSignal): Promise<Permit> {
    return this.#cpu.acquire({ signal, priority: -Infinity });
  }

  /**
   * A CPU slot, once memory allows (see {@linkcode MemoryGate}); its release lets held-back steps look again. A step
   * that can use several cores also gets up to `extra` slots that nobody holds or waits for, taken at once with its
   * own when that one is free (before a step let start with it takes them); none when it had to wait for its own.
   */
  async #heavy(
    options: { signal?: AbortSignal; priority?: number },
    extra: number,
  ): Promise<{ permit: Permit; cores: number }> {
    const now = extra > 0 ? this.#cpu.takeIdle(1 + extra) : [];
    const slots = now.length > 0 ? now : [await this.#cpu.acquire(options)];
    let released = false;
    let admitted = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const slot of slots) slot.release();
      if (admitted) this.#memory.released();
    };
    try {
      // The gate counts the steps it let in: a CPU slot held by a step that waits there frees no memory (counted,
      // two steps that took their slots at once each waited for the other, forever).
      await this.#memory.admit(options);
    } catch (error) {
      release();
      throw error;
    }
    admitted = true;
    return { permit: { release, [Symbol.dispose]: release }, cores: slots.length };
  }

  /**
   * Whether the section and API layers count a step: one that takes no CPU slot, or calls a provider that has a
   * gate (an HTTP provider, whatever its CPU flag). A local engine's CPU-heavy step is bounded by the CPU pool.
   */
  #waitsElsewhere(step: Pick<PlanStep, "provider" | "cpu">): boolean {
    return !step.cpu || (step.provider !== null && this.#providerGate(step.provider) !== null);
  }

  #partGate(item: string): GroupGate {
    let gate = this.#parts.get(item);
    if (gate === undefined) {
      gate = new GroupGate(this.#limits.sections);
      this.#parts.set(item, gate);
    }
    return gate;
  }

  #apiSemaphore(part: string): Semaphore {
    let semaphore = this.#api.get(part);
    if (semaphore === undefined) {
      semaphore = new Semaphore(this.#limits.api);
      this.#api.set(part, semaphore);
    }
    return semaphore;
  }
}
