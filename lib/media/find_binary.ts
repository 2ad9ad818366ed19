/**
 * Finding external programs on PATH or through an environment variable, and telling one file of a program from
 * another at the same path.
 * @module
 */
import { MissingBinaryError } from "../core/errors.ts";
import { isMissing, pathTrouble } from "../core/exists.ts";
import { runProcess } from "./run_process.ts";

/**
 * Looks for an executable file named `name` in the folders of `PATH`.
 *
 * @param name The program's name, e.g. `ffmpeg`.
 * @returns Its absolute path, or null when it is not on PATH.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findOnPath } from "./find_binary.ts";
 * assert.ok((await findOnPath("sh")) !== null);
 * ```
 */
export async function findOnPath(name: string): Promise<string | null> {
  const folders = (Deno.env.get("PATH") ?? "").split(":").filter((folder) => folder !== "");
  for (const folder of folders) {
    const candidate = `${folder}/${name}`;
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * The program an environment variable names (`REEL_FFMPEG=/opt/ffmpeg/bin/ffmpeg`), checked: a file this user may
 * run.
 *
 * @param configured The variable's value.
 * @param options The program's name, the variable and how to install the program, for the message.
 * @returns The path.
 * @throws {MissingBinaryError} Saying whether nothing is there, or what is there and cannot be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configuredProgram } from "./find_binary.ts";
 * const options = { name: "ffmpeg", variable: "REEL_FFMPEG", hint: "apt-get install ffmpeg" };
 * assert.equal(await configuredProgram("/bin/sh", options), "/bin/sh");
 * await assert.rejects(configuredProgram("/", options), /Cannot run ffmpeg at \/ \(from REEL_FFMPEG\): it is a folder/);
 * ```
 */
export async function configuredProgram(
  configured: string,
  options: { name: string; variable: string; hint: string },
): Promise<string> {
  if (await isExecutableFile(configured)) return configured;
  const what = `${options.name} at ${configured} (from ${options.variable})`;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(configured);
  } catch (error) {
    if (isMissing(error)) throw new MissingBinaryError(what, options.hint);
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new MissingBinaryError(what, options.hint, "this user may not look into its folder");
    }
    // A loop of links, a name too long (fi22: Deno's words and a trace).
    const trouble = pathTrouble(error, configured);
    if (trouble !== null) throw new MissingBinaryError(what, options.hint, trouble);
    throw error;
  }
  const why = info.isDirectory ? "it is a folder" : info.isFile ? "it is not executable" : "it is not a file";
  throw new MissingBinaryError(what, options.hint, why);
}

/**
 * Tells whether `path` is a regular file with an execute bit.
 *
 * @param path The file to check.
 * @returns True when it can be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isExecutableFile } from "./find_binary.ts";
 * assert.ok(!(await isExecutableFile("/no/such/file")));
 * ```
 */
export function isExecutableFile(path: string): Promise<boolean> {
  // Synchronous (STYLE 14's existence checks): a handful of paths at each start, each an async round trip to the
  // file system's threads otherwise (~5 ms to find ffmpeg at the end of a PATH of seven folders).
  try {
    const info = Deno.statSync(path);
    return Promise.resolve(info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0);
  } catch (error) {
    // A folder of PATH this user may not look into (another user's ~/.cargo/bin) holds nothing it can run; nor does
    // a loop of links or a name too long (fi22: REEL_FFMPEG set so stopped with Deno's words and a trace).
    if (pathTrouble(error, path) !== null) return Promise.resolve(false);
    return Promise.reject(error);
  }
}

/**
 * What tells one file of a program from another at the same path: its size, times and inode, so that an upgrade
 * reads as a new file. A stat, synchronous: the programs and the loader's cache at each start, and at each job of
 * a long-running worker.
 *
 * @param path The file.
 * @returns e.g. `"7432:1700000000000:1700000000000:1234"`, or null when there is no such file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileIdentity } from "./find_binary.ts";
 * assert.equal(fileIdentity("/no/such/file"), null);
 * ```
 */
export function fileIdentity(path: string): string | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  return `${info.size}:${info.mtime?.getTime()}:${info.ctime?.getTime()}:${info.ino}`;
}

/** The C runtime's libraries, left out of a program's identity: upgrading glibc does not re-render everything. */
export const C_RUNTIME: RegExp =
  /^(linux-vdso|ld-linux[^/]*|libc|libm|libmvec|libpthread|libdl|librt|libresolv|libutil|libstdc\+\+|libgcc_s)\.so/;

/**
 * The shared libraries `program` loads, as the dynamic loader resolves them here (`LD_TRACE_LOADED_OBJECTS`, what
 * `ldd` does: nothing of the program runs), the C runtime left out, sorted. A program that is not dynamically linked
 * just runs with `args` (its version's), and has none.
 *
 * @param program The executable.
 * @param args Its version arguments.
 * @returns Absolute paths of its libraries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { loadedLibraries } from "./find_binary.ts";
 * const libraries = await loadedLibraries((await findFfmpeg()).ffmpeg, ["-version"]);
 * assert.ok(libraries.some((path) => /\/libavcodec\.so/.test(path)));
 * assert.ok(!libraries.some((path) => /\/libc\.so/.test(path)));
 * ```
 */
export async function loadedLibraries(program: string, args: readonly string[]): Promise<string[]> {
  const { stdout } = await runProcess(program, args, { env: { LD_TRACE_LOADED_OBJECTS: "1" } });
  const libraries = new Set<string>();
  // `name => /path/to/it (0x…)`: the path may hold spaces.
  for (
    const [, name, path] of new TextDecoder().decode(stdout).matchAll(
      /^\s*(\S+) => (\/.+?) \(0x[0-9a-f]+\)$/gm,
    )
  ) {
    if (!C_RUNTIME.test(name!)) libraries.add(path!);
  }
  return [...libraries].sort();
}

/**
 * What a library file is, for keys: its path, size and modification time. Not its inode or change time: a package
 * manager gives the same package's files the same size and time on every machine (dpkg keeps the archive's
 * times), so two machines with the same packages, or one reinstalled, agree.
 *
 * @param path The file.
 * @returns `path:size:mtime`, or `path:missing`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libraryIdentity } from "./find_binary.ts";
 * assert.equal(libraryIdentity("/no/such/lib.so"), "/no/such/lib.so:missing");
 * ```
 */
export function libraryIdentity(path: string): string {
  return `${path}:${contentIdentity(path)}`;
}

/**
 * What a file is whatever its path: its size and modification time (see {@linkcode libraryIdentity}), for one file
 * reached by two paths (a merged /usr) to count as one.
 *
 * @param path The file.
 * @returns `size:mtime`, or `missing`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contentIdentity } from "./find_binary.ts";
 * assert.equal(contentIdentity("/no/such/lib.so"), "missing");
 * ```
 */
export function contentIdentity(path: string): string {
  try {
    const info = Deno.statSync(path);
    return `${info.size}:${info.mtime?.getTime() ?? ""}`;
  } catch (error) {
    if (isMissing(error)) return "missing";
    throw error;
  }
}
