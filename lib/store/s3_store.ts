/**
 * The store in an S3-compatible bucket (`s3://bucket/prefix`), for hosts that share no folder. Each entry is an
 * artifact object under a name of its own and a record naming it, written last; steps read files, so what a host
 * reads or writes is kept in a local cache folder, checked against the record's SHA-256. The first writer wins:
 * the record is put with `If-None-Match: *` (honoured by AWS S3 and most servers today) after a look for an
 * existing one; servers that ignore the condition leave a narrow race, which the claims close (in Redis, across
 * hosts, when a cluster is used; claim files in the local cache folder otherwise, which only one host sees).
 * @module
 */
import { sha256File } from "../core/sha256.ts";
import { leftByGoneOwner, ownerMark } from "./owner_mark.ts";
import { isRecord } from "../core/is_record.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";
import { firstUnwritable, type UnwritableFolder, type UnwritableOptions } from "./writable_folders.ts";
import { fileSize, ownFile } from "./_entry_files.ts";
import { parseS3Location, S3Client } from "./_s3_client.ts";
import type { KeyClaimer } from "./key_claimer.ts";
import { type Claim, type ClaimHolder, KeyClaims, type KeyClaimsOptions } from "./key_claims.ts";
import {
  type ArtifactRecord,
  type CommitInput,
  recordIntact,
  recordWarnings,
  type StepStore,
  type StoredArtifact,
  valueDigest,
} from "./step_store.ts";

/** Options for {@linkcode S3Store}. */
export interface S3StoreOptions {
  /** The local folder of cached artifacts and scratch folders. */
  cacheDir: string;
  /** Claims every host sees (in Redis). @default claim files in `cacheDir` (this host only) */
  claims?: KeyClaimer;
  /** Reads the AWS variables. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** How the claim files work, when `claims` is not given. */
  claimFiles?: KeyClaimsOptions;
}

/**
 * A store in a bucket.
 *
 * @example
 * ```ts
 * import { S3Store } from "./s3_store.ts";
 * const cacheDir = await Deno.makeTempDir();
 * const env = (name: string) => ({ AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "secret" } as Record<string, string>)[name];
 * const store = new S3Store("s3://my-bucket/course", { cacheDir, env });
 * store.close();
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export class S3Store implements StepStore {
  /** The location, `s3://bucket/prefix`. */
  readonly location: string;
  readonly #client: S3Client;
  readonly #cache: string;
  readonly #claims: KeyClaimer;

  /**
   * @param location `s3://bucket/prefix`.
   * @param options The cache folder, the claims and the environment.
   * @throws {InputError} When the location is malformed or the keys are not set.
   */
  constructor(location: string, options: S3StoreOptions) {
    this.#client = new S3Client(parseS3Location(location), options.env ?? ((name) => Deno.env.get(name)));
    this.location = location.replace(/\/+$/, "");
    this.#cache = options.cacheDir;
    this.#claims = options.claims ?? new KeyClaims(`${this.#cache}/claims`, options.claimFiles);
  }

  /**
   * Finds an artifact: its record in the bucket, its file fetched into the cache (or found there) and checked.
   *
   * @param key The step key.
   * @returns The artifact with its local path, or null when it is not stored (or its object is damaged).
   */
  async lookup(key: string): Promise<StoredArtifact | null> {
    const record = await this.#record(key);
    if (record === null) return null;
    if (record.file === null) return artifactOf(key, null, record);
    const path = this.#cachePath(key, record.file);
    if (fileSize(path) === record.bytes && await sha256File(path) === record.sha256) {
      return artifactOf(key, path, record);
    }
    const bytes = await this.#client.get(`entries/${key}/${record.file}`);
    if (bytes === null || bytes.length !== record.bytes) return null;
    const staged = await this.#stageFile(bytes);
    if (await sha256File(staged) !== record.sha256) {
      await removeIfExists(staged);
      return null;
    }
    await Deno.mkdir(`${this.#cache}/entries/${key}`, { recursive: true });
    await Deno.rename(staged, path);
    return artifactOf(key, path, record);
  }

  /**
   * Tells whether an entry's record is in the bucket (its file is neither fetched nor checked).
   *
   * @param key The step key.
   * @returns The artifact (its path where the file would be cached), or null.
   */
  async peek(key: string): Promise<StoredArtifact | null> {
    const record = await this.#record(key);
    if (record === null) return null;
    return artifactOf(key, record.file === null ? null : this.#cachePath(key, record.file), record);
  }

  /**
   * Takes the claim on a key.
   *
   * @param key The step key.
   * @param options The signal and the wait listener.
   * @returns The claim.
   */
  claim(
    key: string,
    options: { signal?: AbortSignal; onWait?: (holder: ClaimHolder) => void } = {},
  ): Promise<Claim> {
    return this.#claims.claim(key, options);
  }

  /**
   * Makes a local scratch folder for one attempt.
   *
   * @param key The step key.
   * @returns The folder.
   */
  async scratch(key: string): Promise<string> {
    await Deno.mkdir(`${this.#cache}/tmp`, { recursive: true });
    return await Deno.makeTempDir({
      dir: `${this.#cache}/tmp`,
      prefix: `${ownerMark()}-${key.slice(0, 12)}-`,
    });
  }

  /** Answers go once stored: the local cache's answers are collected by nothing (see `StepStore`). */
  readonly keepsAnswers = false;

  /**
   * Where a step keeps a provider's paid answer until its artifact is stored: in the local cache, `answers/<key>`.
   *
   * @param key The step key.
   * @returns The file's path (it may not exist).
   */
  answerPath(key: string): string {
    return `${this.#cache}/answers/${key}`;
  }

  /**
   * Uploads an artifact under a name of its own, then its record; when another writer's record is there first,
   * theirs is kept and this writer's object removed.
   *
   * @param key The step key.
   * @param artifact The written file (or null), its extension, the value and the children.
   * @returns The stored artifact, with its local path.
   * @throws {Error} When `required` and the step wrote no file.
   */
  async commit(key: string, artifact: CommitInput): Promise<StoredArtifact> {
    // A link kept in the local cache as a copy, as a folder store keeps it (rv7).
    if (artifact.file !== null) await ownFile(artifact.file);
    const size = artifact.file === null ? null : fileSize(artifact.file);
    if (artifact.required === true && size === null) {
      throw new Error(`The step wrote no artifact at ${artifact.file}; nothing was stored`);
    }
    // Replacing (`--force`), the entry stored before is removed first: its record is what a writer's put must not
    // find.
    if (artifact.replace === true) await this.remove(key);
    const earlier = await this.lookup(key);
    if (earlier !== null) return earlier;
    const name = size === null ? null : `artifact-${crypto.randomUUID()}${extension(artifact.extension)}`;
    const record: ArtifactRecord = {
      version: 2,
      file: name,
      bytes: size,
      sha256: size === null ? null : await sha256File(artifact.file!),
      value: artifact.value,
      children: artifact.children,
      ...recordWarnings(artifact.warnings),
      valueSha256: valueDigest(artifact.value, artifact.children),
      key,
      created: new Date().toISOString(),
    };
    if (name !== null) await this.#client.put(`entries/${key}/${name}`, await Deno.readFile(artifact.file!));
    const json = new TextEncoder().encode(JSON.stringify(record));
    const put = () => this.#client.put(`entries/${key}/record.json`, json, { ifAbsent: true });
    let stored = await put();
    if (!stored && (await this.lookup(key)) === null) {
      // The record there is damaged (not JSON, or another value): it read as no entry, the step ran again, and
      // its result replaces it (before: a server that honours If-None-Match refused this put for good, and every
      // render ran the step again and failed to store it).
      await this.#removeRecord(key);
      stored = await put();
    }
    if (!stored) {
      if (name !== null) await this.#client.delete(`entries/${key}/${name}`);
      const theirs = await this.lookup(key);
      if (theirs !== null) return theirs;
      throw new Error(`Cannot store the artifact of ${key.slice(0, 12)}: its entry is damaged`);
    }
    if (name === null) return artifactOf(key, null, record);
    await Deno.mkdir(`${this.#cache}/entries/${key}`, { recursive: true });
    const path = this.#cachePath(key, name);
    await Deno.rename(artifact.file!, path);
    return artifactOf(key, path, record);
  }

  /**
   * Removes a scratch folder.
   *
   * @param folder A folder from {@linkcode scratch}.
   */
  async discard(folder: string): Promise<void> {
    await removeIfExists(folder);
  }

  /**
   * Removes an entry: its record first (a reader then finds no entry), then its file and the local copy.
   *
   * @param key The step key.
   */
  async remove(key: string): Promise<void> {
    await this.#removeRecord(key);
    await removeIfExists(`${this.#cache}/entries/${key}`);
  }

  /** Deletes an entry's record, then the file it names, read as written (a damaged record's file too). */
  async #removeRecord(key: string): Promise<void> {
    const file = (await this.#storedRecord(key))?.file;
    await this.#client.delete(`entries/${key}/record.json`);
    if (typeof file === "string") await this.#client.delete(`entries/${key}/${file}`);
  }

  /**
   * Removes scratch folders that killed processes left in the cache, and the claims of owners that are gone.
   *
   * @returns How many were removed.
   */
  async removeStale(): Promise<number> {
    let removed = 0;
    try {
      for await (const entry of Deno.readDir(`${this.#cache}/tmp`)) {
        const path = `${this.#cache}/tmp/${entry.name}`;
        if (!(await leftByGoneOwner(entry.name, path))) continue;
        await removeIfExists(path);
        removed++;
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    // Claims kept as files here (no Redis): those of owners that are gone, as a folder store's (rv42).
    return removed + (this.#claims instanceof KeyClaims ? await this.#claims.removeAbandoned() : 0);
  }

  /**
   * Checks that the bucket answers, before a render reads it.
   * @throws {InputError} Naming its address and why not.
   */
  async reachable(): Promise<void> {
    await this.#client.reachable();
  }

  /** The local folders it writes in: the cache's scratch folders, fetched entries and (without Redis) claims. */
  folders(): string[] {
    const claims = this.#claims instanceof KeyClaims ? ["claims"] : [];
    return ["tmp", "entries", ...claims].map((folder) => `${this.#cache}/${folder}`);
  }

  /**
   * The first local folder that this user cannot write in though the run will: the local copy of each of `replaced`
   * (its entries are fetched into folders of their own, each written once; `folders()` holds the rest), and the
   * providers' kept answers.
   *
   * @param options The keys of the steps to run (their entries are fetched into new folders: unused), and those
   *   whose stored entries the run replaces (`--force`).
   * @returns The folder and its owner, or null.
   */
  unwritable(options: UnwritableOptions): UnwritableFolder | null {
    return firstUnwritable([
      ...options.replaced.map((key) => `${this.#cache}/entries/${key}`),
      `${this.#cache}/answers`,
    ]);
  }

  /**
   * Marks nothing: a bucket's entries are not marked used (`cache gc` collects a folder's store).
   *
   * @param _keys The entries' keys.
   * @returns None unmarked.
   */
  markUsed(_keys: readonly string[]): string[] {
    return [];
  }

  /** The local folder its copies, scratch folders and answers are kept in. */
  get localRoot(): string {
    return this.#cache;
  }

  /** The local folders whose files it may remove: its own, and the answers kept in its local cache. */
  clearedFolders(): string[] {
    return [...this.folders(), `${this.#cache}/answers`];
  }

  /** Marks the render that opened it at work on it, where its claims are files (see `KeyClaims.attend`). */
  attend(): void {
    if (this.#claims instanceof KeyClaims) this.#claims.attend();
  }

  /** Stops the claims' heartbeat. */
  close(): void {
    this.#claims.close();
  }

  async #record(key: string): Promise<ArtifactRecord | null> {
    const record = await this.#storedRecord(key);
    // A value changed or damaged in the bucket (valid JSON, another value) is not served: made again (before,
    // served; the local store checked it).
    return record !== null && record.version === 2 && recordIntact(record, key) ? record : null;
  }

  /** An entry's record as the bucket holds it, unchecked; null when there is none or it is not JSON. */
  async #storedRecord(key: string): Promise<ArtifactRecord | null> {
    const bytes = await this.#client.get(`entries/${key}/record.json`);
    if (bytes === null) return null;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
      return isRecord(parsed) ? parsed as unknown as ArtifactRecord : null;
    } catch (error) {
      // A damaged record reads as no entry: the step runs again.
      if (error instanceof SyntaxError) return null;
      throw error;
    }
  }

  async #stageFile(bytes: Uint8Array): Promise<string> {
    await Deno.mkdir(`${this.#cache}/tmp`, { recursive: true });
    const path = await Deno.makeTempFile({ dir: `${this.#cache}/tmp`, prefix: `${ownerMark()}-fetch-` });
    await Deno.writeFile(path, bytes);
    return path;
  }

  #cachePath(key: string, file: string): string {
    return `${this.#cache}/entries/${key}/${file}`;
  }
}

function artifactOf(key: string, path: string | null, record: ArtifactRecord): StoredArtifact {
  return {
    key,
    path,
    value: record.value,
    children: record.children,
    sha256: record.sha256,
    ...recordWarnings(record.warnings),
  };
}

function extension(value: string | null): string {
  return value === null ? "" : `.${value}`;
}
