/**
 * A coordinator's or a worker's watch on its Redis connection. ioredis reconnects forever and holds commands while
 * Redis is away, so a render whose Redis went away used to wait in silence, forever, and a worker wrote a line per
 * reconnect attempt of each of its connections. The link says once that Redis is lost (with the first failed
 * reconnect's reason, not a line per attempt) and once that it is back; a coordinator's, after `timeoutMs` away,
 * aborts {@linkcode RedisLink.unreachable}, which fails the steps that wait on the cluster, not retried. A Redis that
 * keeps the connection but stops answering (frozen, or a host gone without closing it) is lost too: the link sends a
 * PING every {@linkcode PROBE_MS}, and one unanswered for {@linkcode ANSWER_MS} counts as a loss until it answers.
 * @module
 */
import type { Redis } from "ioredis";
import { StepAttemptError } from "../core/executor.ts";
import { ANSWER_MS } from "./redis_connection.ts";

/** How often a connected link asks Redis whether it answers, in ms. */
const PROBE_MS = 2000;

/** Options for {@linkcode RedisLink}. */
export interface RedisLinkOptions {
  /** Redis's URL with its password hidden, for messages. */
  redacted: string;
  /** How long Redis may stay away before the steps waiting on it fail, in ms; null for as long as it takes. */
  timeoutMs: number | null;
  /** Hears that Redis is lost, and that it is back. */
  onNotice: (message: string) => void;
  /**
   * What the loss means here, said after its reason. @default the coordinator's: its steps wait for Redis, for
   * the timeout at most, then fail
   */
  whileAway?: string;
  /** What goes on once Redis is back, said after it. @default "the steps on the cluster go on" */
  back?: string;
  /**
   * How often a PING is sent while connected, and how long one may go unanswered before Redis counts as lost, in ms.
   * @default `{ everyMs: PROBE_MS, answerMs: ANSWER_MS }`
   */
  probe?: { everyMs: number; answerMs: number };
}

/** Watches one client's connection (see the module's doc). */
export class RedisLink {
  readonly #client: Redis;
  readonly #options: RedisLinkOptions;
  #giveUp = new AbortController();
  /** When the connection closed (`performance.now()`), while it is away; null while it is up. */
  #lostAt: number | null = null;
  /** Whether the loss was told (at the first failed reconnect). */
  #told = false;
  /** The last reason a reconnect failed for. */
  #reason: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #probes: ReturnType<typeof setInterval>;
  /** Whether a PING is out now. */
  #probing = false;
  /** Whether Redis counts as lost because a PING went unanswered (it is back when one is answered). */
  #silent = false;
  /**
   * A connection cut off while Redis was up, not told yet, and when it was heard: told by the loss that follows, or
   * once a PING sent after it is answered.
   */
  #cutOff: { reason: string; at: number } | null = null;
  /** Fires when the PING out now has gone unanswered too long. */
  #silence: ReturnType<typeof setTimeout> | undefined;
  /** Set by {@linkcode RedisLink.close}: nothing is told after it. */
  #closed = false;
  /** Hear that Redis is back. */
  readonly #backs = new Set<() => void>();
  readonly #onClose = () => this.#lose();
  readonly #onReady = () => this.#back();

  /**
   * @param client The client to watch (it reconnects forever).
   * @param options The URL for messages, the timeout and the listener.
   */
  constructor(client: Redis, options: RedisLinkOptions) {
    this.#client = client;
    this.#options = options;
    client.on("close", this.#onClose);
    client.on("ready", this.#onReady);
    this.#probes = setInterval(() => this.#probe(), options.probe?.everyMs ?? PROBE_MS);
    Deno.unrefTimer(this.#probes as unknown as number);
  }

  /** Whether the client is connected now (and Redis answers). */
  get connected(): boolean {
    return this.#client.status === "ready" && !this.#silent;
  }

  /**
   * Calls `listener` each time Redis is back after a loss (a connection made again, or a PING answered after a
   * silence).
   *
   * @param listener Hears it.
   * @returns Stops it hearing.
   */
  onBack(listener: () => void): () => void {
    this.#backs.add(listener);
    return () => this.#backs.delete(listener);
  }

  /**
   * Aborted, its reason a {@linkcode StepAttemptError} that is not retried, once Redis has been away for the
   * timeout; a new signal replaces it when Redis is back.
   */
  get unreachable(): AbortSignal {
    return this.#giveUp.signal;
  }

  /**
   * Hears a connection error of any of the coordinator's clients. While Redis is away, the errors are its
   * reconnect attempts: the first one tells the loss, the others are only kept as its reason.
   *
   * @param error The error.
   * @returns Whether it is news to tell as it is (an error while the connection is up, but for a connection cut
   * off, which the link tells itself).
   */
  heard(error: Error): boolean {
    // A link closed on purpose tells nothing more: its client's last reconnect attempts are no news (rv3).
    if (this.#closed) return false;
    // A connection cut off (Redis killed with a command in flight) closes next: told by the loss that starts,
    // once (fi6: "Redis at …: read ECONNRESET", then "Lost Redis at …"); or, when Redis answers on (one of
    // BullMQ's connections alone was cut: it reconnects), told once the next PING is answered (rv8).
    if (this.connected) {
      if (!CUT_OFF.includes((error as { code?: unknown }).code as string)) return true;
      this.#cutOff ??= { reason: error.message, at: performance.now() };
      return false;
    }
    this.#lose();
    this.#tell(error.message);
    return false;
  }

  /**
   * Resolves once the client is connected: at once while it is.
   *
   * @param signal Abandons the wait.
   * @throws The signal's reason, or the unreachable signal's once Redis has been away for the timeout.
   */
  async untilUp(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const unreachable = this.#giveUp.signal;
    unreachable.throwIfAborted();
    if (this.connected) return;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const ready = () => resolve();
    const aborted = () => reject(signal.reason);
    const gaveUp = () => reject(unreachable.reason);
    // "ready" for a connection made again; back for one that answers again (it never closed).
    this.#client.on("ready", ready);
    const stopHearing = this.onBack(ready);
    signal.addEventListener("abort", aborted, { once: true });
    unreachable.addEventListener("abort", gaveUp, { once: true });
    try {
      await promise;
    } finally {
      this.#client.off("ready", ready);
      stopHearing();
      signal.removeEventListener("abort", aborted);
      unreachable.removeEventListener("abort", gaveUp);
    }
  }

  /** Stops watching (the client is being closed on purpose). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#silence);
    clearInterval(this.#probes);
    this.#client.off("close", this.#onClose);
    this.#client.off("ready", this.#onReady);
  }

  /** Keeps `reason` as why Redis is away, and tells the loss if it was not told yet. */
  #tell(reason: string): void {
    this.#reason = reason;
    if (this.#told) return;
    this.#told = true;
    const { redacted, timeoutMs, whileAway } = this.#options;
    const waiting = timeoutMs === null ? "" : `, for ${duration(timeoutMs)} at most, then fail`;
    this.#options.onNotice(
      `Lost Redis at ${redacted}: ${reason}; ` +
        (whileAway ?? `the steps on the cluster wait for it to come back${waiting}`),
    );
  }

  /** Sends a PING while connected: one unanswered for the probe's `answerMs` is a loss, until it is answered. */
  #probe(): void {
    if (this.#probing || this.#client.status !== "ready") return;
    this.#probing = true;
    const sent = performance.now();
    const answerMs = this.#options.probe?.answerMs ?? ANSWER_MS;
    this.#silence = setTimeout(() => {
      // A connection that closed meanwhile is lost by its "close", with the reconnects' reason.
      if (this.#client.status !== "ready") return;
      this.#silent = true;
      this.#lose(sent);
      this.#tell(`it has not answered for ${duration(answerMs)}`);
    }, answerMs);
    const settled = () => {
      clearTimeout(this.#silence);
      this.#probing = false;
    };
    const answered = () => {
      settled();
      // A PING sent before the cut says nothing of it (rv9: answered from the buffer while Redis was being killed).
      if (this.#cutOff !== null && sent >= this.#cutOff.at) {
        if (this.#lostAt === null && !this.#closed) {
          this.#options.onNotice(
            `A connection to Redis at ${this.#options.redacted} was cut off (${this.#cutOff.reason}) and made again`,
          );
        }
        this.#cutOff = null;
      }
      // Back unless the connection closed meanwhile (then "ready" says when it is back).
      if (this.#silent && !this.#closed && this.#client.status === "ready") this.#back();
    };
    // A PING that fails was cut off with the connection, whose loss its "close" tells.
    this.#client.ping().then(answered, settled);
  }

  /** Counts Redis as away since `since` (`performance.now()`), and gives up on it after the timeout from then. */
  #lose(since: number = performance.now()): void {
    if (this.#lostAt !== null || this.#closed) return;
    this.#lostAt = since;
    this.#cutOff = null;
    const { timeoutMs } = this.#options;
    if (timeoutMs === null) return;
    this.#timer = setTimeout(() => this.#abandon(), Math.max(0, timeoutMs - (performance.now() - since)));
    // What waits on Redis keeps the process alive, not this timer (a render closing may leave it running).
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #abandon(): void {
    const { redacted, timeoutMs } = this.#options;
    const why = this.#reason === null ? "" : ` (${this.#reason})`;
    // Only set while there is a timeout (see #lose).
    if (timeoutMs === null) return;
    this.#giveUp.abort(
      new StepAttemptError({
        name: "RedisUnreachable",
        message:
          // fi14: said of steps not queued yet, and of a Redis that keeps nothing, as if it always held.
          `Cannot reach Redis at ${redacted}${why}: gave up after ${duration(timeoutMs)}; a job already ` +
          "queued stays in Redis where Redis keeps its data, and the next render adopts it (or takes its artifact " +
          "from the store) once Redis is back",
        retryable: false,
        status: null,
        retryAfterMs: null,
        provider: null,
      }, "cluster"),
    );
  }

  #back(): void {
    if (this.#lostAt === null) return;
    clearTimeout(this.#timer);
    const away = performance.now() - this.#lostAt;
    if (this.#told) {
      this.#options.onNotice(
        `Redis at ${this.#options.redacted} is back after ${duration(away)}` +
          (this.#giveUp.signal.aborted ? "" : `: ${this.#options.back ?? "the steps on the cluster go on"}`),
      );
    }
    if (this.#giveUp.signal.aborted) this.#giveUp = new AbortController();
    this.#lostAt = null;
    this.#told = false;
    this.#reason = null;
    this.#silent = false;
    this.#backs.forEach((back) => back());
  }
}

/** The errors of a connection cut off by the other side. */
const CUT_OFF = ["ECONNRESET", "EPIPE"];

/**
 * Resolves when the client is not connected to Redis: at once when it is not now, else when its connection closes
 * (it then tries to reconnect, forever).
 *
 * @param redis The client.
 * @returns The promise, and `dispose` to stop listening.
 */
export function whenDisconnected(redis: Redis): { promise: Promise<void>; dispose(): void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  const closed = () => resolve();
  if (redis.status !== "ready") resolve();
  redis.on("close", closed);
  return { promise, dispose: () => redis.off("close", closed) };
}

/** A wait in words: whole seconds, or ms under a second. */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}
