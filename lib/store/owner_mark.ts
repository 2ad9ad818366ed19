/**
 * Who made a private file in a shared folder (a store's scratch folders, staged entries and claim holders, an
 * output's temporary name): its name carries the process id and a tag of its host, `<pid>-h<tag>`, so that a
 * process clearing what dead processes left can tell its own host's (whose pids it can look up) from another's
 * sharing the folder, a second container on the same volume, whose pids mean nothing here: those are left alone
 * until they have not changed for a day.
 * @module
 */
import { sha256Hex } from "../core/sha256.ts";
import { fileInfo } from "./_entry_files.ts";
import { processAlive } from "../core/process_alive.ts";

/** How long another host's private file is left alone after it last changed. */
export const OTHER_HOST_GRACE_MS = 24 * 3_600_000;

/** This host's tag and this process's mark, worked out at first use (reading the host name needs `--allow-sys`). */
let known: { host: string; mark: string } | null = null;

function own(): { host: string; mark: string } {
  if (known === null) {
    const host = sha256Hex(Deno.hostname()).slice(0, 8);
    known = { host, mark: `${Deno.pid}-h${host}` };
  }
  return known;
}

/**
 * This process's mark, to begin its private names with: `<pid>-h<host tag>`, the tag the first 8 hex digits of the
 * host name's SHA-256.
 *
 * @returns The mark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownerMark } from "./owner_mark.ts";
 * assert.match(ownerMark(), new RegExp(`^${Deno.pid}-h[0-9a-f]{8}$`));
 * ```
 */
export function ownerMark(): string {
  return own().mark;
}

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
 * import { ownerOf } from "./owner_mark.ts";
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
  if (host === null || host === own().host) return !(await processAlive(pid));
  const info = fileInfo(path);
  return info !== null && now - (info.mtime?.getTime() ?? 0) > OTHER_HOST_GRACE_MS;
}
