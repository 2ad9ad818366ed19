/**
 * The memory gate: a heavy (CPU) step does not start while the memory available to new work is under a threshold,
 * so a batch never swaps or gets killed for memory. It only holds a step back while other heavy steps it let in are
 * running (their end frees memory); with none running, waiting could not help, so the step starts. It counts the
 * steps it lets in itself, in the same turn as it looks at the count: counted by its caller after the await, two
 * steps that looked at once both started, and a step's end let every waiting one in.
 *
 * A threshold says nothing of what each step will use: steps that come while memory is above it start together, as
 * a batch's do; once steps are held back, they start one at a time, each after a poll period or a heavy step's end
 * (rv33), and a step that comes meanwhile waits behind them.
 * @module
 */
import { availableMemory } from "../core/available_memory.ts";
import { type Clock, realClock } from "../core/clock.ts";
import { Semaphore } from "./semaphore.ts";

/** Options for {@linkcode MemoryGate}. */
export interface MemoryGateOptions {
  /** Bytes that must stay available before a heavy step starts; 0 turns the gate off. */
  minFree: number;
  /** Reads the available memory in bytes (null where unknown). @default availableMemory (MemAvailable) */
  read?: () => Promise<number | null>;
  /** The clock the gate polls by. @default realClock */
  clock?: Clock;
  /** How often a held-back step looks again, in ms (it also looks when a heavy step ends). @default 500 */
  pollMs?: number;
}

/**
 * Holds heavy steps back while memory is short.
 *
 * @example
 * ```ts
 * import { MemoryGate } from "./memory_gate.ts";
 * const gate = new MemoryGate({ minFree: 1e9, read: () => Promise.resolve(4e9) });
 * await gate.admit();
 * gate.released();
 * ```
 */
export class MemoryGate {
  readonly #minFree: number;
  readonly #read: () => Promise<number | null>;
  readonly #clock: Clock;
  readonly #pollMs: number;
  #wakers = new Set<() => void>();
  #held = 0;
  /** Steps let in and not yet released. */
  #running = 0;
  /** Held back, one step looks at a time; the others wait behind it, in the order they came. */
  readonly #looking = new Semaphore(1);

  /** @param options The threshold, the reader and the clock. */
  constructor(options: MemoryGateOptions) {
    const { minFree, read = () => availableMemory(), clock = realClock, pollMs = 500 } = options;
    if (!(minFree >= 0)) throw new RangeError(`The free memory threshold must be 0 or more, got ${minFree}`);
    this.#minFree = minFree;
    this.#read = read;
    this.#clock = clock;
    this.#pollMs = pollMs;
  }

  /** How many times a step has been held back so far (for reports and tests). */
  get held(): number {
    return this.#held;
  }

  /** How many steps it let in are running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * Resolves when the step may start (memory is available, or no step it let in runs), the step counted as running
   * until {@linkcode MemoryGate.released}.
   *
   * @param options The signal that abandons the wait.
   * @throws The signal's reason when aborted while waiting; the step is not counted then.
   */
  async admit(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.#minFree === 0 || this.#running === 0) {
      this.#running++;
      return;
    }
    // While steps are held back, a new one waits behind them, unread.
    if (this.#looking.available > 0) {
      const available = await this.#read();
      signal?.throwIfAborted();
      if (this.#running === 0 || available === null || available >= this.#minFree) {
        this.#running++;
        return;
      }
    }
    this.#held++;
    // Held back, steps look one at a time, and each after a poll period or a heavy step's end: a reading taken
    // as one is let in does not show what it will use (rv33: one step's end let five waiting steps in at once,
    // each reading the memory the first had not yet taken).
    {
      using _turn = await this.#looking.acquire({ signal });
      for (;;) {
        await this.#wait(signal);
        if (this.#running === 0) break;
        const available = await this.#read();
        signal?.throwIfAborted();
        if (available === null || available >= this.#minFree) break;
      }
    }
    this.#running++;
  }

  /** A step it let in ended: the held-back step that is looking looks again at once. */
  released(): void {
    this.#running--;
    const wakers = this.#wakers;
    this.#wakers = new Set();
    for (const wake of wakers) wake();
  }

  /** Waits for a poll period or a heavy step's end, whichever comes first. */
  async #wait(signal: AbortSignal | undefined): Promise<void> {
    const stop = new AbortController();
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => wake = resolve);
    this.#wakers.add(wake);
    try {
      const poll = this.#clock.sleep(this.#pollMs, {
        signal: signal === undefined ? stop.signal : AbortSignal.any([stop.signal, signal]),
      });
      // Abandoned (and rejected by `stop`) when a heavy step ends first.
      poll.catch(() => {});
      await Promise.race([poll, woken]);
    } finally {
      this.#wakers.delete(wake);
      stop.abort();
    }
  }
}
