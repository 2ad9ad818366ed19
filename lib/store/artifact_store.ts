/**
 * The content-addressed artifact store: one file per step key plus a small JSON record written last, so an
 * artifact exists only once it is complete. Every write goes to a temporary name and is renamed into place.
 * @module
 */
import { resolve } from "node:path";
import type { Json } from "../workflow/schema.ts";
import type { ChildSpec } from "../workers/step_task.ts";
import { removeIfExists } from "./_remove_if_exists.ts";

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

/** What the scheduler needs of a store; {@linkcode ArtifactStore} is the one on disk. */
export interface StepStore {
  /** Finds a complete artifact by key, or null. */
  lookup(key: string): Promise<StoredArtifact | null>;
  /** Makes a scratch folder for one attempt of a step. */
  scratch(key: string): Promise<string>;
  /** Moves an artifact into place (when the step wrote `file`) and records it. */
  commit(
    key: string,
    artifact: { file: string | null; extension: string | null; value: Json; children: ChildSpec[] },
  ): Promise<StoredArtifact>;
  /** Removes a scratch folder. */
  discard(folder: string): Promise<void>;
}

interface Record_ {
  version: 1;
  file: string | null;
  bytes: number | null;
  value: Json;
  children: ChildSpec[];
  created: string;
}

/**
 * A store rooted at a folder (by default `.reel/` beside the workflow).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactStore } from "./artifact_store.ts";
 * const store = new ArtifactStore(await Deno.makeTempDir());
 * assert.ok((await store.lookup("0".repeat(64))) === null);
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
    let record: Record_;
    try {
      record = JSON.parse(await Deno.readTextFile(this.#recordPath(key))) as Record_;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      if (error instanceof SyntaxError) return null;
      throw error;
    }
    if (record.file === null) return { key, path: null, value: record.value, children: record.children };
    const path = `${this.#folder(key)}/${record.file}`;
    try {
      const info = await Deno.stat(path);
      if (info.size !== record.bytes) return null;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
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
    return await Deno.makeTempDir({ dir: `${this.root}/tmp`, prefix: `${key.slice(0, 12)}-` });
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
    artifact: { file: string | null; extension: string | null; value: Json; children: ChildSpec[] },
  ): Promise<StoredArtifact> {
    const folder = this.#folder(key);
    await Deno.mkdir(folder, { recursive: true });
    let name: string | null = null;
    let bytes: number | null = null;
    const size = artifact.file === null ? null : await fileSize(artifact.file);
    if (artifact.file !== null && size !== null) {
      name = artifact.extension === null ? key : `${key}.${artifact.extension}`;
      bytes = size;
      await Deno.rename(artifact.file, `${folder}/${name}`);
    }
    const record: Record_ = {
      version: 1,
      file: name,
      bytes,
      value: artifact.value,
      children: artifact.children,
      created: new Date().toISOString(),
    };
    const temporary = `${this.#recordPath(key)}.${crypto.randomUUID()}.tmp`;
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
