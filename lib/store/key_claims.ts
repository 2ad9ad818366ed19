/**
 * Claims per key: a lease file that says "this process is making this key's artifact", so that a second render
 * sharing the store waits for the first one's result instead of paying for it again. A claim holds the owner's
 * host, pid and a token; its file time is a heartbeat, refreshed while the owner lives.
 *
 * An owner (one `KeyClaims`, one per store a render opens) writes its holder file once
 * (`.<pid>-h<host>-<token>.holder`) and claims a key by hard-linking it to `<key>.claim`. A claim is a name, not a
 * new file, so claiming and releasing make and free no inode (on ext4 without a journal, every new file skips the
 * inodes freed in the last minutes one by one: a file made and removed per step made every later step dearer), and
 * one heartbeat refreshes all the owner's claims, which share the holder's time.
 *
 * A claim whose owner is dead is taken over: on the same host, no such process, or this very pid (an earlier
 * process's, a restarted container's) on a claim this process does not hold; anywhere, no heartbeat for
 * `staleAfterMs` (a live pid on this host may be another program's by now). A damaged claim (not a holder's JSON,
 * a link to nothing, a folder) is taken over at once.
 * @module
 */
import { type Clock, realClock } from "../core/clock.ts";
import { isMissing } from "../core/exists.ts";
import { fileInfo } from "./_entry_files.ts";
import { processAlive } from "../core/process_alive.ts";
import { ownerMark } from "./owner_mark.ts";
import { MadeFolders } from "./_made_folders.ts";
import { removeFileIfExistsSync, removeIfExists } from "../core/remove_if_exists.ts";

/** Options for {@linkcode KeyClaims}. */
export interface KeyClaimsOptions {
  /** How often a waiting claimant looks again, in ms. @default 100 */
  pollMs?: number;
  /** How often an owner refreshes its claims, in ms. @default 2000 */
  heartbeatMs?: number;
  /** A claim not refreshed for this long is the claim of a dead owner, in ms. @default 15000 */
  staleAfterMs?: number;
  /** The clock for waiting. @default realClock */
  clock?: Clock;
  /** Called after each heartbeat has refreshed the claims held. @default () => {} */
  onHeartbeat?: () => void;
  /**
   * Called when a heartbeat cannot refresh a claim (a file system gone read-only), once until one can again: the
   * render goes on, but another render may take the claim over as abandoned and make its key too.
   * @default () => {}
   */
  onError?: (error: Error) => void;
}

/** A held claim: release it once the key's artifact is committed (or the attempt gave up). */
export interface Claim {
  /** Removes the claim if it is still this owner's. */
  release(): Promise<void>;
  /**
   * Whether the claim is still this owner's. An owner that stops refreshing it (a process paused past the
   * staleness) loses it to the next that asks, which makes the key itself.
   */
  held(): Promise<boolean>;
}

/** Who holds a claim, as written in its file. */
export interface ClaimHolder {
  host: string;
  pid: number;
  /** Tells owners apart: for claim files, one token an owner (a `KeyClaims`), the same on all its claims. */
  token: string;
  /** When the owner began: its store was opened (ISO time). What it uses from then on, `cache gc` keeps. */
  since: string;
}

/** The tokens of this process's `KeyClaims` that have a holder file now (two stores may share a folder). */
const TOKENS_HELD_HERE = new Set<string>();

/**
 * The claims of one store folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeyClaims } from "./key_claims.ts";
 * const folder = await Deno.makeTempDir();
 * const claims = new KeyClaims(folder);
 * const claim = await claims.claim("a".repeat(64));
 * assert.ok(await claims.isClaimed("a".repeat(64)));
 * await claim.release();
 * assert.ok(!(await claims.isClaimed("a".repeat(64))));
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export class KeyClaims {
  readonly #folder: string;
  readonly #folders = new MadeFolders();
  readonly #pollMs: number;
  readonly #heartbeatMs: number;
  readonly #staleAfterMs: number;
  readonly #clock: Clock;
  readonly #onHeartbeat: () => void;
  readonly #onError: (error: Error) => void;
  /** Whether the last heartbeat failed (its error was told). */
  #failing = false;
  /** The keys this owner holds, each with the token of the holder file it was linked to. */
  readonly #held = new Map<string, string>();
  /** Every token this owner's holder files had (a new one is written when the last was removed). */
  readonly #tokens = new Set<string>();
  #timer: ReturnType<typeof setInterval> | null = null;
  /** This owner's holder file and token, written at the first claim. */
  #holder: { path: string; token: string } | null = null;
  /** When this owner began (its holder's `since`). */
  readonly #since = new Date().toISOString();
  /** True once {@linkcode attend} was called: the holder is kept fresh with no claim held too. */
  #attending = false;

  /**
   * @param folder Where claim files live (`<store>/claims`).
   * @param options Polling, heartbeat and staleness.
   */
  constructor(folder: string, options: KeyClaimsOptions = {}) {
    const {
      pollMs = 100,
      heartbeatMs = 2000,
      staleAfterMs = 15_000,
      clock = realClock,
      onHeartbeat = () => {},
      onError = () => {},
    } = options;
    this.#onHeartbeat = onHeartbeat;
    this.#onError = onError;
    this.#folder = folder;
    this.#pollMs = pollMs;
    this.#heartbeatMs = heartbeatMs;
    this.#staleAfterMs = staleAfterMs;
    this.#clock = clock;
  }

  /**
   * Takes the claim on `key`, waiting while a live owner holds it.
   *
   * @param key The step key.
   * @param options The signal that abandons the wait, and `onWait`, called once if the key is held elsewhere.
   * @returns The claim.
   * @throws The signal's reason when aborted while waiting.
   */
  async claim(
    key: string,
    options: { signal?: AbortSignal; onWait?: (holder: ClaimHolder) => void } = {},
  ): Promise<Claim> {
    const { signal, onWait } = options;
    let told = false;
    for (;;) {
      signal?.throwIfAborted();
      if (this.#tryCreate(key)) return this.#hold(key);
      const holder = this.#read(key);
      if (holder === null) {
        // The claim vanished between link and read (released meanwhile): try again, after a turn of the event loop
        // so that the heartbeat and the signal are not starved.
        await new Promise((resolve) => setTimeout(resolve, 0));
        continue;
      }
      if (await this.#isStale(key, holder)) {
        await this.#takeOver(key, holder);
        continue;
      }
      if (!told) {
        told = true;
        onWait?.(holder);
      }
      await this.#clock.sleep(this.#pollMs, { signal });
    }
  }

  /**
   * Tells whether a live owner holds `key`.
   *
   * @param key The step key.
   * @returns True when a claim file exists and its owner is not known to be dead.
   */
  async isClaimed(key: string): Promise<boolean> {
    const holder = this.#read(key);
    return holder !== null && !(await this.#isStale(key, holder));
  }

  /**
   * Removes the claims whose owners are gone (see the module's text): a claim is taken over when its key is claimed
   * again, and a key never claimed again (its workflow edited since, a render killed) kept its dead claim for good
   * (fi21).
   *
   * @returns How many were removed.
   */
  async removeAbandoned(): Promise<number> {
    let removed = 0;
    for (const entry of await this.#list()) {
      const key = /^([0-9a-f]{64})\.claim$/.exec(entry.name)?.[1];
      if (key === undefined) continue;
      const holder = this.#read(key);
      if (holder === null || !(await this.#isStale(key, holder))) continue;
      // Another host's claim only when long stale: a clock behind by more than the staleness would otherwise lose
      // every live claim of that host at each render's start, not the keys two renders both want (rv42).
      const elsewhere = holder.token !== "" && holder.host !== Deno.hostname();
      if (elsewhere && Date.now() - holder.refreshed <= 10 * this.#staleAfterMs) continue;
      if (await this.#takeOver(key, holder)) removed++;
    }
    return removed;
  }

  /**
   * When the earliest owner still at work on this store began (its holder file's `since`: a render that called
   * {@linkcode attend}, or holds claims), this one included; null when there is none. `cache gc` keeps every entry
   * used since: a render's later steps read what its earlier ones made, and a gc that removed them
   * (`--keep-recent 0`, or a render longer than it) failed them.
   *
   * @returns Milliseconds since the epoch, or null.
   */
  async liveSince(): Promise<number | null> {
    let earliest: number | null = null;
    for (const entry of await this.#list()) {
      if (!entry.name.endsWith(".holder")) continue;
      const path = `${this.#folder}/${entry.name}`;
      const holder = readHolder(path);
      const info = fileInfo(path);
      if (holder === null || holder === DAMAGED || info === null) continue;
      if (await this.#ownerGone({ ...holder, refreshed: info.mtime?.getTime() ?? 0 })) continue;
      const since = Date.parse(holder.since);
      if (Number.isFinite(since) && (earliest === null || since < earliest)) earliest = since;
    }
    return earliest;
  }

  /**
   * Marks this owner at work on the store until {@linkcode close}: its holder file is written now and kept fresh
   * whether or not it holds claims, so that `cache gc` sees a render before its first claim and between claims
   * (see {@linkcode liveSince}). A render calls it as its run starts.
   */
  attend(): void {
    this.#attending = true;
    const holder = this.#holderFile();
    const now = Date.now() / 1000;
    Deno.utimeSync(holder.path, now, now);
    this.#startHeartbeat();
  }

  /** Stops refreshing claims (they stay until released or found stale) and removes the holder file. */
  close(): void {
    this.#stopHeartbeat();
    for (const token of this.#tokens) TOKENS_HELD_HERE.delete(token);
    this.#tokens.clear();
    if (this.#holder !== null) {
      removeFileIfExistsSync(this.#holder.path);
      this.#holder = null;
    }
  }

  #startHeartbeat(): void {
    if (this.#timer !== null) return;
    const timer = setInterval(() => void this.#heartbeat(), this.#heartbeatMs);
    Deno.unrefTimer(timer as unknown as number);
    this.#timer = timer;
  }

  #stopHeartbeat(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #path(key: string): string {
    return `${this.#folder}/${key}.claim`;
  }

  // Claims are small files read and written synchronously (a thread-pool round trip per call would cost each step
  // several times the calls themselves); only waiting for another process's claim is asynchronous.
  /** What the claims folder holds: nothing before the first claim made it. */
  async #list(): Promise<Deno.DirEntry[]> {
    try {
      return await Array.fromAsync(Deno.readDir(this.#folder));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** Links the holder file to the key's claim; false when the key is claimed already. */
  #tryCreate(key: string): boolean {
    for (let tries = 0;; tries++) {
      const holder = this.#holderFile();
      try {
        // A claim's time is its holder's, which the heartbeat sets only while this owner holds claims: the first
        // claim after a pause would look abandoned, so the time is set first.
        if (this.#timer === null) {
          const now = Date.now() / 1000;
          Deno.utimeSync(holder.path, now, now);
        }
        // link(2) fails when the claim exists, and a reader never sees a half-written claim.
        Deno.linkSync(holder.path, this.#path(key));
        return true;
      } catch (error) {
        if (error instanceof Deno.errors.AlreadyExists) return false;
        // The holder file or the folder removed meanwhile (a cache cleared): written again, once. The claims linked
        // to the old one keep its token, and the heartbeat refreshes them one by one.
        if (!(error instanceof Deno.errors.NotFound) || tries > 0) throw error;
        this.#holder = null;
      }
    }
  }

  /** This owner's holder file, written whole under its private name at the first claim. */
  #holderFile(): { path: string; token: string } {
    if (this.#holder !== null) return this.#holder;
    const token = crypto.randomUUID();
    const holder: ClaimHolder = {
      host: Deno.hostname(),
      pid: Deno.pid,
      token,
      since: this.#since,
    };
    const path = `${this.#folder}/.${ownerMark()}-${token}.holder`;
    try {
      this.#folders.writeIn(this.#folder, () => Deno.writeTextFileSync(path, JSON.stringify(holder)));
    } catch (error) {
      // A write cut short (a full disk) leaves no private file behind.
      removeFileIfExistsSync(path);
      throw error;
    }
    this.#holder = { path, token };
    this.#tokens.add(token);
    TOKENS_HELD_HERE.add(token);
    return this.#holder;
  }

  #hold(key: string): Claim {
    const token = this.#holder!.token;
    this.#held.set(key, token);
    this.#startHeartbeat();
    let released = false;
    return {
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        this.#held.delete(key);
        if (this.#held.size === 0 && !this.#attending) this.#stopHeartbeat();
        try {
          const path = this.#path(key);
          if (readHolder(path)?.token === token) removeFileIfExistsSync(path);
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error);
        }
      },
      held: () => {
        try {
          return Promise.resolve(!released && readHolder(this.#path(key))?.token === token);
        } catch (error) {
          return Promise.reject(error);
        }
      },
    };
  }

  async #heartbeat(): Promise<void> {
    // A claim whose time cannot be set (a file system gone read-only) may be taken over as abandoned and made
    // twice: said once (onError), and the render goes on.
    try {
      await this.#refresh(new Date());
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#onError(error instanceof Error ? error : new Error(String(error)));
      this.#failing = true;
    }
    this.#onHeartbeat();
  }

  /**
   * Sets the time of the claims held. They are links to the holder file: one time for all of them. Claims linked
   * to an earlier holder file (removed meanwhile), or all of them when this one cannot be touched, are refreshed
   * one by one; a claim taken over by another owner (this one looked dead) is another file now, and is not touched.
   */
  async #refresh(now: Date): Promise<void> {
    const touch = async (path: string): Promise<boolean> => {
      try {
        await Deno.utime(path, now, now);
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    };
    const current = this.#holder;
    const touched = current !== null && await touch(current.path).catch(() => false);
    for (const [key, token] of this.#held) {
      if (touched && token === current.token) continue;
      if (readHolder(this.#path(key))?.token === token) await touch(this.#path(key));
    }
  }

  #read(key: string): (ClaimHolder & { refreshed: number }) | null {
    const path = this.#path(key);
    const holder = readHolder(path);
    if (holder === DAMAGED) return { ...holder, refreshed: 0 };
    const info = holder === null ? null : fileInfo(path);
    return holder === null || info === null ? null : { ...holder, refreshed: info.mtime?.getTime() ?? 0 };
  }

  async #isStale(key: string, holder: ClaimHolder & { refreshed: number }): Promise<boolean> {
    if (this.#held.get(key) === holder.token) return false;
    return await this.#ownerGone(holder);
  }

  /** Whether the owner of a claim or holder file is gone: a dead process of this host, or no heartbeat. */
  async #ownerGone(holder: ClaimHolder & { refreshed: number }): Promise<boolean> {
    // A claim that cannot be read (not JSON, a dangling link) was never a live owner's: claims are links to holder
    // files written whole before any link.
    if (holder.token === "") return true;
    if (holder.host === Deno.hostname() && holder.pid > 0) {
      // This process's pid on a claim no claims of this process hold: an earlier process's that had the same pid
      // (a container restarted, its first process given the same pid again).
      if (holder.pid === Deno.pid) return !TOKENS_HELD_HERE.has(holder.token);
      if (!(await processAlive(holder.pid))) return true;
      // A live pid may be another program's by now (pids are reused): the owner's heartbeat says whether it still
      // holds the claim, as for a claim from another host.
    }
    return Date.now() - holder.refreshed > this.#staleAfterMs;
  }

  /**
   * Removes a dead owner's claim; false when a live owner's was there instead. Two takers may race: each moves the
   * claim to a private name first (only one rename wins), checks it moved the claim it judged dead, and puts back (by
   * link, which never overwrites) a claim that a live owner took in between: another owner's, or the same owner's
   * refreshed since (an owner's claims all carry its one token).
   */
  async #takeOver(key: string, dead: ClaimHolder & { refreshed: number }): Promise<boolean> {
    const moved = `${this.#folder}/.${ownerMark()}-${crypto.randomUUID()}.takeover`;
    try {
      await Deno.rename(this.#path(key), moved);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
    try {
      const refreshed = fileInfo(moved)?.mtime?.getTime() ?? 0;
      // (A damaged claim has no token and no heartbeat: it is only ever put back when another replaced it.)
      if (readHolder(moved)?.token !== dead.token || (dead.token !== "" && refreshed > dead.refreshed)) {
        await Deno.link(moved, this.#path(key)).catch((error) => {
          if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        });
        return false;
      }
      return true;
    } finally {
      await removeIfExists(moved);
    }
  }
}

/** What a damaged claim reads as: a holder with no owner to wait for. */
const DAMAGED: ClaimHolder = { host: "", pid: 0, token: "", since: "" };

/**
 * Reads a claim file: null when there is none; a damaged one (not a holder's JSON, a dangling link, a folder) reads
 * as {@linkcode DAMAGED}.
 */
function readHolder(path: string): ClaimHolder | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!isMissing(error) && !(error instanceof Deno.errors.IsADirectory)) throw error;
    // Nothing at the name: no claim (or one released, or made, since: the caller looks again). A link to nothing
    // or a folder: a damaged claim.
    try {
      const info = Deno.lstatSync(path);
      return info.isSymlink || info.isDirectory ? DAMAGED : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return DAMAGED;
  }
  const holder = parsed as Partial<ClaimHolder> | null;
  return typeof holder === "object" && holder !== null && typeof holder.host === "string" &&
      typeof holder.pid === "number" && typeof holder.token === "string" && holder.token !== ""
    ? holder as ClaimHolder
    : DAMAGED;
}
