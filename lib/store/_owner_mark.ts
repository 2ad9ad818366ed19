/**
 * Who made a private file in a shared folder (a store's scratch folders, staged entries and claim holders, an
 * output's temporary name): its name carries the process id and a tag of its host, `<pid>-h<tag>`, so that a
 * process clearing what dead processes left can tell its own host's (whose pids it can look up) from another's
 * sharing the folder, a second container on the same volume, whose pids mean nothing here: those are left alone
 * until they have not changed for a day.
 * @module
 */
import { processAlive } from "./_process_alive.ts";

/** How long another host's private file is left alone after it last changed. */
export const OTHER_HOST_GRACE_MS = 24 * 3_600_000;

/** A host name's tag: FNV-1a, 32 bits, in hex. */
function hostTag(host: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(host)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/** This host's tag. */
const HOST = hostTag(Deno.hostname());

/** This process's mark, to begin its private names with: `<pid>-h<host tag>`. */
export const OWNER_MARK = `${Deno.pid}-h${HOST}`;

/**
 * The process and host a private name was made by: its pid, and its host's tag (null in names made before tags,
 * which count as this host's).
 *
 * @param mark The name's start: `<pid>-h<tag>-…` or `<pid>-…`.
 * @returns The pid (NaN when the name has none) and the tag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownerOf } from "./_owner_mark.ts";
 * assert.deepEqual(ownerOf("123-h0a1b2c3d-entry-x"), { pid: 123, host: "0a1b2c3d" });
 * assert.deepEqual(ownerOf("123-abcdef012345-x"), { pid: 123, host: null });
 * ```
 */
export function ownerOf(mark: string): { pid: number; host: string | null } {
  const match = /^(\d+)(?:-h([0-9a-f]{8}))?(?:-|$)/.exec(mark);
  return match === null ? { pid: NaN, host: null } : { pid: Number(match[1]), host: match[2] ?? null };
}

/**
 * Whether the private file at `path`, whose name begins with `mark`, was left by a process that is gone: on this
 * host, one that no longer runs; on another, one whose file has not changed for {@linkcode OTHER_HOST_GRACE_MS}. A
 * name with no pid counts as left.
 *
 * @param mark The name's start (without a leading dot).
 * @param path The file or folder, for its time.
 * @param now The time now, in ms since 1970. @default Date.now()
 * @returns True when it may be removed.
 */
export async function leftByGoneOwner(
  mark: string,
  path: string,
  now: number = Date.now(),
): Promise<boolean> {
  const { pid, host } = ownerOf(mark);
  if (!(Number.isInteger(pid) && pid > 0)) return true;
  if (host === null || host === HOST) return !(await processAlive(pid));
  try {
    const changed = Deno.lstatSync(path).mtime?.getTime() ?? 0;
    return now - changed > OTHER_HOST_GRACE_MS;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
