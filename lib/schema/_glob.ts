/**
 * Expanding file globs (`clips/*.mp4`, `media/**\/*.mov`, `shot-?.png`, `[ab].jpg`) with Deno's file system.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { pathTrouble } from "../core/exists.ts";

/** True when `pattern` holds a glob character. */
export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** One path segment's glob as a regular expression; `*` and `?` do not match a leading dot. */
function segmentRegExp(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) source += "\\[";
      else {
        const body = segment.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${segment.startsWith(".") ? "" : "(?!\\.)"}${source}$`);
}

/**
 * The files that match an absolute glob, sorted; folders are not listed.
 *
 * @param pattern An absolute path whose segments may hold `*`, `?`, `[…]`, or be `**` (any depth).
 * @returns Absolute paths of the matching files (a FIFO or a device counts as a file).
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  const segments = pattern.split("/").filter((segment) => segment !== "");
  const first = segments.findIndex(isGlob);
  const root = `/${segments.slice(0, first).join("/")}`;
  const found = new Set<string>();
  await walk(root.replace(/\/$/, ""), segments.slice(first), found);
  return [...found].sort();
}

async function walk(dir: string, rest: readonly string[], found: Set<string>): Promise<void> {
  const [segment, ...after] = rest;
  if (segment === undefined) return;
  if (segment === "**") {
    await walk(dir, after, found);
    for (const entry of await entries(dir)) {
      if (entry.isDirectory && !entry.name.startsWith(".")) await walk(`${dir}/${entry.name}`, rest, found);
    }
    return;
  }
  const matcher = isGlob(segment) ? segmentRegExp(segment) : null;
  for (const entry of await entries(dir)) {
    if (matcher === null ? entry.name !== segment : !matcher.test(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    if (after.length === 0) {
      if (!entry.isDirectory) found.add(path);
    } else if (entry.isDirectory || entry.isSymlink) await walk(path, after, found);
  }
}

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  const list: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir === "" ? "/" : dir)) list.push(entry);
  } catch (error) {
    // Nothing there, a loop of links, a name too long: nothing matches there. A folder this user may not list is
    // named (fi22: Deno's PermissionDenied and a trace, exit 1).
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new InputError(`Cannot list the folder ${dir}: permission denied`, { where: dir, cause: error });
    }
    if (pathTrouble(error, dir) !== null) return [];
    throw error;
  }
  return list;
}
