/**
 * A pool of Deno Web Workers that run steps. Each worker runs several steps at once (most wait on child
 * processes or the network), but at most one that runs JavaScript on its thread (a slide, a custom step), so a
 * busy step never stalls the calls waiting on that worker while another idles; the scheduler's CPU pool bounds the
 * heavy ones (before a run starts, a worker may also be readying a kind's code, see {@linkcode WorkerPool.warm}:
 * that JavaScript is not counted as a step's). A worker that crashes is terminated, its steps reject with
 * {@linkcode WorkerCrashError}, and a new worker takes its place.
 * @module
 */
import {
  type ExecuteOptions,
  type Execution,
  StepAttemptError,
  type StepExecutor,
  StepTimeoutError,
  WorkerCrashError,
} from "../core/executor.ts";
import type { RateLimitInfo, StepTask } from "../core/step_task.ts";
import { isFromWorker, type ToWorker } from "./worker_protocol.ts";
import { CoreLoans } from "./_core_loans.ts";
import { STEP_WORKER_URL, takeEarlyWorker } from "./early_workers.ts";

/** Options for {@linkcode WorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of workers. */
  size: number;
  /** The worker's module. @default lib/workers/worker_entry.ts */
  workerUrl?: URL;
  /** Modules that export more step kinds (as `stepKinds`), loaded by every worker. @default [] */
  stepModules?: readonly string[];
  /** Called when a worker dies, before it is replaced. */
  onCrash?: (worker: number, error: string) => void;
  /**
   * Called with an error a step's code let escape after the step had ended (a timer's throw, a promise it did not
   * await), in words: the worker goes on, and the step's result stands.
   */
  onStray?: (worker: number, stray: Stray) => void;
}

/** An error a step's code let escape after the step had ended (see {@linkcode WorkerPoolOptions.onStray}). */
export interface Stray {
  /** The step's id. */
  step: string;
  /** The error, in words. */
  error: string;
}

/**
 * What is said of an error a step's code let escape after the step had ended.
 *
 * @param worker The worker, as the listener names it (`worker 2`).
 * @param stray The step and the error.
 * @returns The sentence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strayNotice } from "./worker_pool.ts";
 * assert.match(strayNotice("worker 2", { step: "late", error: "Error: x" }), /^worker 2: step "late" .*: Error: x$/);
 * ```
 */
export function strayNotice(worker: string, stray: Stray): string {
  return `${worker}: step "${stray.step}" let an error escape after it had ended (a timer's throw, or a promise ` +
    `its code did not await); no step fails for it: ${stray.error}`;
}

/** How long a cancelled step may take to stop before its worker is replaced. */
const CANCEL_GRACE_MS = 2000;

interface Pending {
  resolve(execution: Execution): void;
  reject(error: unknown): void;
  onRateLimit: ((info: RateLimitInfo) => void) | undefined;
  onProgress: ((fraction: number) => void) | undefined;
  onRunning: (() => void) | undefined;
  loans: CoreLoans;
  blocking: boolean;
}

interface Slot {
  number: number;
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  alive: boolean;
  started: boolean;
}

/**
 * The local executor: a pool of Web Workers.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "./worker_pool.ts";
 * const pool = new WorkerPool({ size: 1 });
 * await pool.close();
 * ```
 */
export class WorkerPool implements StepExecutor {
  readonly #slots: Slot[] = [];
  readonly #url: URL;
  readonly #onCrash: (worker: number, error: string) => void;
  readonly #onStray: (worker: number, stray: Stray) => void;
  #nextTask = 1;
  #nextWorker = 1;
  #closed = false;
  #startFailures = 0;
  #broken: string | null = null;
  /** Blocking steps waiting for a worker without one. */
  #blockedQueue: (() => void)[] = [];
  /** Cancelled steps whose workers have not answered yet (they kill the processes the steps started). */
  readonly #stopping = new Set<Promise<unknown>>();

  /** @param options Size, worker module, more step kinds, and crash and stray error listeners. */
  constructor(options: WorkerPoolOptions) {
    const { size, workerUrl = STEP_WORKER_URL, onCrash = () => {}, onStray = () => {} } = options;
    if (!(size >= 1)) throw new RangeError(`Worker pool size must be at least 1, got ${size}`);
    this.#url = new URL(workerUrl);
    for (const module of options.stepModules ?? []) this.#url.searchParams.append("steps", module);
    this.#onCrash = onCrash;
    this.#onStray = onStray;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn(i));
  }

  /**
   * Resolves when every worker has started, so the first steps are not timed from a cold start.
   *
   * @throws {WorkerCrashError} When a worker dies while starting (it is replaced; the run can go on).
   */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  /**
   * Has the workers load and ready the code of the kinds a run will use before their first steps arrive (see
   * `StepKindDefinition.warm`): each kind on as many workers as it has steps to run, the first workers first.
   *
   * @param steps How many steps of each kind the run will run.
   */
  warm(steps: ReadonlyMap<string, number>): void {
    for (const [index, slot] of this.#slots.entries()) {
      const kinds = [...steps].filter(([, count]) => count > index).map(([kind]) => kind);
      if (kinds.length > 0) this.#post(slot, { type: "warm", kinds });
    }
  }

  /** Number of the workers now in the pool, in slot order (changes when one is replaced). */
  get workers(): number[] {
    return this.#slots.map((slot) => slot.number);
  }

  /**
   * Runs a step on the least busy live worker; a blocking step waits for a worker that runs no other blocking
   * step. When the signal aborts the step is asked to stop, and a step that ignores that for a while loses its
   * worker; the execution rejects with the signal's reason at once when the run stops, and past the step's timeout
   * once the step has stopped or its worker has (see `execute`'s cancel).
   */
  async execute(task: StepTask, options: ExecuteOptions): Promise<Execution> {
    const { signal, onStart, onRateLimit, onProgress, onRunning } = options;
    signal.throwIfAborted();
    if (this.#closed) throw new Error("The worker pool is closed");
    if (this.#broken !== null) throw new Error(`Step workers cannot start: ${this.#broken}`);
    let slot = task.blocking ? this.#freeOfBlocking() : this.#leastBusy();
    while (slot === null) {
      await this.#blockingStepEnded(signal);
      slot = this.#freeOfBlocking();
    }
    // Chosen and reserved in one synchronous stretch: two blocking steps cannot both take the same free worker.
    const taskId = this.#nextTask++;
    const loans = new CoreLoans(
      options.lendCore,
      (loan, granted) => this.#post(slot, { type: "lent", taskId, loan, granted }),
    );
    // Reserve the place before waiting for the worker to start, so concurrent calls spread over the pool.
    const done = new Promise<Execution>((resolve, reject) =>
      slot.pending.set(taskId, {
        resolve,
        reject,
        onRateLimit,
        onProgress,
        onRunning,
        loans,
        blocking: task.blocking,
      })
    );
    // What the step was lent is given back when it ends, however it ends (its failure is told where it is awaited).
    void done.finally(() => loans.close()).catch(() => {});
    done.catch(() => {});
    try {
      await slot.ready;
      signal.throwIfAborted();
    } catch (error) {
      slot.pending.delete(taskId);
      if (error instanceof WorkerCrashError) return await this.execute(task, options);
      throw error;
    }
    // Cancel asks the step to stop; a step that ignores its signal for CANCEL_GRACE_MS loses its worker (the steps
    // it shared that worker with are retried on a new one). When the run stops (Ctrl-C, a bound) the execution
    // rejects at once. Past its timeout, it rejects once the step has stopped or its worker has: what it holds (its
    // CPU slot) is held while its code still runs (fi20: under --cpu 1 a spinning step's thread ran on for the
    // grace beside the next CPU step, and a retry beside it), and its result is its timeout, whatever it returns.
    let aborted!: (reason: unknown) => void;
    const abandoned = new Promise<never>((_, reject) => aborted = reject);
    abandoned.catch(() => {});
    let timedOut = false;
    const cancel = () => {
      this.#post(slot, { type: "cancel", taskId });
      // Past its timeout, a step that goes on is told; when the run stops (Ctrl-C, or a bound it passed) it loses its
      // worker without a word (nt2: a Ctrl-C printed "worker 1 crashed").
      const stopping = !(signal.reason instanceof StepTimeoutError);
      const grace = setTimeout(() => {
        if (!slot.pending.has(taskId)) return;
        const why = `step "${task.id}" went on ${CANCEL_GRACE_MS / 1000} s after it was cancelled (its ` +
          "timeout, or the run stopping): the worker was stopped and another takes its place";
        // Not told once the pool closes (a Ctrl-C during a timed-out step's grace, rv36): as for a run stopping.
        this.#crash(this.#slots.indexOf(slot), slot, why, { told: !stopping && !this.#closed });
      }, CANCEL_GRACE_MS);
      Deno.unrefTimer(grace);
      this.#stopping.add(done);
      void done.finally(() => {
        clearTimeout(grace);
        this.#stopping.delete(done);
      }).catch(() => {});
      if (stopping) return aborted(signal.reason);
      timedOut = true;
      void done.then(() => aborted(signal.reason), () => aborted(signal.reason));
    };
    signal.addEventListener("abort", cancel, { once: true });
    onStart?.(slot.number);
    // The worker says when the step's code is loaded and runs ("running"): the load is not the step's time.
    options.onLoading?.();
    this.#post(slot, { type: "run", taskId, task });
    try {
      const ended = done.then(
        (execution) => timedOut ? abandoned : execution,
        (error: unknown) => timedOut ? abandoned : Promise.reject(error),
      );
      return await Promise.race([ended, abandoned]);
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  /** The least busy live worker that runs no blocking step, or null when every worker runs one. */
  #freeOfBlocking(): Slot | null {
    const free = this.#slots.filter((slot) => slot.alive && !hasBlocking(slot));
    if (free.length === 0) return null;
    return free.reduce((best, slot) => slot.pending.size < best.pending.size ? slot : best);
  }

  /** Resolves when a blocking step ends (or a worker is replaced); rejects when the signal aborts. */
  #blockingStepEnded(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#blockedQueue.push(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** A blocking step ended somewhere: let waiting blocking steps look again. */
  #wakeBlocked(): void {
    const waiting = this.#blockedQueue;
    this.#blockedQueue = [];
    for (const wake of waiting) wake();
  }

  /**
   * Terminates every worker; steps still running reject. Steps cancelled a moment ago are given up to
   * CANCEL_GRACE_MS to stop first: their workers kill the processes those steps started when they read the cancel
   * (a worker busy with JavaScript, readying a kind's code say, reads it a little later), and a process whose
   * worker is terminated before that would outlive the render.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#stopping.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, CANCEL_GRACE_MS));
      await Promise.race([Promise.allSettled([...this.#stopping]), grace]);
      clearTimeout(timer);
    }
    for (const slot of this.#slots) this.#kill(slot, "the pool was closed");
  }

  /** The worker with the fewest steps, preferring one that runs no blocking step. */
  #leastBusy(): Slot {
    let best = this.#slots[0]!;
    const load = (slot: Slot) => (hasBlocking(slot) ? 1000 : 0) + slot.pending.size;
    for (const slot of this.#slots) if (load(slot) < load(best)) best = slot;
    return best;
  }

  #post(slot: Slot, message: ToWorker): void {
    if (slot.alive) slot.worker.postMessage(message);
  }

  #spawn(index: number): Slot {
    const number = this.#nextWorker++;
    // A worker the CLI started before its modules loaded (see early_workers.ts) is taken first.
    const early = takeEarlyWorker(this.#url);
    const worker = early?.worker ??
      new Worker(this.#url.href, { type: "module", name: `reel-worker-${number}` });
    let markReady!: () => void;
    let failStart!: (error: unknown) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => {});
    const slot: Slot = { number, worker, ready, pending: new Map(), alive: true, started: false };
    const started = () => {
      this.#startFailures = 0;
      slot.started = true;
      markReady();
    };
    // Its "ready" may have come before it was taken.
    early?.ready.then(started, (error: Error) => {
      failStart(new WorkerCrashError(number, error.message));
      this.#crash(index, slot, error.message);
    });
    worker.onmessage = (event: MessageEvent) => {
      const message = event.data;
      if (!isFromWorker(message)) return this.#crash(index, slot, "sent a malformed message");
      if (message.type === "ready") return started();
      // A load's watchdog that asked as the load ended (see `load_watchdog.ts`): this thread runs.
      if (message.type === "alive?") return worker.postMessage({ type: "alive" } satisfies ToWorker);
      if (message.type === "watching") return;
      if (message.type === "stray") {
        return this.#onStray(number, { step: message.step, error: message.error });
      }
      const pending = slot.pending.get(message.taskId);
      if (pending === undefined) return;
      if (message.type === "rate-limit") return pending.onRateLimit?.(message.info);
      if (message.type === "progress") return pending.onProgress?.(message.fraction);
      if (message.type === "running") return pending.onRunning?.();
      if (message.type === "borrow") return pending.loans.ask(message.loan);
      if (message.type === "return") return pending.loans.giveBack(message.loan);
      slot.pending.delete(message.taskId);
      if (pending.blocking) this.#wakeBlocked();
      if (message.type === "done") pending.resolve({ result: message.result, worker: number });
      else {
        pending.reject(new StepAttemptError(message.failure, number));
        // Its code runs on (see `StepFailure.stuck`): the worker is replaced, as for a cancelled step that went on.
        if (message.failure.stuck === true) this.#crash(index, slot, `a failed step's code did not stop`);
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      failStart(new WorkerCrashError(number, event.message));
      this.#crash(index, slot, event.message || "uncaught error");
    };
    worker.onmessageerror = () => this.#crash(index, slot, "a message could not be read");
    return slot;
  }

  /** Ends a worker that crashed or must stop, telling `onCrash` unless `told` is false, and puts a new one in. */
  #crash(index: number, slot: Slot, reason: string, options: { told?: boolean } = {}): void {
    if (!slot.alive) return;
    this.#kill(slot, reason);
    if (options.told !== false) this.#onCrash(slot.number, reason);
    if (!slot.started && ++this.#startFailures >= 3) {
      // A worker that cannot start is never handed out; after three in a row the pool gives up.
      this.#broken = reason;
      return;
    }
    // A crashed worker is never handed out again: a new one takes its slot.
    if (!this.#closed && this.#slots[index] === slot) this.#slots[index] = this.#spawn(index);
  }

  #kill(slot: Slot, reason: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    slot.worker.terminate();
    const shared = slot.pending.size > 1;
    for (const pending of slot.pending.values()) {
      pending.reject(new WorkerCrashError(slot.number, reason, { shared }));
    }
    slot.pending.clear();
    this.#wakeBlocked();
  }
}

function hasBlocking(slot: Slot): boolean {
  for (const pending of slot.pending.values()) if (pending.blocking) return true;
  return false;
}
