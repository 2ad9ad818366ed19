/**
 * The version of a local program whose output ends up in artifacts (ffmpeg, espeak-ng): part of step keys, so
 * upgrading one re-renders what it made.
 * @module
 */
import { createHash } from "node:crypto";
import { InputError, systemReason } from "../core/errors.ts";
import { pathTrouble } from "../core/exists.ts";
import { userCacheFile } from "../core/user_cache.ts";
import { readHead } from "../core/read_full.ts";
import { writeFileWhole } from "../core/write_file_whole.ts";
import {
  C_RUNTIME,
  contentIdentity,
  fileIdentity,
  isExecutableFile,
  libraryIdentity,
  loadedLibraries,
} from "./find_binary.ts";
import { notTheProgram, probeProgram } from "./probe_program.ts";

const probed = new Map<string, Promise<string>>();
let digestFormat: string | undefined;

/**
 * What a remembered version's digest is made by: the code that makes it, so that a reel whose digest differs asks
 * again instead of using versions remembered before (cl: a format written by hand outlived a change of the digest,
 * and a coordinator that read an old entry planned ffmpeg under a digest no fresh worker had: every step refused).
 */
function digestCode(): string {
  // Each function and constant the digest's inputs come from (rv: the first list left out the wrapper scan's).
  const parts = [
    rememberedVersion,
    probeProgram,
    wrappedFiles,
    scriptText,
    readHead,
    isExecutableFile,
    libraryIdentity,
    contentIdentity,
    loadedLibraries,
    C_RUNTIME,
    ABSOLUTE_PATH,
    WRAPPER_DEPTH,
  ];
  digestFormat ??= createHash("sha256").update(parts.map(String).join("\n")).digest("hex").slice(0, 16);
  return `digest ${digestFormat}`;
}

/**
 * Where versions are remembered between runs: `$XDG_CACHE_HOME/reel/program-versions.json`, else
 * `$HOME/.cache/reel/program-versions.json` (none when `$HOME` does not exist); `REEL_PROGRAM_VERSIONS` names another
 * file, or `off` for none.
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The file, or null when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { programVersionsFile } from "./program_version.ts";
 * assert.equal(programVersionsFile((name) => ({ HOME: "/tmp" })[name]), "/tmp/.cache/reel/program-versions.json");
 * assert.equal(programVersionsFile((name) => ({ HOME: "/no/such/home" })[name]), null);
 * assert.equal(programVersionsFile((name) => ({ REEL_PROGRAM_VERSIONS: "off", HOME: "/h" })[name]), null);
 * ```
 */
export function programVersionsFile(env: (name: string) => string | undefined = Deno.env.get): string | null {
  const configured = env("REEL_PROGRAM_VERSIONS");
  if (configured !== undefined && configured !== "") return configured === "off" ? null : configured;
  // A HOME that does not exist (`/nonexistent`, a service user's) is not made: versions are then asked each run.
  return userCacheFile("program-versions.json", env);
}

/**
 * Reads a program's version once per process: the first line of what it prints, and a digest of all of it (for
 * ffmpeg that covers the library versions and build options too) and of the shared libraries it loads (each file's
 * path, size and time, the same on every machine with the same packages; the C runtime aside). The libraries count
 * because what ffmpeg makes depends on them and its version does not name them all: libx264, libass and flite are
 * packaged, and upgraded, on their own. Between runs it is remembered in {@linkcode programVersionsFile} under the
 * program's path and its file's identity, the system's library files (the loader's cache, which `ldconfig` rewrites
 * when libraries are installed, and dpkg's status) and the environment that changes what it loads or reads
 * ({@linkcode PROGRAM_ENVIRONMENT}), the libraries it loads from outside the system's folders looked at again: an
 * upgrade of the program or of a library is asked again. Running Debian's ffmpeg only to print its version costs
 * ~60 ms (215 libraries load).
 *
 * @param program The executable.
 * @param args What makes it print its version, e.g. `["-version"]`.
 * @param options `memo`: the file versions are remembered in, or null for none. @default programVersionsFile()
 *   `systemFiles`: the files whose change makes a remembered version stale. @default SYSTEM_LIBRARY_FILES
 *   `name`: what messages call the program (`ffmpeg`, `espeak-ng`). @default the file's name
 * @returns e.g. `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) … #1a2b3c4d5e6f7a8b`.
 * @throws {InputError} When the program exits with an error: it is broken, or not that program.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { programVersion } from "./program_version.ts";
 * const { ffmpeg } = await findFfmpeg();
 * assert.match(await programVersion(ffmpeg, ["-version"]), /^ffmpeg version .* #[0-9a-f]{16}$/);
 * ```
 */
export function programVersion(
  program: string,
  args: readonly string[],
  options: { memo?: string | null; systemFiles?: readonly string[]; name?: string } = {},
): Promise<string> {
  // Keyed by what the memo is keyed by (a few stats): a long-running process (a cluster worker) asks again when
  // the program or the system's libraries are upgraded under it.
  const file = fileIdentity(program);
  const systemFiles = options.systemFiles ?? SYSTEM_LIBRARY_FILES;
  const environment = PROGRAM_ENVIRONMENT.map((name) => `${name}=${Deno.env.get(name) ?? ""}`);
  const key = [digestCode(), program, ...args, file, ...systemFiles.map(fileIdentity), ...environment].join(
    "\0",
  );
  let version = probed.get(key);
  if (version === undefined) {
    version = rememberedVersion(program, args, {
      key,
      file,
      name: options.name ?? program.slice(program.lastIndexOf("/") + 1),
      memo: options.memo === undefined ? programVersionsFile() : options.memo,
    });
    probed.set(key, version);
    version.catch(() => probed.delete(key));
  }
  return version;
}

async function rememberedVersion(
  program: string,
  args: readonly string[],
  options: { key: string; file: string | null; memo: string | null; name: string },
): Promise<string> {
  const { key, file, memo, name } = options;
  const known = memo === null || file === null ? {} : readMemo(memo, { configured: isConfigured(memo) });
  const remembered = known[key];
  if (
    isRemembered(remembered) &&
    remembered.watched.every(([path, identity]) => libraryIdentity(path) === identity)
  ) {
    return remembered.version;
  }
  const [{ stdout }, libraries] = await Promise.all([
    probeProgram(program, args, { name }),
    loadedLibraries(program, args),
  ]);
  const text = new TextDecoder().decode(stdout).trim();
  const expected = VERSION_LINE[name];
  if (expected !== undefined && !expected.test(text)) throw notTheProgram({ name, program, args }, text);
  // A wrapper script's own words change what it runs (`espeak-ng -p 90 "$@"`), its version's answer not: they are
  // part of the digest. So is what it runs, and a program that is not a script counts with its own file (kr: a
  // wrapper that ran another script, or a rebuilt ffmpeg printing the same version, kept every key).
  const script = file === null ? null : await scriptText(program);
  const files = [
    ...new Set([
      ...script === null ? [] : await wrappedFiles(script, { name, args, depth: 1 }),
      ...libraries,
    ]),
  ];
  // The program's own file by its size and time, not its path (rv: /bin/ffmpeg and /usr/bin/ffmpeg, one file on a
  // merged /usr, would key apart).
  const own = script === null ? [contentIdentity(program)] : [script];
  const said = PLACES_SAID[name]?.(text) ?? text;
  const digest = createHash("sha256").update([said, ...files.map(libraryIdentity), ...own].join("\n"))
    .digest("hex").slice(0, 16);
  const version = `${text.split("\n")[0]} #${digest}`;
  // Files outside the system's library folders (a wrapped program, LD_LIBRARY_PATH, /usr/local, /opt) change
  // without ldconfig or dpkg: each is looked at again before the remembered version is used.
  const watched = files.filter((path) => !SYSTEM_LIBRARY_DIRS.test(path)).map((
    path,
  ): [string, string] => [path, libraryIdentity(path)]);
  // Remembering is a convenience: a folder that cannot be written only means asking again next time.
  if (memo !== null && file !== null) await remember(memo, key, { version, watched });
  return version;
}

/** The writes of each memo under way in this process, one after the other (see {@linkcode remember}). */
const writing = new Map<string, Promise<void>>();

/**
 * Adds a version to the memo: read again just before it is written, the writes of this process one after the other
 * (ffmpeg's and ffprobe's versions are asked at once), so that what others remembered since this process first read
 * it stays (rv36: a long-running cluster worker's writes erased it). Two processes writing at the same moment may
 * still lose one of the two versions: it is asked again at the next start. A memo that cannot be read again or
 * written is left as it is: remembering is a convenience.
 */
function remember(memo: string, key: string, remembered: Remembered): Promise<void> {
  const write = async () => {
    let latest: Record<string, unknown>;
    try {
      latest = readMemo(memo, { configured: isConfigured(memo), fresh: true });
    } catch (error) {
      // A configured memo replaced since by something else (refused when it was first read) is not written.
      if (error instanceof InputError) return;
      throw error;
    }
    // Versions of another digest stay: another reel sharing the memo (a compiled one, another checkout) reads them.
    const { [key]: _before, ...others } = latest;
    // The key written last stays last: the oldest go first when the memo is full (rv36).
    const kept = { ...current(others), [key]: remembered };
    await writeFileWhole(memo, JSON.stringify(kept)).then(() => memos.set(memo, kept), () => {});
  };
  const next = (writing.get(memo) ?? Promise.resolve()).then(write);
  writing.set(memo, next);
  return next;
}

/**
 * Paths a script names: from a `/` that goes on no word, variable or command (rv: `${HERE}/bin/ffmpeg` read as the
 * system's /bin/ffmpeg), up to a space, a quote or another delimiter.
 */
const ABSOLUTE_PATH = /(?<![\w.~$/})\]-])\/[\w.+@%/-]+/g;
/** How deep wrapper scripts are followed: a wrapper, the script it runs, and one more. */
const WRAPPER_DEPTH = 3;

/**
 * The files a wrapper script runs: each executable file its text names by an absolute path (its interpreter too),
 * the scripts among them followed in turn; of a program named as the one asked for (`/opt/ffmpeg/bin/ffmpeg` in
 * ffmpeg's wrapper), the libraries it loads too. A program found through `PATH` in the script, or named from a
 * variable (`"$HERE/bin/ffmpeg"`), is not seen.
 */
async function wrappedFiles(
  script: string,
  options: { name: string; args: readonly string[]; depth: number },
): Promise<string[]> {
  const files: string[] = [];
  for (const path of new Set(Array.from(script.matchAll(ABSOLUTE_PATH), ([path]) => path))) {
    if (!(await isExecutableFile(path))) continue;
    files.push(path);
    const text = await scriptText(path);
    if (text !== null && options.depth < WRAPPER_DEPTH) {
      files.push(...await wrappedFiles(text, { ...options, depth: options.depth + 1 }));
    } else if (text === null && path.slice(path.lastIndexOf("/") + 1) === options.name) {
      files.push(...await loadedLibraries(path, options.args));
    }
  }
  return files;
}

/** The text of a program that is a script (`#!` first), up to 64 KiB, or null for any other program. */
async function scriptText(program: string): Promise<string | null> {
  let head: Uint8Array;
  try {
    head = await readHead(program, 64 * 1024);
  } catch (error) {
    // A program this user may run but not read (mode 711) is no script: a script's interpreter reads it.
    if (error instanceof Deno.errors.PermissionDenied) return null;
    throw error;
  }
  if (head[0] !== 0x23 || head[1] !== 0x21) return null;
  return new TextDecoder().decode(head);
}

/**
 * A program's version text without the places it names, for the digest: espeak-ng names the folder of the voice
 * data it reads, which the caller keys by its contents (see `espeakWithData`); the same data elsewhere (a copy, a
 * link in `ESPEAK_DATA_PATH`) speaks alike (fi7: it re-ran every speech and what follows).
 */
const PLACES_SAID: Readonly<Record<string, (text: string) => string>> = {
  "espeak-ng": (text) => text.replace(/Data at: .*/g, "Data at:"),
};

/** How the programs reel knows by name begin their version's text: another answer is another program. */
const VERSION_LINE: Readonly<Record<string, RegExp>> = {
  ffmpeg: /^ffmpeg version /,
  ffprobe: /^ffprobe version /,
  "espeak-ng": /^eSpeak/,
};

/**
 * The files the system rewrites when shared libraries are installed or upgraded: the loader's cache (`ldconfig`)
 * and dpkg's status.
 */
export const SYSTEM_LIBRARY_FILES: readonly string[] = ["/etc/ld.so.cache", "/var/lib/dpkg/status"];

/** Environment variables that change which libraries or data a program loads: a remembered version holds for the same values. */
export const PROGRAM_ENVIRONMENT: readonly string[] = ["LD_LIBRARY_PATH", "LD_PRELOAD", "ESPEAK_DATA_PATH"];

/** The folders of the system's libraries, which change only through dpkg and ldconfig (see SYSTEM_LIBRARY_FILES). */
const SYSTEM_LIBRARY_DIRS = /^\/(usr\/)?lib(64|32|x32)?\//;

/** A remembered version: the version, and the libraries outside the system's folders with their identities. */
interface Remembered {
  version: string;
  watched: [string, string][];
}

/** Whether a memo's value is a {@linkcode Remembered} version. */
function isRemembered(value: unknown): value is Remembered {
  if (typeof value !== "object" || value === null) return false;
  const { version, watched } = value as { version?: unknown; watched?: unknown };
  return typeof version === "string" && Array.isArray(watched) &&
    watched.every((entry) =>
      Array.isArray(entry) && entry.length === 2 && entry.every((part) => typeof part === "string")
    );
}

/** True when `path` is the memo `REEL_PROGRAM_VERSIONS` names (not reel's own file in the cache folder). */
function isConfigured(path: string): boolean {
  return Deno.env.get("REEL_PROGRAM_VERSIONS") === path;
}

/** The memos read or written in this process, by path: a render asks for three programs' versions or more. */
const memos = new Map<string, Record<string, unknown>>();

/** How many versions a memo keeps at most: the latest, those of programs that are gone or changed dropped first. */
const MEMO_ENTRIES = 64;

/**
 * The memo's versions still worth keeping: of programs whose file is still the one they were asked of, or cannot be
 * looked at (a program upgraded, or a wrapper in a folder since removed, is asked again under a new key; before,
 * their versions stayed for good, and a memo of 384, 190 kB, was read three times at every start), the latest
 * {@linkcode MEMO_ENTRIES}.
 */
function current(known: Record<string, unknown>): Record<string, unknown> {
  const live = Object.entries(known).filter(([key]) => {
    const [, program, ...rest] = key.split("\0");
    const identity = rest.find((field) => /^\d+:-?\d+:-?\d+:\d+$/.test(field));
    if (program === undefined || identity === undefined) return true;
    const now = identityIfVisible(program);
    return now === undefined || now === identity;
  });
  return Object.fromEntries(live.slice(-(MEMO_ENTRIES - 1)));
}

/**
 * A program's identity (see `fileIdentity`), null when it is gone, undefined when it cannot be looked at (rv36: a
 * folder this user may not enter): a version the memo keeps for another user stays.
 */
function identityIfVisible(program: string): string | null | undefined {
  try {
    return fileIdentity(program);
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) return undefined;
    throw error;
  }
}

/**
 * Reads the remembered versions, once a process unless `fresh` (before a write, which keeps what other processes
 * wrote since: rv36, a long-running cluster worker's writes erased them). reel's own file, unreadable or not a memo,
 * is replaced at the next write; a file `REEL_PROGRAM_VERSIONS` names that exists and is not a memo is refused,
 * never overwritten (it may be anything).
 */
function readMemo(
  path: string,
  { configured, fresh = false }: { configured: boolean; fresh?: boolean },
): Record<string, unknown> {
  const read = fresh ? undefined : memos.get(path);
  if (read !== undefined) return read;
  let text: string;
  try {
    // Synchronous, like the store's small files (STYLE 14): a few kilobytes read at every start.
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || !configured) return {};
    throw notMemo(path, `it cannot be read (${pathTrouble(error, path) ?? systemReason(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (!configured) return {};
    throw notMemo(path, "it is not JSON");
  }
  const memo = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) &&
    Object.values(parsed).every(isRemembered);
  if (memo) {
    memos.set(path, parsed as Record<string, unknown>);
    return parsed as Record<string, unknown>;
  }
  if (!configured) return {};
  throw notMemo(path, "it holds something else than program versions");
}

function notMemo(path: string, why: string): InputError {
  return new InputError(`REEL_PROGRAM_VERSIONS names ${path}, which reel will not overwrite: ${why}`, {
    where: "REEL_PROGRAM_VERSIONS",
    hint: "Name a new file (reel writes the program versions it remembers there), or set it to off",
  });
}
