/**
 * The content-addressed artifact store: one file per step key plus a small JSON record written last, so an
 * artifact exists only once it is complete. Every write goes to a temporary name and is renamed into place.
 * @module
 */
import { resolve } from "node:path";
import type { Json } from "../workflow/schema.ts";
import type { ChildSpec } from "../workers/step_task.ts";
import { processAlive } from "./_process_alive.ts";
import { removeIfExists } from "./_remove_if_exists.ts";
import { sha256File } from "./_sha256_file.ts";

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
  /** True when the step must have written `file`; a missing file is then an error. @default false */
  required?: boolean;
}

/** One entry of the store, for `cache ls` and `cache gc`. */
export interface StoreEntry {
  /** The step key. */
  key: string;
  /** The artifact's size in bytes (0 for a value-only step). */
  bytes: number;
  /** When it was stored (ISO time). */
  created: string;
  /** When a run last used it. */
  lastUsed: Date;
}

/** What the scheduler needs of a store; {@linkcode ArtifactStore} is the one on disk. */
export interface StepStore {
  /** Finds a complete artifact by key, or null. */
  lookup(key: string): Promise<StoredArtifact | null>;
  /** Makes a scratch folder for one attempt of a step. */
  scratch(key: string): Promise<string>;
  /** Moves an artifact into place (when the step wrote `file`) and records it. */
  commit(
    key: string,
    artifact: CommitInput,
  ): Promise<StoredArtifact>;
  /** Removes a scratch folder. */
  discard(folder: string): Promise<void>;
}

/** The record written beside each artifact, last: its presence means the artifact is complete. */
export interface ArtifactRecord {
  version: 1;
  /** The artifact's file name in the store, or null for a value-only step. */
  file: string | null;
  /** Its size in bytes. */
  bytes: number | null;
  /** The SHA-256 of its bytes, checked before it is used again. */
  sha256: string | null;
  value: Json;
  children: ChildSpec[];
  /** When it was stored (ISO time). */
  created: string;
}

/**
 * A store rooted at a folder (by default `.reel/` beside the workflow).
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

  /** @param root The store's folder (made absolute, since ffmpeg lists name artifacts by path); created on first write. */
  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * Finds a complete artifact by key.
   *
   * @param key The step key.
   * @returns The artifact, or null when it is not stored (or its file is gone or has the wrong size).
   */
  async lookup(key: string): Promise<StoredArtifact | null> {
    let record: ArtifactRecord;
    try {
      record = JSON.parse(await Deno.readTextFile(this.#recordPath(key))) as ArtifactRecord;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      if (error instanceof SyntaxError) return null;
      throw error;
    }
    const path = record.file === null ? null : `${this.#folder(key)}/${record.file}`;
    if (path !== null) {
      // An entry whose file is gone, cut short or changed is treated as absent: the step runs again.
      const size = await fileSize(path);
      if (size === null || size !== record.bytes || await sha256File(path) !== record.sha256) return null;
    }
    // The record's modification time is the entry's last use, for `cache ls` and `cache gc`.
    const now = new Date();
    await Deno.utime(this.#recordPath(key), now, now).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    return { key, path, value: record.value, children: record.children };
  }

  /**
   * Reserves a scratch folder for one attempt of a step; the artifact is written inside it, then committed.
   *
   * @param key The step key.
   * @returns The folder's path.
   */
  async scratch(key: string): Promise<string> {
    await Deno.mkdir(`${this.root}/tmp`, { recursive: true });
    // The process id in the name lets a later run tell the leftovers of a killed run from a live one's work.
    return await Deno.makeTempDir({ dir: `${this.root}/tmp`, prefix: `${Deno.pid}-${key.slice(0, 12)}-` });
  }

  /**
   * Moves an artifact into place, then writes its record: after this, {@linkcode lookup} finds it. A step that
   * wrote no file at `file` is stored as a value only.
   *
   * @param key The step key.
   * @param artifact The written file (or null), the extension to keep, the value and the children.
   * @returns The stored artifact.
   */
  async commit(
    key: string,
    artifact: CommitInput,
  ): Promise<StoredArtifact> {
    const folder = this.#folder(key);
    await Deno.mkdir(folder, { recursive: true });
    let name: string | null = null;
    let bytes: number | null = null;
    let sha256: string | null = null;
    const size = artifact.file === null ? null : await fileSize(artifact.file);
    if (artifact.required === true && size === null) {
      throw new Error(`The step wrote no artifact at ${artifact.file}; nothing was stored`);
    }
    if (artifact.file !== null && size !== null) {
      name = artifact.extension === null ? key : `${key}.${artifact.extension}`;
      bytes = size;
      sha256 = await sha256File(artifact.file);
      await Deno.rename(artifact.file, `${folder}/${name}`);
    }
    const record: ArtifactRecord = {
      version: 1,
      file: name,
      bytes,
      sha256,
      value: artifact.value,
      children: artifact.children,
      created: new Date().toISOString(),
    };
    // The record's temporary name is in the scratch folder, tagged with this process, so a kill -9 before the
    // rename leaves nothing that removeStale() does not clear.
    await Deno.mkdir(`${this.root}/tmp`, { recursive: true });
    const temporary = `${this.root}/tmp/${Deno.pid}-record-${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(temporary, JSON.stringify(record));
    await Deno.rename(temporary, this.#recordPath(key));
    return {
      key,
      path: name === null ? null : `${folder}/${name}`,
      value: artifact.value,
      children: artifact.children,
    };
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
   * Removes what killed runs left in the store's scratch folder (folders of processes that no longer run).
   *
   * @returns How many folders were removed.
   */
  async removeStale(): Promise<number> {
    let removed = 0;
    try {
      for await (const entry of Deno.readDir(`${this.root}/tmp`)) {
        const pid = Number(entry.name.split("-")[0]);
        if (Number.isInteger(pid) && pid > 0 && await processAlive(pid)) continue;
        await removeIfExists(`${this.root}/tmp/${entry.name}`);
        removed++;
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return removed;
  }

  /**
   * Lists every complete entry with its size and times.
   *
   * @returns The entries, least recently used first.
   */
  async entries(): Promise<StoreEntry[]> {
    const entries: StoreEntry[] = [];
    let folders: Deno.DirEntry[] = [];
    try {
      folders = await Array.fromAsync(Deno.readDir(`${this.root}/artifacts`));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const folder of folders) {
      for await (const entry of Deno.readDir(`${this.root}/artifacts/${folder.name}`)) {
        if (!/^[0-9a-f]{64}\.json$/.test(entry.name)) continue;
        const key = entry.name.slice(0, 64);
        try {
          const record = JSON.parse(await Deno.readTextFile(this.#recordPath(key))) as ArtifactRecord;
          const info = await Deno.stat(this.#recordPath(key));
          entries.push({
            key,
            bytes: record.bytes ?? 0,
            created: record.created,
            lastUsed: info.mtime ?? new Date(0),
          });
        } catch (error) {
          if (!(error instanceof Deno.errors.NotFound || error instanceof SyntaxError)) throw error;
        }
      }
    }
    return entries.sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime());
  }

  /**
   * Removes one entry: its record first (so it is never half there), then its file.
   *
   * @param key The step key.
   */
  async remove(key: string): Promise<void> {
    let file: string | null = null;
    try {
      file = (JSON.parse(await Deno.readTextFile(this.#recordPath(key))) as ArtifactRecord).file;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof SyntaxError)) throw error;
    }
    await removeIfExists(this.#recordPath(key));
    if (file !== null) await removeIfExists(`${this.#folder(key)}/${file}`);
  }

  #folder(key: string): string {
    return `${this.root}/artifacts/${key.slice(0, 2)}`;
  }

  #recordPath(key: string): string {
    return `${this.#folder(key)}/${key}.json`;
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
