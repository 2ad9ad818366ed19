/**
 * Where reel keeps what it remembers between runs on this machine for this user (program versions, file digests).
 * @module
 */
import { isFolder } from "./exists.ts";

/**
 * A file of reel's in the user's cache folder: `$XDG_CACHE_HOME/reel/<name>`, else `$HOME/.cache/reel/<name>`; none
 * when `$HOME` does not exist (`/nonexistent`, a service user's: it is not made, and nothing is remembered).
 *
 * @param name The file's name.
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The file, or null when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { userCacheFile } from "./user_cache.ts";
 * assert.equal(userCacheFile("a.json", (name) => ({ HOME: "/tmp" })[name]), "/tmp/.cache/reel/a.json");
 * assert.equal(userCacheFile("a.json", (name) => ({ XDG_CACHE_HOME: "/c/" })[name]), "/c/reel/a.json");
 * assert.equal(userCacheFile("a.json", (name) => ({ HOME: "/no/such/home" })[name]), null);
 * ```
 */
export function userCacheFile(
  name: string,
  env: (name: string) => string | undefined = Deno.env.get,
): string | null {
  const cache = env("XDG_CACHE_HOME");
  if (cache !== undefined && cache !== "") return `${cache.replace(/\/+$/, "")}/reel/${name}`;
  const home = env("HOME");
  return home === undefined || home === "" || !isFolder(home)
    ? null
    : `${home.replace(/\/+$/, "")}/.cache/reel/${name}`;
}
