/**
 * Opening a store by its location: a folder (the folder store; on a shared path, every host of a cluster uses it
 * as is) or `s3://bucket/prefix` (an S3-compatible object store, with a local cache of the files steps read).
 * @module
 */
import { resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { parseS3Location } from "./_s3_client.ts";
import { ArtifactStore } from "./artifact_store.ts";
import type { KeyClaimer } from "./key_claimer.ts";
import { S3Store } from "./s3_store.ts";
import type { StepStore } from "./step_store.ts";
import type { UnwritableFolder, UnwritableOptions } from "./writable_folders.ts";

/** A store as a run uses it, whatever its kind. */
export interface OpenedStore extends StepStore {
  /** Where it is, as another host would open it: an absolute folder, or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * Checks that it can be read, before a render plans on it: an object store's bucket answers.
   * @throws {InputError} Naming where and why not.
   */
  reachable(): Promise<void>;
  /** Removes what killed runs left (scratch folders of dead processes). */
  removeStale(): Promise<number>;
  /** The local folders it writes in (its scratch folders, claims, entries), to check before a run. */
  folders(): string[];
  /** The local folder it keeps its files in: the store's folder, or an object store's local copies. */
  readonly localRoot: string;
  /**
   * The first of its local folders that this user cannot write in though a run may (a render run as another user,
   * with sudo, leaves such folders), or null: those the entries of `keys` go to (all, where null), those of the
   * `replaced` keys' stored entries, and the providers' kept answers.
   */
  unwritable(options: UnwritableOptions): UnwritableFolder | null;
  /** Marks entries used now; returns the records this user may not mark (another user's). */
  markUsed(keys: readonly string[]): string[];
  /** The local folders whose files it may remove, written there or not (no output folder may be in one). */
  clearedFolders(): string[];
  /**
   * Marks this render at work on the store until {@linkcode close}, so that `cache gc` keeps what it uses (see
   * `KeyClaims.attend`); an object store's claims (in Redis) are not gc's to read.
   */
  attend(): void;
  /** Stops claims' heartbeats. */
  close(): void;
}

/** Options for {@linkcode openStore}. */
export interface OpenStoreOptions {
  /** For an object store: the local folder its files are cached in. @default `.reel/s3-cache` here */
  cacheDir?: string;
  /** For an object store: claims shared by every host (in Redis, with a cluster). @default local claims */
  claims?: KeyClaimer;
  /** For an object store: the environment to read the endpoint and keys from. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Told when claim files cannot be refreshed (see `KeyClaimsOptions.onError`). @default nothing */
  onClaimError?: (error: Error) => void;
}

/**
 * Opens a store.
 *
 * @param location A folder, or `s3://bucket/prefix`.
 * @param options The object store's cache, claims and environment.
 * @returns The store.
 * @throws {InputError} When an `s3://` location is malformed or its keys are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "./open_store.ts";
 * const store = openStore("some/folder");
 * assert.ok(store.location.startsWith("/") && store.location.endsWith("some/folder"));
 * store.close();
 * ```
 */
export function openStore(location: string, options: OpenStoreOptions = {}): OpenedStore {
  // `s3:/bucket`, `S3://bucket` or `gs://bucket` would be a folder of that name here: a typo, or a store reel does
  // not have. (A folder whose name has a colon can be given as ./name.)
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(location)?.[1];
  if (scheme !== undefined && !location.startsWith("s3://")) {
    if (scheme.toLowerCase() === "s3") parseS3Location(location);
    throw new InputError(`${location} is not a folder or an S3 location`, {
      where: "--store",
      hint:
        "A store is a folder, or an S3 bucket as s3://bucket/prefix; a folder whose name holds a colon: ./" +
        location,
    });
  }
  if (location.startsWith("s3://")) {
    return new S3Store(location, {
      cacheDir: options.cacheDir ?? resolve(".reel/s3-cache"),
      claims: options.claims,
      env: options.env,
      claimFiles: { onError: options.onClaimError },
    });
  }
  return new ArtifactStore(location, { claims: { onError: options.onClaimError } });
}
