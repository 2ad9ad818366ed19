/**
 * What files hold, for keys that must name bytes and not places: fonts and libraries that reel reads by the
 * hundred at every plan, too many to read each time.
 * @module
 */
import { createHash } from "node:crypto";
import { isFolder, isMissing, pathTrouble, statOrNull } from "../core/exists.ts";
import { userCacheFile } from "../core/user_cache.ts";

/** A digest remembered under the file's identity when it was read. */
type Remembered = [identity: string, digest: string];

/**
 * A file whose change time is this close to now is not remembered: a change in the same clock tick as the `stat`
 * that read its identity would leave that identity as it was (what build systems call a racy file).
 */
const RACY_MS = 2000;

/** Read through one buffer, a megabyte at a time: fonts of 20 MB (Noto CJK) are not held whole. */
const CHUNK = 1 << 20;

const known = new Map<string, Remembered>();

/**
 * Where digests are remembered between runs: `$XDG_CACHE_HOME/reel/file-digests.json`, else
 * `$HOME/.cache/reel/file-digests.json`, beside the program versions; none when `$HOME` does not exist.
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The file, or null when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileDigestsFile } from "./file_digests.ts";
 * assert.equal(fileDigestsFile((name) => ({ HOME: "/tmp" })[name]), "/tmp/.cache/reel/file-digests.json");
 * assert.equal(fileDigestsFile((name) => ({ XDG_CACHE_HOME: "/c/" })[name]), "/c/reel/file-digests.json");
 * assert.equal(fileDigestsFile((name) => ({ HOME: "/no/such/home" })[name]), null);
 * ```
 */
export function fileDigestsFile(env: (name: string) => string | undefined = Deno.env.get): string | null {
  return userCacheFile("file-digests.json", env);
}

/**
 * The SHA-256 of each file's bytes (16 hexadecimal digits), remembered under the file's identity: its device,
 * inode, size, and modification and change times. A file rewritten in place gets a new change time whatever its
 * size and modification time say (`cp -p` and `touch -r` cannot set it), so it is read again; a file only touched
 * or moved, or a copy elsewhere, has the same digest, so its keys stay. Remembered in this process and, between
 * runs, in {@linkcode fileDigestsFile} (Debian's fonts are 150 MB: a second to read, once per machine). Synchronous,
 * like the `stat`s it replaces: a few hundred files at every plan, nearly all of them remembered.
 *
 * @param paths The files.
 * @param options `memo`: where digests are remembered between runs, or null for nowhere. @default fileDigestsFile()
 *   `now`: the clock, in milliseconds, that tells a file changed a moment ago (see RACY_MS). @default Date.now
 * @returns One digest a path, in order; null for a path where there is no file.
 * @throws What reading a file throws otherwise (`PermissionDenied`): a font or library reel cannot read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileDigests } from "./file_digests.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a`, "same bytes");
 * Deno.writeTextFileSync(`${dir}/b`, "same bytes");
 * const [a, b, missing] = fileDigests([`${dir}/a`, `${dir}/b`, `${dir}/c`], { memo: null });
 * assert.equal(a, b);
 * assert.equal(missing, null);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function fileDigests(
  paths: readonly string[],
  options: { memo?: string | null; now?: () => number } = {},
): (string | null)[] {
  const memo = options.memo === undefined ? fileDigestsFile() : options.memo;
  const now = options.now ?? Date.now;
  let remembered: Record<string, Remembered> | null = null;
  let learned = false;
  const digests = paths.map((path) => {
    const info = statOrNull(path);
    const statAt = now();
    if (info === null) return null;
    const identity = identityOf(info);
    const inProcess = known.get(path);
    if (inProcess?.[0] === identity) return inProcess[1];
    remembered ??= memo === null ? {} : readMemo(memo);
    const stored = remembered[path];
    if (stored?.[0] === identity) {
      known.set(path, stored);
      return stored[1];
    }
    const digest = digestOf(path);
    if (digest === UNREADABLE) return digest;
    if (settledWhen(info, statAt)) {
      known.set(path, [identity, digest]);
      remembered[path] = [identity, digest];
      learned = true;
    }
    return digest;
  });
  if (learned && memo !== null && remembered !== null) writeMemo(memo, remembered);
  return digests;
}

/**
 * A file hashed whole: what `stat` said of it before it was read and when (ms since 1970), and the SHA-256
 * (hexadecimal) of its bytes.
 */
export interface HashedFile {
  path: string;
  before: Deno.FileInfo;
  statAt: number;
  sha256: string;
}

/**
 * Whether a file's identity, read at `statAt`, names its bytes: it had not changed for {@linkcode RACY_MS} then (a
 * change in the same clock tick as the `stat` would have left the identity as it was). Measured at the `stat`, not
 * after the read: a file hashed for seconds is no less racy for it (rv3).
 */
function settledWhen(info: Deno.FileInfo, statAt: number): boolean {
  const changed = Math.max(info.mtime?.getTime() ?? Infinity, info.ctime?.getTime() ?? Infinity);
  return statAt - changed >= RACY_MS;
}

/**
 * Remembers the digests of files a caller hashed whole itself (an input a key holds the SHA-256 of), as
 * {@linkcode fileDigests} would have: a worker that checks the file later (see `planned_reads.ts`) then needs a
 * `stat`, not a second read of gigabytes (rv2). A file whose identity changed since `before` (it was written during
 * the read) or a moment ago is not remembered.
 *
 * @param read The files.
 * @param options `memo`, as for {@linkcode fileDigests}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileDigests, rememberDigests } from "./file_digests.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a`, "a");
 * const before = Deno.statSync(`${dir}/a`);
 * // Stat'ed a minute after it was written: not a moment ago.
 * rememberDigests([{ path: `${dir}/a`, before, statAt: Date.now() + 60_000, sha256: "0123456789abcdef0123" }], {
 *   memo: null,
 * });
 * assert.deepEqual(fileDigests([`${dir}/a`], { memo: null }), ["0123456789abcdef"]);
 * // Stat'ed as it was written: not remembered, however long its hash took.
 * Deno.writeTextFileSync(`${dir}/b`, "b");
 * rememberDigests([{ path: `${dir}/b`, before: Deno.statSync(`${dir}/b`), statAt: Date.now(), sha256: "1".repeat(64) }], {
 *   memo: null,
 * });
 * assert.notEqual(fileDigests([`${dir}/b`], { memo: null })[0], "1111111111111111");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function rememberDigests(
  read: readonly HashedFile[],
  options: { memo?: string | null } = {},
): void {
  if (read.length === 0) return;
  const memo = options.memo === undefined ? fileDigestsFile() : options.memo;
  const remembered = memo === null ? {} : readMemo(memo);
  let learned = false;
  for (const { path, before, statAt, sha256 } of read) {
    const identity = identityOf(before);
    const after = statOrNull(path);
    if (after === null || identityOf(after) !== identity || !settledWhen(before, statAt)) continue;
    const entry: Remembered = [identity, sha256.slice(0, 16)];
    known.set(path, entry);
    if (remembered[path]?.[0] === identity) continue;
    remembered[path] = entry;
    learned = true;
  }
  if (learned && memo !== null) writeMemo(memo, remembered);
}

/**
 * One file's digest (see {@linkcode fileDigests}).
 *
 * @param path The file.
 * @returns 16 hexadecimal digits, or null when there is no file.
 */
export function fileDigest(path: string): string | null {
  return fileDigests([path])[0]!;
}

/**
 * One digest of the files in folders and the folders under them (links to folders followed, each folder once):
 * each file's place (its root's rank and its path there) and {@linkcode fileDigests}' digest of its bytes, so it
 * changes when a file is added, removed or rewritten, not when the folders are touched or moved.
 *
 * @param dirs The folders, in the order they are searched; one that is not there holds nothing.
 * @param options `match`: the names of the files that count. @default every file
 * @returns 16 hexadecimal digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldersDigest } from "./file_digests.ts";
 * const dir = Deno.makeTempDirSync();
 * const empty = foldersDigest([dir]);
 * Deno.writeTextFileSync(`${dir}/a.ttf`, "a font");
 * assert.notEqual(foldersDigest([dir]), empty);
 * assert.equal(foldersDigest([dir], { match: /\.otf$/ }), empty);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function foldersDigest(dirs: readonly string[], options: { match?: RegExp } = {}): string {
  const places: string[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  // Synchronous, as the fonts' identities that use it: a few hundred files, a `stat` each.
  const walk = (dir: string, place: string) => {
    let real: string;
    let entries: Deno.DirEntry[];
    try {
      real = Deno.realPathSync(dir);
      entries = [...Deno.readDirSync(dir)];
    } catch (error) {
      // A folder that is not there (or is a file) holds nothing.
      if (isMissing(error)) return;
      throw error;
    }
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory || (entry.isSymlink && isFolder(path))) {
        walk(path, `${place}/${entry.name}`);
      } else if (options.match?.test(entry.name) ?? true) {
        places.push(`${place}/${entry.name}`);
        files.push(path);
      }
    }
  };
  for (const [rank, dir] of dirs.entries()) walk(dir, `${rank}`);
  const digests = fileDigests(files);
  // A broken link is no file.
  const lines = places.flatMap((place, i) => digests[i] === null ? [] : [`${place}\t${digests[i]}`]);
  return createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16);
}

function identityOf(info: Deno.FileInfo): string {
  return [info.dev, info.ino, info.size, info.mtime?.getTime(), info.ctime?.getTime()].join(":");
}

/** Whether a remembered file is still there to keep its entry for: one that cannot be looked at is not kept. */
function isThere(path: string): boolean {
  try {
    return statOrNull(path) !== null;
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) return false;
    throw error;
  }
}

/**
 * What stands for a file this user may not read (another user's font, mode 600): fontconfig and the slide renderer
 * pass over it as reel does, so it is one more state to key, not an error. Never remembered.
 */
const UNREADABLE = "unreadable";

function digestOf(path: string): string {
  const hash = createHash("sha256");
  let opened: Deno.FsFile;
  try {
    opened = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) return UNREADABLE;
    throw error;
  }
  using file = opened;
  const buffer = new Uint8Array(CHUNK);
  for (let read = file.readSync(buffer); read !== null; read = file.readSync(buffer)) {
    hash.update(buffer.subarray(0, read));
  }
  return hash.digest("hex").slice(0, 16);
}

/** The remembered digests; a file that cannot be read or is not such a memo holds none (it is replaced). */
function readMemo(path: string): Record<string, Remembered> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    // Remembering is a convenience: a memo missing, unreadable or garbled only means reading the files again; so
    // does one that is a folder, a loop of links, or under a name too long (fi22: a folder there failed a render
    // whose outputs were all written, exit 1).
    if (pathTrouble(error, path) !== null || error instanceof SyntaxError) return {};
    throw error;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const entries = Object.entries(parsed).filter(([, value]) =>
    Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === "string")
  );
  return Object.fromEntries(entries) as Record<string, Remembered>;
}

/**
 * Writes the memo whole (a temporary file renamed over it), without the files that are gone (a test's fonts, a
 * folder removed): it does not grow with every folder of fonts reel was ever shown.
 */
function writeMemo(path: string, remembered: Record<string, Remembered>): void {
  const kept = Object.fromEntries(Object.entries(remembered).filter(([file]) => isThere(file)));
  const temporary = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")) || "/", { recursive: true });
    Deno.writeTextFileSync(temporary, JSON.stringify(kept));
    Deno.renameSync(temporary, path);
  } catch {
    // A cache folder that cannot be written (read-only, full, another user's) only means reading the files again
    // next run. Nor can its temporary file be removed from a folder this user may not enter (nt19: every command
    // failed so, `PermissionDenied: … remove …file-digests.json.….tmp`): none was written there either.
    try {
      Deno.removeSync(temporary);
    } catch (error) {
      if (!isMissing(error) && !(error instanceof Deno.errors.PermissionDenied)) throw error;
    }
  }
}
