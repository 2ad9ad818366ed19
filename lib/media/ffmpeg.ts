/**
 * The one ffmpeg/ffprobe runner: picks the binaries, drops null args, honours the signal, keeps stderr for errors.
 * @module
 */
import { MissingBinaryError } from "../core/errors.ts";
import { isUnreadableFile, statOrNull } from "../core/exists.ts";
import { readHead } from "../core/read_full.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { configuredProgram, findOnPath, isExecutableFile } from "./find_binary.ts";
import { probeMp4 } from "./mp4_probe.ts";
import { beginsAsBox, notAsNamed } from "./sniff_media.ts";
import { notTheProgram } from "./probe_program.ts";
import {
  killedBy,
  ProcessError,
  type ProcessResult,
  runProcess,
  type RunProcessOptions,
} from "./run_process.ts";

/** How to install ffmpeg, printed when it is missing. */
export const FFMPEG_INSTALL_HINT =
  "Install it with `sudo apt-get install ffmpeg` (Debian/Ubuntu) or `brew install ffmpeg` (macOS), " +
  "or point REEL_FFMPEG at an ffmpeg binary (REEL_FFPROBE at ffprobe if it is not beside it)";

/**
 * Finds ffmpeg and ffprobe: `REEL_FFMPEG` / `REEL_FFPROBE` first, then ffprobe beside that ffmpeg, then PATH.
 *
 * @param env Reads environment variables; defaults to `Deno.env.get`.
 * @returns The two paths.
 * @throws {MissingBinaryError} When either cannot be found, with a message that says how to install it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * const paths = await findFfmpeg();
 * assert.ok(paths.ffmpeg.endsWith("ffmpeg"));
 * ```
 */
export async function findFfmpeg(
  env: (name: string) => string | undefined = Deno.env.get,
): Promise<FfmpegPaths> {
  const ffmpeg = await findOne("ffmpeg", env("REEL_FFMPEG"), null);
  const beside = ffmpeg.replace(/ffmpeg([^/]*)$/, "ffprobe$1");
  const ffprobe = await findOne("ffprobe", env("REEL_FFPROBE"), beside === ffmpeg ? null : beside);
  return { ffmpeg, ffprobe };
}

async function findOne(name: string, configured: string | undefined, beside: string | null): Promise<string> {
  if (configured !== undefined && configured !== "") {
    return await configuredProgram(configured, {
      name,
      variable: `REEL_${name.toUpperCase()}`,
      hint: FFMPEG_INSTALL_HINT,
    });
  }
  if (beside !== null && await isExecutableFile(beside)) return beside;
  const found = await findOnPath(name);
  if (found === null) throw new MissingBinaryError(`${name} on PATH`, FFMPEG_INSTALL_HINT);
  return found;
}

/**
 * Runs ffmpeg with `-hide_banner -nostdin -y -loglevel error` and the given args.
 *
 * @param paths The binaries.
 * @param args ffmpeg arguments; null entries are dropped.
 * @param options The signal that kills ffmpeg, what to write to its stdin (an input named `pipe:0`), and more
 *   environment.
 * @returns ffmpeg's stdout.
 * @throws {ProcessError} When ffmpeg exits with a non-zero code; the message holds its last stderr lines.
 *
 * @example
 * ```ts
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "anullsrc", "-t", "0.1", "-f", "null", "-"]);
 * ```
 */
export async function runFfmpeg(
  paths: FfmpegPaths,
  args: readonly (string | null)[],
  options: Pick<RunProcessOptions, "signal" | "stdin" | "env"> = {},
): Promise<Uint8Array> {
  return (await runFfmpegSaying(paths, args, options)).stdout;
}

/**
 * Runs ffmpeg as {@linkcode runFfmpeg} does and returns what it wrote on stdout and stderr: the errors it went on
 * past and exited 0 (a demuxer's {@linkcode PARTIAL_FILE}).
 *
 * @param paths The binaries.
 * @param args ffmpeg arguments (after the quiet defaults); null entries are dropped.
 * @param options The signal, stdin, environment, and a listener for stdout as it comes (then not kept).
 * @returns Its stdout and its stderr.
 * @throws {ProcessError} When ffmpeg exits with a non-zero code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpegSaying } from "./ffmpeg.ts";
 * const { stderr } = await runFfmpegSaying(await findFfmpeg(), ["-f", "lavfi", "-i", "anullsrc", "-t", "0.1", "-f", "null", "-"]);
 * assert.equal(stderr, "");
 * ```
 */
export async function runFfmpegSaying(
  paths: FfmpegPaths,
  args: readonly (string | null)[],
  options: Pick<RunProcessOptions, "signal" | "stdin" | "env" | "onStdout"> = {},
): Promise<ProcessResult> {
  let result: ProcessResult;
  try {
    result = await runProcess(
      paths.ffmpeg,
      ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args],
      options,
    );
  } catch (error) {
    throw (error instanceof ProcessError ? unfinishedWrite(error.stderr, error.code) : null) ?? error;
  }
  const unfinished = unfinishedWrite(result.stderr, 0);
  if (unfinished !== null) throw unfinished;
  return result;
}

/**
 * Whether ffmpeg was stopped from outside rather than failing on its input: killed by a signal (exit 128 + its
 * number), ended by SIGINT or SIGTERM (ffmpeg says `received signal 2` and exits 255: a Ctrl-C reaches the whole
 * foreground group, often before reel's own cancel), or unable to write its output. Such a failure says nothing of
 * the input's bytes.
 *
 * @param error What running ffmpeg threw.
 * @returns True for a stop from outside.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stoppedFromOutside } from "./ffmpeg.ts";
 * import { ProcessError } from "./run_process.ts";
 * assert.ok(stoppedFromOutside(new ProcessError("ffmpeg", 255, "Exiting normally, received signal 2.")));
 * assert.ok(!stoppedFromOutside(new ProcessError("ffmpeg", 1, "[png @ 0x5] chunk too big")));
 * assert.ok(!stoppedFromOutside(new ProcessError("ffmpeg", 183, "Invalid data found when processing input")));
 * ```
 */
export function stoppedFromOutside(error: unknown): boolean {
  if (error instanceof OutputWriteError) return true;
  if (!(error instanceof ProcessError)) return false;
  // Killed by a signal; or ffmpeg saying it ended on one.
  return killedBy(error) !== null || /received signal \d+/.test(error.stderr);
}

/** What ffmpeg says, exiting 0, of an output whose end it could not write: the file and the system's reason. */
const UNFINISHED_OUTPUT = /^Error (?:writing trailer of|closing file) (.+): (.+)$/m;

/**
 * The output ffmpeg said it could not finish writing, as an error, or null. Exiting 0 (ffmpeg 5.1, when it cannot
 * write an output's end: a full disk), whatever the reason: the file is cut short, and read later it failed as "Not a
 * WAV file" or "Invalid data found", naming neither the file nor the disk. Exiting 1 (fi4: a full disk in a long
 * decode, said in ffmpeg's words of three lines, given twice), only for the system's refusals to write: a muxer's
 * "Invalid argument" keeps ffmpeg's words of its cause.
 */
function unfinishedWrite(stderr: string, code: number): OutputWriteError | null {
  const said = UNFINISHED_OUTPUT.exec(stderr);
  if (said === null || (code !== 0 && !WRITE_REFUSED.test(said[2]!))) return null;
  return new OutputWriteError(said[1]!, said[2]!, stderr, code);
}

/** The system's words for a write it refused: a full disk or quota, a read-only or failing one, a file too large. */
const WRITE_REFUSED =
  /No space left on device|Disk quota exceeded|Read-only file system|Input\/output error|File too large/;

/** ffmpeg could not finish writing an output (a full disk, a folder gone), whether it exited 0 or not. */
export class OutputWriteError extends ProcessError {
  /** The output it could not finish. */
  readonly file: string;
  /**
   * @param file The output.
   * @param reason The system's words (`No space left on device`).
   * @param stderr ffmpeg's stderr.
   * @param code Its exit code: 0 when only the end could not be written.
   */
  constructor(file: string, reason: string, stderr: string, code = 0) {
    super("ffmpeg", code, stderr);
    this.message = `ffmpeg could not finish writing ${file}: ${reason}`;
    this.name = "OutputWriteError";
    this.file = file;
  }
}

/** Names ffmpeg's image reader (`image2`) takes by their extension, and reads a `%` in as a frame-number pattern. */
const IMAGE2_NAME = /\.(png|jpe?g|webp|bmp|tiff?|tga|ppm|pgm|pbm|jp2|dpx|exr|sgi|pcx|xbm|xwd)$/i;

/**
 * ffmpeg's options that read the file named `path`, as it is named: ffmpeg reads an image named `frame%d.png` as
 * the sequence `frame1.png`, `frame2.png`… (and `%{pts}.png` as nothing), so such a name is read with patterns off.
 *
 * @param path The file.
 * @returns `-i path`, after `-f image2 -pattern_type none` for an image whose name has a `%`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileInput } from "./ffmpeg.ts";
 * assert.deepEqual(fileInput("a.png"), ["-i", "a.png"]);
 * assert.deepEqual(fileInput("100%.png"), ["-f", "image2", "-pattern_type", "none", "-i", "100%.png"]);
 * assert.deepEqual(fileInput("100%.mp4"), ["-i", "100%.mp4"]);
 * ```
 */
export function fileInput(path: string): string[] {
  return readAsPattern(path) ? ["-f", "image2", "-pattern_type", "none", "-i", path] : ["-i", path];
}

/**
 * ffmpeg's output options for 16-bit PCM WAV that holds the samples alone: no metadata, no encoder tag, so the same
 * sound writes the same bytes with any ffmpeg (a step's output that others key by its digest). Put before the path.
 */
export const BITEXACT_WAV: readonly string[] = [
  "-c:a",
  "pcm_s16le",
  "-map_metadata",
  "-1",
  "-fflags",
  "+bitexact",
  "-flags:a",
  "+bitexact",
  "-f",
  "wav",
];

/**
 * Whether ffmpeg, left to itself, reads a file's name as a frame-number pattern: an image whose name has a `%`.
 *
 * @param path The file.
 * @returns True for `frame%d.png`, false for `frame1.png` or `100%.mp4`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readAsPattern } from "./ffmpeg.ts";
 * assert.ok(readAsPattern("frame%d.png"));
 * assert.ok(!readAsPattern("100%.mp4"));
 * ```
 */
export function readAsPattern(path: string): boolean {
  return path.includes("%") && IMAGE2_NAME.test(path);
}

/**
 * The first lines ffmpeg said on stderr, without the logger's prefix (`[mjpeg @ 0x55…] `, whose address changes from
 * run to run), or with only the component's name kept (`mjpeg: `).
 *
 * @param stderr What ffmpeg wrote on stderr.
 * @param options `lines`: how many non-empty lines, joined by `; ` (default 1); `named`: keep the component's name.
 * @returns The words; empty when it said none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ffmpegWords } from "./ffmpeg.ts";
 * const said = "[webp @ 0x55f08d8e30c0] image data not found\nError while decoding stream #0:0\n";
 * assert.equal(ffmpegWords(said), "image data not found");
 * assert.equal(ffmpegWords(said, { named: true }), "webp: image data not found");
 * assert.equal(ffmpegWords(said, { lines: 2 }), "image data not found; Error while decoding stream #0:0");
 * ```
 */
export function ffmpegWords(stderr: string, options: { lines?: number; named?: boolean } = {}): string {
  const { lines = 1, named = false } = options;
  return stderr.split("\n")
    .map((line) => line.replace(/^\[(\w+)[^\]]*\]\s*/, named ? "$1: " : "").trim())
    .filter((line) => line !== "")
    .slice(0, lines)
    .join("; ");
}

/**
 * Why ffprobe could not read a file, in the user's words: an MP4 without its index (its `moov`, written last unless
 * the file was made for streaming) is cut short or still being written (before: `[mov,mp4,m4a,3gp,3g2,mj2 @
 * 0x55…] moov atom not found`); one cut inside its header says so; else ffmpeg's first words, without the logger's
 * prefix, the file's path (its caller names it as given) and a last period.
 *
 * @param stderr What ffprobe wrote on stderr.
 * @param file The file it was asked about.
 * @returns The sentence; empty when ffprobe said nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unreadableMediaWords } from "./ffmpeg.ts";
 * const cut = await Deno.makeTempFile({ suffix: ".mp4" });
 * await Deno.writeFile(cut, new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode("ftypisom")]));
 * assert.match(await unreadableMediaWords("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0] moov atom not found\n", cut), /^it has no index/);
 * await Deno.writeFile(cut, crypto.getRandomValues(new Uint8Array(64)).fill(0xff, 4, 8));
 * assert.match(await unreadableMediaWords("[mov @ 0x5] moov atom not found\n", cut), /^it is not an MP4 or MOV/);
 * assert.equal(await unreadableMediaWords("x.mp3: Invalid data found when processing input\n", "x.mp3"), "Invalid data found when processing input");
 * assert.match(await unreadableMediaWords("[mov @ 0x5] error reading header\nc.mp4: End of file\n", "c.mp4"), /^it ends inside its header/);
 * await Deno.remove(cut);
 * ```
 */
export async function unreadableMediaWords(stderr: string, file: string): Promise<string> {
  const head = await plainFileHead(file);
  const misnamed = head === null ? null : notAsNamedWords(file, head);
  if (misnamed !== null) return misnamed;
  if (/moov atom not found/.test(stderr)) {
    return head === null || beginsAsBox(head)
      ? "it has no index (its moov box): it is cut short, as a partial download or copy is, or still being written"
      : "it is not an MP4 or MOV: it does not begin as one does";
  }
  // Cut inside its header or index: ffprobe's first line is "error reading header", its last "…: End of file".
  if (/: End of file$/m.test(stderr)) {
    return "it ends inside its header: it is cut short, as a partial download is";
  }
  return ffmpegWords(stderr).replace(`${file}: `, "").replace(/\.$/, "");
}

/**
 * Why a file is not what its name says, when its first bytes do not begin as that format's do (nt14: random bytes
 * named .mp4 were told as a partial download; fi14: named .mp3, in ffmpeg's words, named .ogg, as cut short).
 *
 * @param file The file's path.
 * @returns `it is not an MP3, only named as one: …`, or null (a name that says no format known here, bytes that
 * begin as it says, or anything but a plain file).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { misnamedMedia } from "./ffmpeg.ts";
 * const file = await Deno.makeTempFile({ suffix: ".ogg" });
 * await Deno.writeTextFile(file, "<html><body>Not found</body></html>");
 * assert.equal(await misnamedMedia(file), "it is not an Ogg file, only named as one: it does not begin as one does");
 * await Deno.remove(file);
 * ```
 */
export async function misnamedMedia(file: string): Promise<string | null> {
  const head = await plainFileHead(file);
  return head === null ? null : notAsNamedWords(file, head);
}

/** {@linkcode misnamedMedia}'s words for a file's first bytes. */
function notAsNamedWords(file: string, head: Uint8Array): string | null {
  const named = notAsNamed(file, head);
  return named === null ? null : `it is not ${named}, only named as one: it does not begin as one does`;
}

/**
 * A file's first 16 bytes; null for anything but a plain file (a pipe, read once) and for one not ours to read
 * (ffprobe read it as another user may: said as ffprobe said it).
 */
async function plainFileHead(file: string): Promise<Uint8Array | null> {
  if (statOrNull(file)?.isFile !== true) return null;
  try {
    return await readHead(file, 16);
  } catch (error) {
    if (isUnreadableFile(error)) return null;
    throw error;
  }
}

/**
 * What ffmpeg's MP4/MOV reader says on stderr, and exits 0, when a file's data ends before its index does (an MP4
 * cut after its moov, a partial download): what it decoded is a part, not the file.
 */
export const PARTIAL_FILE: RegExp = /: partial file$/m;

/**
 * How often ffmpeg said, going on and exiting 0, that it could not decode part of an input: a packet it dropped
 * (`Error while decoding stream #0:1: Invalid data found when processing input`) or a picture it patched from its
 * neighbours (`[h264 @ 0x55…] concealing 812 DC, 812 AC, 812 MV errors in P frame`), each time it said so (a line
 * ffmpeg folds into the next one's `Last message repeated 2 times` counts those). More than none is a damaged file,
 * and what ffmpeg made of it misses what those packets held. The words are ffmpeg 5.1's (Debian 12's).
 *
 * @param stderr What ffmpeg wrote on stderr (at `-loglevel error`).
 * @returns The count; 0 for an input decoded whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeErrors } from "./ffmpeg.ts";
 * const said = "[aac @ 0x55c9] Reserved bit set.\nError while decoding stream #0:0: Invalid data found when processing input\n";
 * assert.equal(decodeErrors(said), 1);
 * assert.equal(decodeErrors("[h264 @ 0x5f] concealing 80 DC, 80 AC, 80 MV errors in P frame\n"), 1);
 * assert.equal(decodeErrors(`${said}    Last message repeated 2 times\n`), 3);
 * assert.equal(decodeErrors(""), 0);
 * ```
 */
export function decodeErrors(stderr: string): number {
  let count = 0;
  for (const match of stderr.matchAll(DECODE_ERROR)) count += 1 + Number(match[1] ?? 0);
  return count;
}

const DECODE_ERROR =
  /^(?:Error while decoding stream #|\[\w+ @ 0x[0-9a-f]+\] concealing ).*(?:\n\s+Last message repeated (\d+) times)?/gm;

/** Options for {@linkcode damagedInputWarning}. */
export interface DamagedInputOptions {
  /** What {@linkcode decodeErrors} counted. */
  errors: number;
  /** What the output lacks for it, e.g. `the transcript misses what they held`. */
  missing: string;
}

/**
 * The warning a step gives (in its value's `warnings`) for an input ffmpeg could not wholly decode.
 *
 * @param input The input, as the user named it.
 * @param options What was counted, and what the output lacks for it.
 * @returns The sentence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { damagedInputWarning } from "./ffmpeg.ts";
 * assert.equal(
 *   damagedInputWarning("talk.m4a", { errors: 3, missing: "the transcript misses what they held" }),
 *   "talk.m4a is damaged: ffmpeg could not decode 3 of its packets (a broken download or copy?), and the " +
 *     "transcript misses what they held",
 * );
 * ```
 */
export function damagedInputWarning(input: string, options: DamagedInputOptions): string {
  const { errors, missing } = options;
  return `${input} is damaged: ffmpeg could not decode ${
    errors === 1 ? "one" : errors
  } of its packets (a broken download or copy?), and ${missing}`;
}

/** One stream of a probed media file. */
export interface ProbedStream {
  /** `video`, `audio`, `subtitle`... */
  type: string;
  /** Codec name, e.g. `h264`, `aac`. */
  codec: string;
  /** Width in pixels, or null for non-video streams. */
  width: number | null;
  /** Height in pixels, or null for non-video streams. */
  height: number | null;
  /** Duration in seconds, or null when the container does not say. */
  duration: number | null;
}

/** What ffprobe says of a media file. */
export interface ProbeResult {
  /** Container duration in seconds (NaN only where `unknownLength: "accept"` let a file without one through). */
  duration: number;
  /** The streams, in file order. */
  streams: ProbedStream[];
}

/**
 * Reads the container duration and the streams of a media file: a plain MP4 of H.264 and AAC (every output reel
 * checks) from its boxes (see `mp4_probe.ts`), anything else with ffprobe. Both report the same.
 *
 * @param paths The binaries.
 * @param file The media file.
 * @param options The signal that kills ffprobe.
 * @returns Duration and streams.
 * @throws {ProcessError} When ffprobe cannot read the file.
 *
 * @example
 * ```ts
 * import { findFfmpeg, probeMedia } from "./ffmpeg.ts";
 * const paths = await findFfmpeg();
 * // const { duration } = await probeMedia(paths, "out/intro.16x9.mp4");
 * ```
 */
export async function probeMedia(
  paths: FfmpegPaths,
  file: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  return await probeMp4(file) ?? await ffprobeMedia(paths, file, options);
}

/** Options of {@linkcode probeMedia} and {@linkcode ffprobeMedia}. */
export interface ProbeOptions {
  /** Kills ffprobe (and ffmpeg). */
  signal?: AbortSignal;
  /**
   * What a file whose container says no length (a browser's MediaRecorder WebM, a Matroska streamed from ffmpeg)
   * gives: a RangeError (`refuse`), its length measured by decoding its sound to its end (`measure`), or a duration
   * of NaN (`accept`: for a caller that needs its streams only, spared a whole decode). @default "refuse"
   */
  unknownLength?: "refuse" | "measure" | "accept";
}

/**
 * What ffprobe printed as JSON (`-of json`), read.
 *
 * @param text What it printed.
 * @param asked Its path and what it was asked.
 * @returns The value.
 * @throws {InputError} When it is not JSON: a program that is not ffprobe (fi10: a wrapper that printed HTML
 *   stopped the render with JSON's SyntaxError and its stack, exit 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ffprobeJson } from "./ffmpeg.ts";
 * const asked = { ffprobe: "/bin/x", args: ["-of", "json", "a.wav"] };
 * assert.deepEqual(ffprobeJson('{"streams":[]}', asked), { streams: [] });
 * assert.throws(
 *   () => ffprobeJson("<html>", asked),
 *   /ffprobe at \/bin\/x is not ffprobe: `\/bin\/x -of json a.wav` printed "<html>"/,
 * );
 * ```
 */
export function ffprobeJson(text: string, asked: { ffprobe: string; args: readonly string[] }): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw notTheProgram({ name: "ffprobe", program: asked.ffprobe, args: asked.args }, text);
  }
}

/**
 * Reads the container duration and the streams of a media file with ffprobe.
 *
 * @param paths The binaries.
 * @param file The media file.
 * @param options The signal that kills ffprobe.
 * @returns Duration and streams.
 * @throws {ProcessError} When ffprobe cannot read the file.
 *
 * @example
 * ```ts
 * import { ffprobeMedia, findFfmpeg } from "./ffmpeg.ts";
 * const paths = await findFfmpeg();
 * // const { duration } = await ffprobeMedia(paths, "talk.mp3");
 * ```
 */
export async function ffprobeMedia(
  paths: FfmpegPaths,
  file: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const args = [
    "-v",
    "error",
    "-show_entries",
    "format=duration:stream=codec_type,codec_name,width,height,duration",
    "-of",
    "json",
    ...fileInput(file),
  ];
  const { stdout } = await runProcess(paths.ffprobe, args, { signal: options.signal });
  const parsed = ffprobeJson(new TextDecoder().decode(stdout), { ffprobe: paths.ffprobe, args }) as {
    format?: { duration?: string };
    streams?: {
      codec_type?: string;
      codec_name?: string;
      width?: number;
      height?: number;
      duration?: string;
    }[];
  };
  let duration = Number(parsed.format?.duration);
  const sound = parsed.streams?.some((stream) => stream.codec_type === "audio") === true;
  const unknown = sound ? options.unknownLength ?? "refuse" : "refuse";
  if (!Number.isFinite(duration) && unknown === "measure") {
    duration = await decodedSeconds(paths, file, { ...options, stream: "sound" });
  }
  if (!Number.isFinite(duration) && unknown !== "accept") {
    throw new RangeError(`ffprobe found no duration in ${file}`);
  }
  return {
    duration,
    streams: (parsed.streams ?? []).map((stream) => ({
      type: stream.codec_type ?? "unknown",
      codec: stream.codec_name ?? "unknown",
      width: stream.width ?? null,
      height: stream.height ?? null,
      duration: stream.duration === undefined ? null : Number(stream.duration),
    })),
  };
}

/**
 * Seconds of sound or of pictures in a file whose container says no length (a browser's WebM, a raw H.264 stream),
 * by decoding that stream to its end: ffmpeg's last `out_time_us` (a picture's counts its own duration).
 *
 * @param paths The binaries.
 * @param file The media file.
 * @param options Which stream (`sound` or `pictures`), and the signal that kills ffmpeg.
 * @returns The seconds; NaN when ffmpeg says none.
 * @throws {ProcessError} When ffmpeg cannot read the file.
 *
 * @example
 * ```ts
 * import { decodedSeconds, findFfmpeg } from "./ffmpeg.ts";
 * // await decodedSeconds(await findFfmpeg(), "clip.h264", { stream: "pictures" }); // 2 for 50 frames at 25 fps
 * ```
 */
export async function decodedSeconds(
  paths: FfmpegPaths,
  file: string,
  options: { stream: "sound" | "pictures"; signal?: AbortSignal },
): Promise<number> {
  const { stdout } = await runProcess(paths.ffmpeg, [
    "-v",
    "error",
    "-nostdin",
    ...fileInput(file),
    options.stream === "sound" ? "-vn" : "-an",
    "-sn",
    "-dn",
    "-f",
    "null",
    "-progress",
    "pipe:1",
    "-",
  ], { signal: options.signal });
  const times = [...new TextDecoder().decode(stdout).matchAll(/^out_time_us=(\d+)$/gm)];
  return times.length === 0 ? NaN : Number(times.at(-1)![1]) / 1e6;
}
