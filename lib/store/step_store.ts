/**
 * What the scheduler needs of a store, and what a stored artifact is: the interface every store implements (the
 * folder store, an object store, a store in memory for tests).
 * @module
 */
import type { Json } from "../core/json.ts";
import type { ChildSpec } from "../core/step_task.ts";
import { sha256Hex } from "../core/sha256.ts";
import type { Claim, ClaimHolder } from "./key_claims.ts";

/** A stored artifact. */
export interface StoredArtifact {
  /** The step key. */
  key: string;
  /** The artifact file, or null for a value-only step. */
  path: string | null;
  /** The step's value. */
  value: Json;
  /** The child steps the step added at run time. */
  children: ChildSpec[];
  /** The file's SHA-256 as its record holds it (null for a value-only step; absent where a store keeps none). */
  sha256?: string | null;
  /** What the step said of what it made when it was made (see `StepContext.warn`); absent when nothing. */
  warnings?: string[];
}

/** What a step hands the store to keep. */
export interface CommitInput {
  /** Where the step was to write its artifact, or null for a value-only step. */
  file: string | null;
  /** The extension the stored file keeps, or null. */
  extension: string | null;
  /** The step's value. */
  value: Json;
  /** The child steps it added at run time. */
  children: ChildSpec[];
  /** What the step said of what it made (see `StepContext.warn`), kept to be said again where it is used. */
  warnings?: readonly string[];
  /** True when the step must have written `file`; a missing file is then an error. @default false */
  required?: boolean;
  /**
   * The attempt's scratch folder (from {@linkcode StepStore.scratch}): a store may make it the entry's folder when
   * it holds nothing but the artifact, in place of staging a new one.
   */
  scratchDir?: string;
  /**
   * True when this artifact replaces one already stored under the key (a step run again under `--force`, whose new
   * bytes are the ones asked for); else the entry stored first is kept. @default false
   */
  replace?: boolean;
}

/** One entry of the store, for `cache ls` and `cache gc`. */
export interface StoreEntry {
  /** The step key. */
  key: string;
  /** Its size in bytes: the artifact's (none for a value-only step) and its record's, which holds the value. */
  bytes: number;
  /** When it was stored (ISO time). */
  created: string;
  /** When a run last used it. */
  lastUsed: Date;
}

/** What the scheduler needs of a store; {@linkcode ArtifactStore} is the one on disk. */
export interface StepStore {
  /** Finds a complete artifact by key (its bytes checked), or null; marks it used. */
  lookup(key: string): Promise<StoredArtifact | null>;
  /** Tells, cheaply and without marking it used, whether a complete entry seems to be stored (for `plan`). */
  peek(key: string): Promise<StoredArtifact | null>;
  /**
   * Takes the claim on a key before making its artifact, waiting while another process makes it; look the key
   * up again once it is taken.
   */
  claim(
    key: string,
    options: { signal?: AbortSignal; onWait?: (holder: ClaimHolder) => void },
  ): Promise<Claim>;
  /** Makes a scratch folder for one attempt of a step. */
  scratch(key: string): Promise<string>;
  /**
   * Where a step keeps a provider's answer, paid for, until its artifact is stored (a local file named by the key,
   * outside the scratch folders, which a killed run's next start removes): the next attempt, in this run or after
   * a kill, reads it there instead of paying again. The run removes it once the artifact is stored, unless it is
   * kept under a key of its own (`StepTask.answerKey`) in a store that {@linkcode keepsAnswers}.
   */
  answerPath(key: string): string;
  /**
   * Whether an answer kept under a key of its own stays once its artifact is stored, for another decoder: true
   * where `cache gc` reaches the answers (a folder's store); a bucket's local copies, which nothing collects, drop
   * it (rv22).
   */
  readonly keepsAnswers: boolean;
  /**
   * Stores an artifact atomically. When another writer stored the key first, theirs is kept and returned, and
   * this one's copy is discarded.
   */
  commit(key: string, artifact: CommitInput): Promise<StoredArtifact>;
  /** Removes a scratch folder. */
  discard(folder: string): Promise<void>;
  /**
   * Removes an entry (a stored value its step's kind says cannot be right), so the step's next commit stores its
   * own; nothing happens when the key is not stored.
   */
  remove(key: string): Promise<void>;
}

/** The record written beside each artifact: what a step returned, and the artifact's size and digest. */
export interface ArtifactRecord {
  version: 2;
  /** The artifact's file name in the entry's folder, or null for a value-only step. */
  file: string | null;
  /** Its size in bytes. */
  bytes: number | null;
  /** The SHA-256 of its bytes, checked before it is used again. */
  sha256: string | null;
  /**
   * The modification time the store gave the file when it stored it (ms since 1970; whole seconds, in the past):
   * a file of the recorded size that still has it has not been written since, and is used without hashing its
   * bytes again (an unchanged re-render of a lesson hashed about 45 MB). A file written since, or copied without
   * its times, is hashed. Absent in older records, whose files are always hashed.
   */
  mtime?: number;
  value: Json;
  children: ChildSpec[];
  /**
   * What the step said of what it made (see `StepContext.warn`): said again by every render that uses the entry,
   * as a value's own `warnings` are. Absent when it said nothing, and in older records.
   */
  warnings?: string[];
  /**
   * The SHA-256 of `[value, children]` as JSON, checked when the entry is read: a record whose value was changed or
   * damaged since is not used (the step is made again). Absent in older records. Not of its warnings, text to show
   * (rv39: a reel from before them, sharing the store, would have found such a record damaged).
   */
  valueSha256?: string;
  /**
   * The step key it was stored under: a record found under another key (an entry copied or moved by hand or by a
   * sync tool: fi18, another slide's served in a video) is not used. Absent in older records.
   */
  key?: string;
  /** When it was stored (ISO time). */
  created: string;
}

/**
 * The digest a record keeps of its value and children (`valueSha256`; JSON round trips keep the text the same).
 *
 * @param value The step's value.
 * @param children The children it asked for.
 * @returns The hex SHA-256 of `[value, children]` as JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueDigest } from "./step_store.ts";
 * assert.equal(valueDigest({ a: 1 }, []), valueDigest(JSON.parse('{"a":1}'), []));
 * assert.notEqual(valueDigest({ a: 1 }, []), valueDigest({ a: 2 }, []));
 * ```
 */
export function valueDigest(value: Json, children: readonly ChildSpec[]): string {
  return sha256Hex(JSON.stringify([value, children]));
}

/**
 * Whether a record is still what was stored under `key`: its value and children match its `valueSha256`, and it
 * names `key`; a record without either (an older one) passes that check.
 *
 * @param record The record read.
 * @param key The key it was found under.
 * @returns False for a value changed or damaged since (valid JSON, another value), or another key's record: not
 * to be served.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordIntact, valueDigest } from "./step_store.ts";
 * const record = { value: 1, children: [], valueSha256: valueDigest(1, []), key: "a".repeat(64) };
 * assert.ok(recordIntact(record, "a".repeat(64)));
 * assert.ok(!recordIntact(record, "b".repeat(64)));
 * assert.ok(!recordIntact({ ...record, value: 2 }, "a".repeat(64)));
 * ```
 */
export function recordIntact(
  record: Pick<ArtifactRecord, "value" | "children" | "valueSha256" | "key">,
  key: string,
): boolean {
  return (record.key === undefined || record.key === key) &&
    (record.valueSha256 === undefined || valueDigest(record.value, record.children) === record.valueSha256);
}

/**
 * A record's `warnings` field: the warnings as a list of different texts, the first 20 and a line that counts the
 * others, or nothing where there are none (or none that are texts, in a record damaged or written by hand).
 *
 * @param warnings What a step said, or a record's field as read.
 * @returns `{ warnings }`, or `{}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordWarnings } from "./step_store.ts";
 * assert.deepEqual(recordWarnings(["A"]), { warnings: ["A"] });
 * assert.deepEqual(recordWarnings([]), {});
 * const many = (count: number) => recordWarnings(Array.from({ length: count }, (_, i) => `w${i}`)).warnings;
 * assert.equal(many(30)?.at(-1), "and 10 more warnings");
 * assert.equal(many(21)?.at(-1), "and 1 more warning");
 * ```
 */
export function recordWarnings(warnings: unknown): { warnings?: string[] } {
  if (!Array.isArray(warnings)) return {};
  const texts = [...new Set(warnings.filter((warning): warning is string => typeof warning === "string"))];
  if (texts.length === 0) return {};
  // Said again at every render that uses the step: a step that warned in a loop is said in a few lines (rv39).
  const more = texts.length - KEPT_WARNINGS;
  if (more <= 0) return { warnings: texts };
  return { warnings: [...texts.slice(0, KEPT_WARNINGS), `and ${more} more warning${more === 1 ? "" : "s"}`] };
}

/** The warnings a step's entry keeps at most, beside a line that counts the others. */
const KEPT_WARNINGS = 20;
