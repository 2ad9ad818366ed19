/**
 * The content-addressed artifact store: one folder per step key holding the artifact and a small JSON record,
 * staged whole and renamed into place, so an entry exists only once it is complete and the first writer wins.
 * Claims per key make a second process wait for the first one's result instead of making it again.
 * @module
 */
import { resolve } from "node:path";
import { MadeFolders } from "./_made_folders.ts";
import {
  firstUnwritable,
  ownerOf,
  refusedByOwner,
  type UnwritableFolder,
  type UnwritableOptions,
  whyUnwritable,
} from "./writable_folders.ts";
import type { InputError } from "../core/errors.ts";
import { leftByGoneOwner, ownerMark } from "./owner_mark.ts";
import { type Claim, type ClaimHolder, KeyClaims, type KeyClaimsOptions } from "./key_claims.ts";
import {
  fileInfo,
  fileSize,
  isNotEmpty,
  laterRecord,
  listFolders,
  notFoundIsFine,
  ownFile,
  readRecord,
} from "./_entry_files.ts";
import {
  type ArtifactRecord,
  type CommitInput,
  recordIntact,
  recordWarnings,
  type StepStore,
  type StoredArtifact,
  type StoreEntry,
  valueDigest,
} from "./step_store.ts";
import { notFoundAsNull } from "../core/exists.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";
import { sha256File, sha256Hex } from "../core/sha256.ts";

/** The folder of answers kept until their artifact is stored (see `ArtifactStore.answerPath`). */
const ANSWERS = "answers";

/** The folder of the store's first layout, whose keys match no step now: `collectGarbage` removes it. */
export const FIRST_LAYOUT_FOLDER = "artifacts";

/** Artifacts up to this size are hashed from one synchronous read. */
const SMALL_ARTIFACT_BYTES = 1024 * 1024;

/** Options for {@linkcode ArtifactStore}. */
export interface ArtifactStoreOptions {
  /** How claims wait and when a claim counts as abandoned. */
  claims?: KeyClaimsOptions;
}

/**
 * A store rooted at a folder (by default `.reel/` beside the workflow). Each entry is a folder
 * `entries/<ab>/<key>/` holding `record.json` and the artifact; it is staged under `tmp/` and renamed into place
 * whole, so it is either complete or absent, and the first writer of a key wins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactStore } from "./artifact_store.ts";
 * const root = await Deno.makeTempDir();
 * const store = new ArtifactStore(root);
 * assert.ok((await store.lookup("0".repeat(64))) === null);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class ArtifactStore implements StepStore {
  /** The store's folder. */
  readonly root: string;
  /** Where it is, as another host sharing the path opens it: the absolute folder. */
  readonly location: string;
  /** The same folder: its files are all local. */
  readonly localRoot: string;
  /** The claims on keys being made. */
  readonly claims: KeyClaims;
  readonly #folders = new MadeFolders();
  /** Scratch folders placed as entries by `commit`, not yet passed to `discard` (which then has nothing to do). */
  readonly #placed = new Set<string>();
  /** Where scratch folders and staged entries are made. */
  readonly #tmp: string;
  /** The permissions of a folder this process makes (see {@linkcode #folderMode}), once learned. */
  #mode: number | undefined;

  /**
   * @param root The store's folder (made absolute, since ffmpeg lists name artifacts by path); created on first
   * write.
   * @param options Claim timing.
   */
  constructor(root: string, options: ArtifactStoreOptions = {}) {
    this.root = resolve(root);
    this.location = this.root;
    this.localRoot = this.root;
    this.#tmp = `${this.root}/tmp`;
    this.claims = new KeyClaims(`${this.root}/claims`, options.claims);
  }

  /**
   * Finds a complete artifact by key and marks it used.
   *
   * @param key The step key.
   * @returns The artifact, or null when it is not stored (or its file is gone, cut short or changed).
   */
  async lookup(key: string): Promise<StoredArtifact | null> {
    const found = await this.#read(key, { verify: true });
    if (found === null) return null;
    // The record's modification time is the entry's last use, for `cache ls` and `cache gc`.
    const now = new Date();
    try {
      Deno.utimeSync(this.#recordPath(key), now, now);
    } catch (error) {
      // Another user's record (a render run with sudo made it) is served unmarked: only its owner may set its time.
      // A render says so before it runs (see `markUsed`).
      if (!(error instanceof Deno.errors.PermissionDenied)) notFoundIsFine(error);
    }
    return found;
  }

  /**
   * Tells whether a complete entry seems stored: its record is there and its file has the recorded size (the
   * bytes are not hashed, and the entry is not marked used).
   *
   * @param key The step key.
   * @returns The artifact, or null.
   */
  async peek(key: string): Promise<StoredArtifact | null> {
    return await this.#read(key, { verify: false });
  }

  /**
   * Takes the claim on a key, waiting while another live process holds it.
   *
   * @param key The step key.
   * @param options The signal that abandons the wait; `onWait` is called once if another process holds it.
   * @returns The claim; release it after committing.
   */
  claim(
    key: string,
    options: { signal?: AbortSignal; onWait?: (holder: ClaimHolder) => void } = {},
  ): Promise<Claim> {
    return this.claims.claim(key, options);
  }

  /**
   * Reserves a scratch folder for one attempt of a step; the artifact is written inside it, then committed.
   *
   * @param key The step key.
   * @returns The folder's path.
   */
  scratch(key: string): Promise<string> {
    // Synchronous, as the entries' small files are (see `_entry_files.ts`); a failure still rejects.
    try {
      const dir = this.#tmp;
      // The process id in the name lets a later run tell the leftovers of a killed run from a live one's work.
      return Promise.resolve(
        this.#folders.writeIn(
          dir,
          () => Deno.makeTempDirSync({ dir, prefix: `${ownerMark()}-${key.slice(0, 12)}-` }),
        ),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Answers kept for another decoder stay: `cache gc` collects them with the entries (see `StepStore`). */
  readonly keepsAnswers = true;

  /**
   * Where a step keeps a provider's paid answer until its artifact is stored: `answers/<key>` in the store.
   *
   * @param key The step key.
   * @returns The file's path (it may not exist).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ArtifactStore } from "./artifact_store.ts";
   * assert.equal(new ArtifactStore("/tmp/store").answerPath("ab12"), "/tmp/store/answers/ab12");
   * ```
   */
  answerPath(key: string): string {
    return `${this.root}/${ANSWERS}/${key}`;
  }

  /**
   * Lists the answers kept (see {@linkcode answerPath}) with their size and when they were written.
   *
   * @returns Each answer's key, path, bytes and time.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ArtifactStore } from "./artifact_store.ts";
   * const store = new ArtifactStore(await Deno.makeTempDir());
   * assert.deepEqual(await store.answers(), []);
   * await Deno.mkdir(`${store.root}/answers`);
   * await Deno.writeTextFile(store.answerPath("ab12"), "paid");
   * assert.deepEqual((await store.answers()).map((answer) => [answer.key, answer.bytes]), [["ab12", 4]]);
   * await Deno.remove(store.root, { recursive: true });
   * ```
   */
  async answers(): Promise<{ key: string; path: string; bytes: number; written: Date }[]> {
    const found = [];
    try {
      for await (const entry of Deno.readDir(`${this.root}/${ANSWERS}`)) {
        const path = `${this.root}/${ANSWERS}/${entry.name}`;
        const info = await Deno.stat(path).catch(notFoundAsNull);
        if (info === null || !entry.isFile) continue;
        found.push({ key: entry.name, path, bytes: info.size, written: info.mtime ?? new Date(0) });
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return found;
  }

  /**
   * Stores an artifact: the file and its record are staged in one folder, which is renamed into place whole.
   * When the key is already stored (another writer won), this writer's copy is discarded and the stored entry is
   * returned. A step that wrote no file at `file` is stored as a value only.
   *
   * @param key The step key.
   * @param artifact The written file (or null), the extension to keep, the value and the children.
   * @returns The stored artifact.
   * @throws {Error} When `required` and the step wrote no file.
   */
  async commit(key: string, artifact: CommitInput): Promise<StoredArtifact> {
    if (artifact.file !== null) await ownFile(artifact.file);
    const size = artifact.file === null ? null : fileSize(artifact.file);
    if (artifact.required === true && size === null) {
      throw new Error(`The step wrote no artifact at ${artifact.file}; nothing was stored`);
    }
    const name = artifact.file === null || size === null
      ? null
      : artifact.extension === null
      ? "artifact"
      : `artifact.${artifact.extension}`;
    const stage = this.#stage(artifact, name);
    let placed = false;
    try {
      let sha256: string | null = null;
      let mtime: number | undefined;
      if (artifact.file !== null && name !== null && size !== null) {
        // Stamped before it is hashed, and the stamp recorded only if it is still there after: a write in
        // between gives the file a new time, so those bytes are hashed at every use (and refused if changed).
        const stamp = stampStored(artifact.file);
        // A small artifact (most slides, speech, stills) is read in one synchronous call, as the entries' small
        // files are: four round trips to the file system's threads cost more than the read.
        sha256 = size <= SMALL_ARTIFACT_BYTES
          ? sha256Hex(Deno.readFileSync(artifact.file))
          : await sha256File(artifact.file);
        if (artifact.file !== `${stage}/${name}`) Deno.renameSync(artifact.file, `${stage}/${name}`);
        const after = Deno.statSync(`${stage}/${name}`).mtime?.getTime();
        mtime = stamp !== undefined && after === stamp ? stamp : undefined;
      }
      const record: ArtifactRecord = {
        version: 2,
        file: name,
        bytes: size,
        sha256,
        mtime,
        value: artifact.value,
        children: artifact.children,
        ...recordWarnings(artifact.warnings),
        valueSha256: valueDigest(artifact.value, artifact.children),
        key,
        created: new Date().toISOString(),
      };
      Deno.writeTextFileSync(`${stage}/record.json`, JSON.stringify(record));
      for (let tries = 0;; tries++) {
        if (this.#place(key, stage)) {
          placed = true;
          if (stage === artifact.scratchDir) this.#placed.add(stage);
          return { key, path: name === null ? null : `${this.#entry(key)}/${name}`, ...valueOf(record) };
        }
        // Another writer stored this key first: keep theirs, unless it is damaged (then it is replaced once), or
        // this one replaces it (`--force`).
        const stored = artifact.replace === true && tries === 0 ? null : await this.lookup(key);
        if (stored !== null) return stored;
        if (tries > 0) {
          throw new Error(`Cannot store the artifact of ${key.slice(0, 12)}: its entry is damaged`);
        }
        await this.remove(key);
      }
    } finally {
      // Placed, the folder is the entry now. Not placed, it may hold a whole artifact (another writer won, as
      // under --force): removed asynchronously, like any artifact's bytes.
      if (!placed) await removeIfExists(stage);
    }
  }

  /**
   * Removes a scratch folder.
   *
   * @param folder A folder from {@linkcode scratch}.
   */
  async discard(folder: string): Promise<void> {
    // Placed as its entry, it is gone: no system call (and no NotFound error built) for it.
    if (this.#placed.delete(folder)) return;
    // Committed otherwise, a scratch folder is most often empty: one rmdir(2) then, not a walk of the folder.
    try {
      Deno.removeSync(folder);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (!isNotEmpty(error)) throw error;
    }
    await removeIfExists(folder);
  }

  /**
   * Removes what killed runs left in the store's scratch folder (folders of processes that no longer run), and the
   * claims of owners that are gone.
   *
   * @returns How many were removed.
   */
  async removeStale(): Promise<number> {
    let removed = 0;
    for (const folder of ["tmp", "trash", "claims"]) {
      try {
        for await (const entry of Deno.readDir(`${this.root}/${folder}`)) {
          // In claims, only a process's private files (`.<pid>-h<host>-<token>.holder`, `.….takeover`) here: the
          // claims themselves by their own rules, below.
          if (folder === "claims" && !entry.name.startsWith(".")) continue;
          const path = `${this.root}/${folder}/${entry.name}`;
          if (!(await leftByGoneOwner(entry.name.replace(/^\./, ""), path))) continue;
          await removeIfExists(path);
          removed++;
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    return removed + await this.claims.removeAbandoned();
  }

  /**
   * Lists every complete entry with its size and times.
   *
   * @returns The entries, least recently used first.
   */
  async entries(): Promise<StoreEntry[]> {
    const entries: StoreEntry[] = [];
    for (const prefix of await listFolders(`${this.root}/entries`)) {
      for (const key of await listFolders(`${this.root}/entries/${prefix}`)) {
        if (!/^[0-9a-f]{64}$/.test(key)) continue;
        const found = this.#recordOf(key);
        // A damaged record, or another key's (rv35: counted here and among `notEntries` too).
        if (found === null || !recordIntact(found.record, key)) continue;
        // The file system stamps times from a coarser clock than `created` was read from: an entry used only
        // when it was made may show a time a few ms before it. It was not used before it was made.
        const created = Date.parse(found.record.created);
        entries.push({
          key,
          // Its record too: a value-only step's entry is its record (a transcription chunk's words), not 0 bytes.
          bytes: (found.record.bytes ?? 0) + found.size,
          created: found.record.created,
          lastUsed: created > found.mtime.getTime() ? new Date(created) : found.mtime,
        });
      }
    }
    return entries.sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime());
  }

  /**
   * What `entries/` holds that is no entry: a file or a folder under another name than an entry's, an entry whose
   * record is missing, damaged or another key's (fi18: put there by hand, by a sync tool or by damage; a run reads
   * it as absent, and `cache ls` and `cache gc` did not see it, so it stayed for good).
   *
   * @returns Each one's path, its key when it is named as an entry, and its size in bytes (a folder's files).
   */
  async notEntries(): Promise<NotEntry[]> {
    const found: NotEntry[] = [];
    const entries = `${this.root}/entries`;
    for (const prefix of await listAll(entries)) {
      const folder = `${entries}/${prefix.name}`;
      if (!prefix.isDirectory || !/^[0-9a-f]{2}$/.test(prefix.name)) {
        found.push({ path: folder, key: null, folder: prefix.isDirectory, bytes: await treeBytes(folder) });
        continue;
      }
      for (const item of await listAll(folder)) {
        const path = `${folder}/${item.name}`;
        // Named as an entry, a file too (rv35: its key's claim is asked before it goes, as a render replaces it).
        const key = /^[0-9a-f]{64}$/.test(item.name) && item.name.startsWith(prefix.name) ? item.name : null;
        if (key !== null && item.isDirectory && this.#keeps(key)) continue;
        found.push({ path, key, folder: item.isDirectory, bytes: await treeBytes(path) });
      }
    }
    return found;
  }

  /**
   * Removes one of {@linkcode notEntries}, unless it has become an entry since it was listed (a render stored its
   * key in its place): then false. A file goes only while it is a file (removed, never a folder then), an entry's
   * folder only while its record still fails, a folder under another name than an entry's (which no render makes)
   * whole.
   *
   * @param item What `notEntries` listed.
   * @returns Whether it was removed (or was gone already).
   */
  async removeNotEntry(item: NotEntry): Promise<boolean> {
    if (!item.folder) {
      try {
        // Not recursive: a folder a render placed there since (its entry, or a folder of entries) is left.
        await Deno.remove(item.path);
        return true;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return true;
        if (isNotEmpty(error)) return false;
        throw error;
      }
    }
    if (item.key !== null) {
      if (this.#keeps(item.key)) return false;
      await this.remove(item.key);
      return true;
    }
    const trash = await this.#trashPath();
    try {
      await Deno.rename(item.path, trash);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return true;
      throw error;
    }
    await removeIfExists(trash);
    return true;
  }

  /**
   * Whether the key's folder is an entry to keep: its record reads, of this key, its value unchanged (its file is
   * not read), or it is a later version's record, which this reel does not read but a later one sharing the store
   * does (rv35: `cache gc` would have removed it).
   */
  #keeps(key: string): boolean {
    const found = this.#recordOf(key);
    return found === null ? laterRecord(this.#recordPath(key)) : recordIntact(found.record, key);
  }

  /**
   * When an entry was last used.
   *
   * @param key The step key.
   * @returns The time, or null when the key is not stored.
   */
  lastUsed(key: string): Promise<Date | null> {
    try {
      return Promise.resolve(this.#recordOf(key)?.mtime ?? null);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Removes one entry: its folder is first moved out of `entries/` in one rename, so a reader finds it whole or
   * not at all, then deleted.
   *
   * @param key The step key.
   */
  async remove(key: string): Promise<void> {
    const trash = await this.#trashPath();
    const entry = this.#entry(key);
    try {
      await Deno.rename(entry, trash);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      // Another user's entry (a render run with sudo made it) is theirs to move: said so (rv40: `cache gc` stopped
      // on it with the system's words).
      if (error instanceof Deno.errors.PermissionDenied) {
        // The folder of entries it is in, or the entry itself (moved to another folder, it is written too).
        throw this.#refused(firstUnwritable([this.#shard(key), entry])?.folder ?? entry, "write to");
      }
      if (!(error instanceof Deno.errors.NotADirectory)) throw error;
      // A file where the folder of its entries should be (fi4: put there by hand, it failed every step of those
      // keys) goes. Not renamed away: another process may have mended it meanwhile, and its folder holds other
      // keys' entries (rv6); removing it alone fails on a folder that holds any.
      try {
        await Deno.remove(this.#shard(key));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound) && !isNotEmpty(error)) throw error;
      }
      return;
    }
    await removeIfExists(trash);
  }

  /**
   * The first of its folders that this user cannot write in though a run will (see `writable_folders.ts`): the
   * folders of entries (`entries/<ab>`) the entries of `keys` go to (every one, where the keys are not all known
   * before the run) and the providers' kept answers, where any step is to run; and the entry of each of those keys
   * and of `replaced` that is there (moved out whole when it is replaced: damaged, or forced). A render asks before
   * it makes any step.
   *
   * @param options The keys of the steps to run, and of the entries the run replaces.
   * @returns The folder and its owner, or null.
   */
  unwritable(options: UnwritableOptions): UnwritableFolder | null {
    const entries = `${this.root}/entries`;
    let shards: string[] = [];
    if (options.keys !== null) {
      shards = [...new Set(options.keys.map((key) => this.#shard(key)))];
    } else {
      try {
        // Synchronous, as the check of each is (see `firstUnwritable`): 256 folders at most. A link to a folder
        // counts as the folder (rv38).
        shards = [...Deno.readDirSync(entries)].filter((item) => item.isDirectory || item.isSymlink).map((
          item,
        ) => `${entries}/${item.name}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    // Kept answers are written once a provider is paid (rv38).
    const runs = options.keys === null || options.keys.length > 0;
    return firstUnwritable([
      ...shards,
      ...runs ? [`${this.root}/${ANSWERS}`] : [],
      // A stored entry of a step to run is replaced (damaged, or forced): moved out whole (rv38).
      ...[...options.keys ?? [], ...options.replaced].map((key) => this.#entry(key)),
    ]);
  }

  /**
   * Marks entries used now (their records' time, which `cache ls` and `cache gc` read), as a render that serves
   * them does before it runs.
   *
   * @param keys The entries' keys.
   * @returns The records this user may not mark, another user's (a render run with sudo made them): only their
   *   owner may set their time.
   */
  markUsed(keys: readonly string[]): string[] {
    const now = new Date();
    const unmarked: string[] = [];
    // Synchronous: a batch serves thousands, each a call of microseconds.
    for (const key of keys) {
      try {
        Deno.utimeSync(this.#recordPath(key), now, now);
      } catch (error) {
        if (error instanceof Deno.errors.PermissionDenied) unmarked.push(this.#recordPath(key));
        else notFoundIsFine(error);
      }
    }
    return unmarked;
  }

  /** A new name in `trash/` (made if missing) for what is to be renamed out of the store's folders, then deleted. */
  async #trashPath(): Promise<string> {
    await Deno.mkdir(`${this.root}/trash`, { recursive: true });
    return `${this.root}/trash/${ownerMark()}-${crypto.randomUUID()}`;
  }

  /** Nothing to check before a render reads it: its folders are checked as the output's are. */
  reachable(): Promise<void> {
    return Promise.resolve();
  }

  /** The folders it writes in: scratch and staged entries, claims, entries, and removed entries on their way out. */
  folders(): string[] {
    return ["tmp", "claims", "entries", "trash"].map((folder) => `${this.root}/${folder}`);
  }

  /**
   * The folders it removes files from that it did not write itself: its own, the answers `cache gc` collects, and
   * the first layout's, which it removes whole.
   */
  clearedFolders(): string[] {
    return [...this.folders(), `${this.root}/${ANSWERS}`, `${this.root}/${FIRST_LAYOUT_FOLDER}`];
  }

  /** Marks the render that opened it at work on it until it closes (see `KeyClaims.attend`). */
  attend(): void {
    this.claims.attend();
  }

  /** Stops the claims' heartbeat. */
  close(): void {
    this.claims.close();
  }

  /**
   * The folder an entry is staged in: the attempt's scratch folder itself when it holds the artifact alone, under
   * the name the entry gives it (or nothing, for a value), else a new folder. Each folder made and removed costs:
   * on ext4 without a journal, making a file skips every inode freed in the last minutes, one by one, so a batch's
   * removed scratch folders made each later step's files dearer (planner and scheduler 1.2 ms a step at 50 videos).
   */
  #stage(artifact: CommitInput, name: string | null): string {
    const scratch = artifact.scratchDir;
    if (
      scratch !== undefined && scratch.startsWith(`${this.#tmp}/`) &&
      (name === null || artifact.file === `${scratch}/${name}`)
    ) {
      const held = [...Deno.readDirSync(scratch)].map((entry) => entry.name);
      if (held.length === 0 || (held.length === 1 && held[0] === name)) return scratch;
    }
    const dir = this.#tmp;
    return this.#folders.writeIn(dir, () => Deno.makeTempDirSync({ dir, prefix: `${ownerMark()}-entry-` }));
  }

  /**
   * The permissions a folder this process makes gets, its umask applied by the system, learned once from one it
   * makes: reading the umask sets it for a moment for the whole process (`umask(2)`), when a worker's file or a
   * child started then would get none of its own (rv40).
   */
  #folderMode(): number {
    if (this.#mode === undefined) {
      const probe = `${this.#tmp}/${ownerMark()}-mode-${crypto.randomUUID().slice(0, 8)}`;
      this.#folders.writeIn(this.#tmp, () => Deno.mkdirSync(probe));
      try {
        this.#mode = (Deno.statSync(probe).mode ?? 0o700) & 0o777;
      } finally {
        Deno.removeSync(probe);
      }
    }
    return this.#mode;
  }

  /** Renames a staged entry into place; false when something is in its place (an entry, or a file). */
  #place(key: string, stage: string): boolean {
    const entry = this.#entry(key);
    const shard = this.#shard(key);
    // Placed with the permissions any folder this user makes has (its umask), not mkdtemp's owner-only ones: a
    // store another user or a group reads (a render run with sudo, a cluster's shared store) can read its entries.
    Deno.chmodSync(stage, this.#folderMode());
    try {
      this.#folders.writeIn(shard, () => Deno.renameSync(stage, entry));
      return true;
    } catch (error) {
      // rename(2) onto a folder that holds files fails with ENOTEMPTY (or EEXIST): another writer was first. Onto
      // a file (put there by hand or damage), or under one where the folder of its entries should be, with ENOTDIR:
      // not an entry, removed by the caller as a damaged one (fi18: every render made the step and failed to keep it,
      // `--force` too).
      if (error instanceof Deno.errors.AlreadyExists || isNotEmpty(error)) return false;
      if (error instanceof Deno.errors.NotADirectory) return false;
      // Made unwritable since the render checked it (see `unwritable`): said as such, not as the system's rename.
      const denied = error instanceof Deno.errors.PermissionDenied ? firstUnwritable([shard]) : null;
      if (denied !== null) {
        throw new Error(`Cannot store the artifact in ${shard}: ${whyUnwritable(denied)}`, { cause: error });
      }
      throw error;
    }
  }

  async #read(key: string, options: { verify: boolean }): Promise<StoredArtifact | null> {
    try {
      return await this.#readEntry(key, options);
    } catch (error) {
      // Another user's entry (a render run with sudo makes each readable by it alone): said so, not as the system's
      // read (nt19, rv38: every command on the store failed so, exit 1).
      if (error instanceof Deno.errors.PermissionDenied) throw this.#refused(this.#entry(key), "read");
      throw error;
    }
  }

  /** The refusal of one of its folders or files this user may not read or write, with whose it is. */
  #refused(path: string, doing: "read" | "write to"): InputError {
    return refusedByOwner({ folder: path, owner: ownerOf(path) }, { doing, place: "store", root: this.root });
  }

  /** An entry's record (see `readRecord`); one this user may not read (another user's) is refused, saying whose. */
  #recordOf(key: string): ReturnType<typeof readRecord> {
    try {
      return readRecord(this.#recordPath(key));
    } catch (error) {
      if (error instanceof Deno.errors.PermissionDenied) throw this.#refused(this.#entry(key), "read");
      throw error;
    }
  }

  async #readEntry(key: string, options: { verify: boolean }): Promise<StoredArtifact | null> {
    const found = this.#recordOf(key);
    if (found === null) return null;
    const { record } = found;
    // A value changed or damaged since it was stored (valid JSON, another value), or another key's entry copied
    // here, is not served: made again.
    if (!recordIntact(record, key)) return null;
    const path = record.file === null ? null : `${this.#entry(key)}/${record.file}`;
    if (path !== null) {
      // An entry whose file is gone, cut short or changed is treated as absent: the step runs again. A file that
      // kept the size and modification time it was stored with has not been written since; any other is hashed.
      const info = fileInfo(path);
      if (info === null || info.size !== record.bytes) return null;
      const untouched = record.mtime !== undefined && info.mtime?.getTime() === record.mtime;
      if (options.verify && !untouched && await sha256File(path).catch(notFoundAsNull) !== record.sha256) {
        return null;
      }
    }
    return { key, path, ...valueOf(record) };
  }

  /** The folder of entries a key's entry is in: `entries/<ab>`, its key's first two characters. */
  #shard(key: string): string {
    return `${this.root}/entries/${key.slice(0, 2)}`;
  }

  #entry(key: string): string {
    return `${this.#shard(key)}/${key}`;
  }

  #recordPath(key: string): string {
    return `${this.#entry(key)}/record.json`;
  }
}

function valueOf(record: ArtifactRecord): Pick<StoredArtifact, "value" | "children" | "sha256" | "warnings"> {
  return {
    value: record.value,
    children: record.children,
    sha256: record.sha256,
    ...recordWarnings(record.warnings),
  };
}

/** Something in `entries/` that is no entry (see {@linkcode ArtifactStore.notEntries}). */
export interface NotEntry {
  /** Where it is. */
  path: string;
  /** The key it is named as (an entry's folder whose record fails, or a file in its place); else null. */
  key: string | null;
  /** Whether it is a folder (else a file, or another thing that is no folder). */
  folder: boolean;
  /** Its size in bytes, the files under it included. */
  bytes: number;
}

/** The items of a folder; [] when it is absent. */
async function listAll(folder: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(folder));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return [];
    throw error;
  }
}

/** The bytes of a file, or of the files under a folder (links not followed); 0 for what is gone. */
async function treeBytes(path: string): Promise<number> {
  const info = await Deno.lstat(path).catch(notFoundAsNull);
  if (info === null || !info.isDirectory) return info?.size ?? 0;
  let bytes = 0;
  for (const item of await listAll(path)) bytes += await treeBytes(`${path}/${item.name}`);
  return bytes;
}

/**
 * Sets a stored file's modification time to a whole, even number of seconds at least two seconds ago, and returns
 * it. Any later write gives the file the time of that write, never this one (file times are coarse: a write
 * within the same few milliseconds as the artifact's own would keep its time), so an unchanged time says the
 * bytes are the ones hashed. Undefined when the time cannot be set (the file is then hashed on every use).
 */
function stampStored(path: string): number | undefined {
  const stamp = new Date(Math.floor(Date.now() / 2000) * 2000 - 2000);
  try {
    // Whether the file system kept it exactly is seen by the caller's stat after hashing.
    Deno.utimeSync(path, stamp, stamp);
    return stamp.getTime();
  } catch {
    return undefined;
  }
}
