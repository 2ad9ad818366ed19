/**
 * Input files of media jobs (videos to make variants of, images of a montage): paths, globs and folders expanded,
 * each file identified by its content for step keys. A stream (a named pipe, a device) has no content to read ahead
 * of time: it gets an identity of its own each run, so what is made from it is never taken from the store.
 * @module
 */
import { type HashedFile, rememberDigests } from "../media/file_digests.ts";
import { InputError, type WorkflowIssue } from "../core/errors.ts";
import { isMissing, pathTrouble } from "../core/exists.ts";
import { readFull, readHead } from "../core/read_full.ts";
import { unreadableUserFile } from "../core/read_user_file.ts";
import { sha256File } from "../core/sha256.ts";
import { expandGlob, isGlob } from "./_glob.ts";

/** One input file. */
export interface InputFile {
  /** Its path as the user would name it: relative to the base folder when inside it. */
  name: string;
  /** Its absolute path. */
  path: string;
  /** What keys it: `sha256:<hex>` of its content, or `stream:<uuid>` for a pipe or a device (never the same twice). */
  identity: string;
  /** The index of the pattern that found it. */
  pattern: number;
}

/** Options for {@linkcode expandInputFiles}. */
export interface ExpandInputsOptions {
  /** The folder relative paths are read from (the workflow's, or the current one for the CLI). */
  baseDir: string;
  /**
   * The field's path in the workflow, for messages: `variants[0].inputs` (a pattern's problem is then at
   * `variants[0].inputs[1]`), or a function from a pattern's index to its path.
   */
  path: string | ((index: number) => string);
  /** Problems go here (a pattern that matches nothing, a file that cannot be read). */
  issues: WorkflowIssue[];
  /**
   * Which of a folder's files are taken, by name (e.g. {@linkcode VIDEO_FILES}): a folder of clips holds a README
   * or a thumbnail too, which failed their steps. Paths and globs are taken as written. @default every file
   */
  takes?: FolderFilter;
  /**
   * Keep a file each time it is named (a montage shows an item named twice twice); each once otherwise (an input
   * named twice is one input). @default false
   */
  repeats?: boolean;
}

/** Which of a folder's files an input takes: a test of their names, and what it takes in words. */
export interface FolderFilter {
  /** Whether a name is taken. */
  test: (name: string) => boolean;
  /**
   * Whether a file whose name is taken is left out all the same, by what lies beside it (a variant reel made, its
   * manifest beside it, is not an input of the next run over the folder). @default none is
   */
  leaves?: (path: string) => Promise<boolean>;
  /** What `leaves` leaves out, in words, for the message when a folder holds nothing else. */
  left?: string;
  /** What it takes, for the message when a folder holds none (`video files (.mp4, .mov, …)`). */
  what: string;
}

/** A folder's video files. */
export const VIDEO_FILES: FolderFilter = {
  test: (name) => isVideoName(name),
  what: "video files (.mp4, .mov, .mkv, .webm, …)",
};

/** A folder's images and video files (a montage's items: stills, or pictures and videos played as clips). */
export const IMAGE_OR_VIDEO_FILES: FolderFilter = {
  test: (name) => isImageName(name) || isVideoName(name) || OTHER_PICTURE_EXTENSIONS.has(extensionOf(name)),
  what: "images (.png, .jpg, .webp, …) or video files (.mp4, .mov, .gif, …)",
};

/**
 * A folder's recordings: audio files, and video files that may hold sound (not a GIF's or a raw video stream's
 * pictures alone).
 */
export const RECORDING_FILES: FolderFilter = {
  test: (name) =>
    AUDIO_EXTENSIONS.has(extensionOf(name)) ||
    (isVideoName(name) && !SILENT_VIDEO_EXTENSIONS.has(extensionOf(name))),
  what: "recordings (.wav, .mp3, .m4a, .flac, .ogg, .mp4, .mkv, …)",
};

/** Names of the audio files a folder's listing takes as recordings. */
const AUDIO_EXTENSIONS = new Set([
  "aac",
  "ac3",
  "aif",
  "aifc",
  "aiff",
  "amr",
  "au",
  "caf",
  "flac",
  "m4a",
  "m4b",
  "mka",
  "mp2",
  "mp3",
  "oga",
  "ogg",
  "opus",
  "spx",
  "w64",
  "wav",
  "wma",
  "wv",
]);

/** Video extensions whose files hold pictures only. */
const SILENT_VIDEO_EXTENSIONS = new Set(["gif", "h264", "264", "m2v"]);

/** Names of the video files a folder's listing takes: by their extension, whatever its case. */
const VIDEO_EXTENSIONS = new Set([
  "3g2",
  "3gp",
  "asf",
  "avi",
  "dv",
  "f4v",
  "flv",
  "gif",
  // Raw H.264 streams, which say no length: a variant's probe counts their pictures.
  "h264",
  "264",
  "m2ts",
  "m2v",
  "m4v",
  "mkv",
  "mov",
  "mp4",
  "mpeg",
  "mpg",
  "mts",
  "mxf",
  "ogv",
  "ts",
  "vob",
  "webm",
  "wmv",
]);

/** Pictures ffmpeg reads that a montage plays as clips (not PNG or JPEG stills): what its folders take too. */
const OTHER_PICTURE_EXTENSIONS = new Set(["bmp", "tif", "tiff", "webp"]);

/** Names of the still images a folder's listing takes. */
const IMAGE_EXTENSIONS = new Set(["jpeg", "jpg", "png"]);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/**
 * Whether a file's name is a video's (`.mp4`, `.MOV`, `.mkv`, …).
 *
 * @param name The name.
 * @returns True for a video file's extension.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isVideoName } from "./input_files.ts";
 * assert.ok(isVideoName("clip.MOV"));
 * assert.ok(!isVideoName("README.txt"));
 * ```
 */
export function isVideoName(name: string): boolean {
  return VIDEO_EXTENSIONS.has(extensionOf(name));
}

/**
 * Whether a file's name is a still image's (`.png`, `.jpg`, `.jpeg`).
 *
 * @param name The name.
 * @returns True for a PNG's or JPEG's extension.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isImageName } from "./input_files.ts";
 * assert.ok(isImageName("photo.JPG"));
 * assert.ok(!isImageName("notes.md"));
 * ```
 */
export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extensionOf(name));
}

/**
 * Expands paths, globs (`clips/*.mp4`, `**`) and folders (their files, not recursively, hidden ones and those that
 * `takes` refuses left out) into files, in the order given (each glob's or folder's matches sorted), each once
 * unless `repeats`, and identifies each by its content.
 *
 * @param patterns What the user wrote.
 * @param options The base folder, the field's path, and where problems go.
 * @returns The files; problems are pushed to `options.issues` (a pattern that matches nothing is one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandInputFiles } from "./input_files.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "a");
 * const issues: { path: string; message: string }[] = [];
 * const files = await expandInputFiles(["*.txt", "missing.mp4"], { baseDir: dir, path: "inputs", issues });
 * assert.deepEqual(files.map((file) => file.name), ["a.txt"]);
 * assert.match(files[0]!.identity, /^sha256:/);
 * assert.equal(issues[0]?.path, "inputs[1]");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function expandInputFiles(
  patterns: readonly string[],
  options: ExpandInputsOptions,
): Promise<InputFile[]> {
  const base = options.baseDir.replace(/\/+$/, "");
  const identities = new Map<string, string>();
  const files: InputFile[] = [];
  // The files hashed, remembered at the end for the workers that check them (see `rememberDigests`).
  const read: HashedFile[] = [];
  for (const [i, pattern] of patterns.entries()) {
    const path = typeof options.path === "string" ? `${options.path}[${i}]` : options.path(i);
    // As written, `..` kept: the kernel reads `link/..` as the folder above the link's target, which a path with
    // its `..` taken out by text does not name (rv26).
    const absolute = pattern.startsWith("/") ? pattern : `${base}/${pattern.replace(/^\.\//, "")}`;
    const glob = isGlob(pattern);
    const found = glob ? await expandGlob(absolute) : await plainPath(absolute, options.takes);
    // A glob leaves out what a folder's listing does (reel's own variants beside their manifests): `clips/*.mp4`
    // run again with `--out clips` took the first run's outputs as inputs.
    const matches: string[] = [];
    for (const match of found) if (!glob || !await options.takes?.leaves?.(match)) matches.push(match);
    if (matches.length === 0) {
      const folder = !glob && options.takes !== undefined && await isFolder(absolute);
      // Only files it leaves out (reel's own variants): said as such, not as a folder without videos.
      const onlyLeft = glob ? found.length > 0 : folder && options.takes?.leaves !== undefined &&
        (await plainPath(absolute, { ...options.takes, leaves: undefined })).length > 0;
      const what = glob ? `"${pattern}" matches` : `The folder "${pattern}" holds`;
      options.issues.push({
        path,
        message: onlyLeft
          ? `${what} only ${
            options.takes!.left ?? "files it leaves out"
          } (in ${base}): name one as a file to take it`
          : folder
          ? `The folder "${pattern}" holds no ${options.takes!.what} (in ${base})`
          : `No file matches "${pattern}" (in ${base})`,
        // A file named as it is (not a pattern) is watched until it is there.
        ...glob || folder ? {} : { file: absolute },
      });
    }
    for (const match of matches) {
      const known = identities.get(match);
      if (known !== undefined && options.repeats !== true) continue;
      if (known?.startsWith("stream:")) {
        // A pipe gives its bytes once: two readers would each get a part, or wait for ever.
        options.issues.push({ path, message: `${match} is a stream (a pipe), read once: name it once` });
        continue;
      }
      const identity = known ?? await identify(match, { path, issues: options.issues, read });
      if (identity === null) continue;
      identities.set(match, identity);
      const name = match.startsWith(`${base}/`) ? match.slice(base.length + 1) : match;
      files.push({ name, path: match, identity, pattern: i });
    }
  }
  rememberDigests(read);
  return files;
}

/**
 * Whether a path names a folder; false for anything else, and for nothing, a path through a file, or a link that
 * loops (their reading says why).
 *
 * @param path The path.
 * @returns True for a folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFolder } from "./input_files.ts";
 * assert.equal(await isFolder("/tmp"), true);
 * assert.equal(await isFolder("/etc/hostname/x"), false);
 * ```
 */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    // Nothing there, a loop of links, a name too long (fi22: Deno's words and a trace), a folder above it may not
    // be entered: no folder to list.
    if (pathTrouble(error, path) !== null) return false;
    throw error;
  }
}

/**
 * A plain path: the file itself, or a folder's files that `takes` takes (not in its subfolders, not hidden), sorted;
 * nothing when it does not exist.
 *
 * @param path A file or a folder.
 * @param takes What a folder's listing takes (all its files without it).
 * @returns The files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainPath, RECORDING_FILES } from "./input_files.ts";
 * const dir = await Deno.makeTempDir();
 * for (const name of ["b.mp3", "a.WAV", "notes.txt", "loop.gif"]) await Deno.writeTextFile(`${dir}/${name}`, "");
 * assert.deepEqual(await plainPath(dir, RECORDING_FILES), [`${dir}/a.WAV`, `${dir}/b.mp3`]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function plainPath(path: string, takes?: FolderFilter): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    // A path through a file (`clip.mp4/`) names nothing; a link that loops, a name too long (fi22) or one this user
    // may not look at is taken, and its reading says why not.
    if (isMissing(error)) return [];
    if (pathTrouble(error, path) !== null) return [path];
    throw error;
  }
  if (!info.isDirectory) return [path];
  const folder = path.replace(/(.)\/+$/, "$1");
  const names: string[] = [];
  for (const entry of await folderEntries(path)) {
    if (entry.isDirectory || entry.name.startsWith(".") || !(takes?.test(entry.name) ?? true)) continue;
    const file = `${folder === "/" ? "" : folder}/${entry.name}`;
    // `.ts` names a video (MPEG transport stream) and, beside a workflow, TypeScript: the stream's sync bytes tell.
    if (takes !== undefined && extensionOf(entry.name) === "ts" && !await isTransportStream(file)) continue;
    if (await takes?.leaves?.(file)) continue;
    names.push(file);
  }
  return names.sort();
}

/**
 * A folder's entries; one this user may not list is refused, naming it (fi22: Deno's PermissionDenied and a trace,
 * exit 1).
 *
 * @param path The folder.
 * @returns Its entries, in the order the system lists them.
 * @throws {InputError} When it cannot be listed.
 */
async function folderEntries(path: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(path));
  } catch (error) {
    const trouble = error instanceof Deno.errors.PermissionDenied ? pathTrouble(error, path) : null;
    if (trouble === null) throw error;
    throw new InputError(`Cannot list the folder ${path}: ${trouble}`, { where: path, cause: error });
  }
}

/** Whether a file starts as an MPEG transport stream does: a sync byte (0x47) at 0 and at its second packet. */
async function isTransportStream(path: string): Promise<boolean> {
  try {
    const start = await readHead(path, 189);
    return start.length > 0 && start[0] === 0x47 && (start.length < 189 || start[188] === 0x47);
  } catch (error) {
    // Gone since the folder was listed: not taken. One that cannot be read is taken, and its probe names it.
    if (error instanceof Deno.errors.NotFound) return false;
    if (error instanceof Deno.errors.PermissionDenied) return true;
    throw error;
  }
}

/** Text ffmpeg reads as media: an HLS playlist and a concat list. */
const MEDIA_TEXT = ["#EXTM3U", "ffconcat"];

/**
 * Whether a file is text (its first 4 KiB UTF-8 without control characters but tabs, line and page breaks), which
 * no picture or video is, but for an HLS playlist or a concat list; an empty or unreadable file is not (its probe
 * names it).
 *
 * @param path The file.
 * @returns True for text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdsText } from "./input_files.ts";
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, "# Notes\n");
 * assert.equal(await holdsText(file), true);
 * await Deno.writeFile(file, new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]));
 * assert.equal(await holdsText(file), false);
 * await Deno.remove(file);
 * ```
 */
export async function holdsText(path: string): Promise<boolean> {
  const head = new Uint8Array(4096);
  let read: number;
  try {
    using file = await Deno.open(path, { read: true });
    read = await readFull(file, head);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) return false;
    throw error;
  }
  if (read === 0) return false;
  let text: string;
  try {
    // A character cut at the 4 KiB mark is not an error: `stream` keeps it for a next chunk that never comes.
    text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, read), { stream: true });
  } catch (error) {
    // Not UTF-8: not text.
    if (!(error instanceof TypeError)) throw error;
    return false;
  }
  const control = [...text].some((char) => {
    const code = char.codePointAt(0)!;
    return code < 0x09 || (code > 0x0d && code < 0x20) || code === 0x7f;
  });
  return !control && !MEDIA_TEXT.some((start) => text.startsWith(start));
}

async function identify(
  path: string,
  context: { path: string; issues: WorkflowIssue[]; read: HashedFile[] },
): Promise<string | null> {
  try {
    const info = await Deno.stat(path);
    const statAt = Date.now();
    // A regular file is read and digested; opening a pipe would wait for its writer, so a stream is not read here.
    if (info.isFile) {
      const sha256 = await sha256File(path);
      context.read.push({ path, before: info, statAt, sha256 });
      return `sha256:${sha256}`;
    }
    return `stream:${crypto.randomUUID()}`;
  } catch (error) {
    // Gone since it was listed, unreadable, or a link that loops (`a.mp4` → `b.mp4` → `a.mp4`).
    const why = unreadableUserFile(error, "file");
    if (why === null) throw error;
    context.issues.push({ path: context.path, message: `${why}: ${path}`, file: path });
    return null;
  }
}
