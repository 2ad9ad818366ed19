/**
 * Claims per key kept in the cluster's Redis, for an object store shared by coordinators on several hosts: a claim
 * is a key set only when absent (`SET NX`) with a lease that its owner renews; a dead owner's lease runs out (or,
 * on the same host, is taken over as soon as its process is gone). Redis gives every host one atomic place to
 * claim in, which an object store does not always (not every S3-compatible server honours conditional writes).
 * @module
 */
import { type Clock, realClock } from "../core/clock.ts";
import { processAlive } from "../core/process_alive.ts";
import type { KeyClaimer } from "../store/key_claimer.ts";
import type { Claim, ClaimHolder } from "../store/key_claims.ts";
import { CLUSTER_PREFIX } from "./cluster_job.ts";
import { openRedis } from "./redis_connection.ts";
import type { RedisTarget } from "./redis_target.ts";

/** Options for {@linkcode RedisClaims}. */
export interface RedisClaimsOptions {
  /** How often a waiting claimant looks again, in ms. @default 100 */
  pollMs?: number;
  /** How long a lease lasts without renewal, in ms (renewed every third of it). @default 15000 */
  leaseMs?: number;
  /** Who hears of connection errors (the client retries them). */
  onError: (error: Error) => void;
  /** The clock of waits. @default realClock */
  clock?: Clock;
}

/** Deletes, or renews, a key only while it still holds this owner's claim. */
const RELEASE =
  `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;
const RENEW =
  `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Claims in Redis.
 *
 * @example
 * ```ts
 * import { RedisClaims } from "./redis_claims.ts";
 * // const claims = new RedisClaims(parseRedisUrl("redis://127.0.0.1:6379", "--redis"), { onError: console.error });
 * // const claim = await claims.claim(key, {});
 * // await claim.release();
 * // claims.close();
 * ```
 */
export class RedisClaims implements KeyClaimer {
  readonly #redis;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #clock: Clock;
  readonly #onError: (error: Error) => void;
  readonly #held = new Map<string, string>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #connected: Promise<void> | null = null;

  /**
   * @param target The cluster's Redis.
   * @param options Polling, lease and error listener.
   */
  constructor(target: RedisTarget, options: RedisClaimsOptions) {
    this.#redis = openRedis(target, { onError: options.onError });
    this.#pollMs = options.pollMs ?? 100;
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#clock = options.clock ?? realClock;
    this.#onError = options.onError;
  }

  /**
   * Takes the claim on a key, waiting while a live owner holds it.
   *
   * @param key The step key.
   * @param options The signal that abandons the wait, and `onWait`, called once if another owner holds it.
   * @returns The claim.
   * @throws The signal's reason when aborted while waiting.
   */
  async claim(
    key: string,
    options: { signal?: AbortSignal; onWait?: (holder: ClaimHolder) => void } = {},
  ): Promise<Claim> {
    const { signal, onWait } = options;
    this.#connected ??= this.#redis.connect();
    await this.#connected;
    const name = `${CLUSTER_PREFIX}:claim:${key}`;
    let told = false;
    for (;;) {
      signal?.throwIfAborted();
      const holder: ClaimHolder = {
        host: Deno.hostname(),
        pid: Deno.pid,
        token: crypto.randomUUID(),
        since: new Date().toISOString(),
      };
      const value = JSON.stringify(holder);
      if (await this.#redis.set(name, value, "PX", this.#leaseMs, "NX") === "OK") {
        return this.#hold(name, value);
      }
      const current = await this.#redis.get(name);
      if (current === null) continue;
      const other = JSON.parse(current) as ClaimHolder;
      if (other.host === Deno.hostname() && !(await processAlive(other.pid))) {
        await this.#redis.eval(RELEASE, 1, name, current);
        continue;
      }
      if (!told) {
        told = true;
        onWait?.(other);
      }
      await this.#clock.sleep(this.#pollMs, { signal });
    }
  }

  /** Stops renewing claims and disconnects. */
  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#redis.disconnect();
  }

  #hold(name: string, value: string): Claim {
    this.#held.set(name, value);
    this.#timer ??= setInterval(() => {
      this.#renew().catch((error) =>
        this.#onError(error instanceof Error ? error : new Error(String(error)))
      );
    }, this.#leaseMs / 3);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.#held.delete(name);
        await this.#redis.eval(RELEASE, 1, name, value);
      },
      held: async () => !released && (await this.#redis.get(name)) === value,
    };
  }

  async #renew(): Promise<void> {
    for (const [name, value] of this.#held) {
      await this.#redis.eval(RENEW, 1, name, value, String(this.#leaseMs));
    }
  }
}
