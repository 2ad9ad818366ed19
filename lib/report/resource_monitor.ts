/**
 * The resource monitor: CPU and memory of reel and its child processes sampled during a run, and the memory the
 * system has left, for the report's chart and for benchmarks' peak memory.
 * @module
 */
import { availableMemory } from "../core/available_memory.ts";
import { type Clock, realClock } from "../core/clock.ts";
import { type TreeUsage, treeUsage } from "./process_tree.ts";

/** One sample. */
export interface ResourceSample {
  /** Milliseconds since the monitor started. */
  at: number;
  /** CPU use of the tree since the last sample, in percent of one core (200 = two cores busy). */
  cpuPercent: number;
  /** Resident memory of the tree, in bytes. */
  rssBytes: number;
  /** Memory the system had available (MemAvailable), in bytes, or null where unknown. */
  availableBytes: number | null;
}

/** Options for {@linkcode ResourceMonitor}. */
export interface ResourceMonitorOptions {
  /** The tree's root process. @default Deno.pid */
  root?: number;
  /** Milliseconds between samples. @default 500 */
  intervalMs?: number;
  /** Reads the tree's use (null when it cannot be read). @default treeUsage of `root` */
  read?: () => Promise<TreeUsage | null>;
  /** Reads the memory available. @default availableMemory */
  available?: () => Promise<number | null>;
  /** The clock it samples by. @default realClock */
  clock?: Clock;
}

/**
 * Samples a process tree until stopped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResourceMonitor } from "./resource_monitor.ts";
 * const monitor = new ResourceMonitor({ intervalMs: 10 });
 * monitor.start();
 * const samples = await monitor.stop();
 * assert.ok(samples.length >= 1);
 * ```
 */
export class ResourceMonitor {
  readonly #read: () => Promise<TreeUsage | null>;
  readonly #available: () => Promise<number | null>;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #samples: ResourceSample[] = [];
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;
  #stopped: Promise<ResourceSample[]> | null = null;
  #failure: Error | null = null;
  #origin = 0;
  #last: { at: number; cpuMs: number } | null = null;

  /** @param options The root, the interval, and the readers. */
  constructor(options: ResourceMonitorOptions = {}) {
    const { root = Deno.pid, intervalMs = 500, clock = realClock } = options;
    this.#read = options.read ?? (() => treeUsage(root));
    this.#available = options.available ?? (() => availableMemory());
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** The samples so far. */
  get samples(): readonly ResourceSample[] {
    return this.#samples;
  }

  /** The most resident memory the tree had in any sample, in bytes (0 before the first). */
  get peakRssBytes(): number {
    return this.#samples.reduce((peak, sample) => Math.max(peak, sample.rssBytes), 0);
  }

  /**
   * Why sampling stopped before {@linkcode stop} was called (a process file it could not read: the samples end
   * there), or null. Before, the failure was a rejection nothing handled, which ended the render.
   */
  get failure(): Error | null {
    return this.#failure;
  }

  /** Starts sampling: one sample at once, then one per interval. */
  start(): void {
    if (this.#loop !== null) return;
    this.#origin = this.#clock.now();
    this.#loop = this.#run().catch((error) => this.#failed(error));
  }

  /**
   * Takes a last sample and stops; later calls return the same samples.
   *
   * @returns Every sample, in time order.
   */
  stop(): Promise<ResourceSample[]> {
    this.#stopped ??= this.#finish();
    return this.#stopped;
  }

  async #finish(): Promise<ResourceSample[]> {
    if (this.#loop === null) return [];
    this.#stop.abort();
    await this.#loop;
    if (this.#failure === null) await this.#sample().catch((error) => this.#failed(error));
    return [...this.#samples];
  }

  #failed(error: unknown): void {
    this.#failure = error instanceof Error ? error : new Error(String(error));
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      await this.#sample();
      try {
        await this.#clock.sleep(this.#intervalMs, { signal: this.#stop.signal });
      } catch (error) {
        if (!this.#stop.signal.aborted) throw error;
      }
    }
  }

  async #sample(): Promise<void> {
    const [usage, available] = await Promise.all([this.#read(), this.#available()]);
    if (usage === null) return;
    const at = Math.round(this.#clock.now() - this.#origin);
    const last = this.#last;
    const cpuPercent = last === null || at <= last.at
      ? 0
      : Math.max(0, ((usage.cpuMs - last.cpuMs) * 100) / (at - last.at));
    this.#last = { at, cpuMs: usage.cpuMs };
    this.#samples.push({
      at,
      cpuPercent: Math.round(cpuPercent),
      rssBytes: usage.rssBytes,
      availableBytes: available,
    });
  }
}
