/**
 * The one way to run pocketsphinx (`pocketsphinx_continuous` of Debian's pocketsphinx 0.8 with its US English
 * model): find it, tell which binary and model it is (for keys), and recognize the words of a 16 kHz mono WAV file
 * with their times.
 * @module
 */
import { basename, relative } from "node:path";
import { MissingBinaryError } from "../core/errors.ts";
import { scratchFolder } from "../core/scratch_folder.ts";
import { sha256File, sha256Hex } from "../core/sha256.ts";
import type { TimedWord } from "../core/timed_word.ts";
import { configuredProgram, findOnPath, loadedLibraries } from "./find_binary.ts";
import { notTheProgram, probeProgram } from "./probe_program.ts";
import { runProcess } from "./run_process.ts";
import { pcmWav } from "./wav_pcm.ts";

/** How to install pocketsphinx and its English model, given when it is missing. */
export const POCKETSPHINX_INSTALL_HINT =
  "Install it with `sudo apt-get install pocketsphinx pocketsphinx-en-us`, or point REEL_POCKETSPHINX at a " +
  "pocketsphinx_continuous binary";

/**
 * Finds `pocketsphinx_continuous`: `REEL_POCKETSPHINX` first, then PATH.
 *
 * @returns Its path, or null when it is not installed.
 * @throws {MissingBinaryError} When `REEL_POCKETSPHINX` names a file that cannot be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPocketsphinx } from "./pocketsphinx.ts";
 * const program = await findPocketsphinx();
 * assert.ok(program === null || program.includes("pocketsphinx"));
 * ```
 */
export async function findPocketsphinx(): Promise<string | null> {
  const configured = Deno.env.get("REEL_POCKETSPHINX");
  if (configured !== undefined && configured !== "") {
    return await configuredProgram(configured, {
      name: "pocketsphinx_continuous",
      variable: "REEL_POCKETSPHINX",
      hint: POCKETSPHINX_INSTALL_HINT,
    });
  }
  return await findOnPath("pocketsphinx_continuous");
}

/**
 * Finds `pocketsphinx_continuous` or says how to install it.
 *
 * @returns Its path.
 * @throws {MissingBinaryError} When it is not installed.
 *
 * @example
 * ```ts
 * import { requirePocketsphinx } from "./pocketsphinx.ts";
 * // const program = await requirePocketsphinx();
 * ```
 */
export async function requirePocketsphinx(): Promise<string> {
  const program = await findPocketsphinx();
  if (program === null) {
    throw new MissingBinaryError("pocketsphinx_continuous on PATH", POCKETSPHINX_INSTALL_HINT);
  }
  return program;
}

/**
 * What pocketsphinx is, for keys: a digest of its binary, its shared libraries and the model files it loads by
 * default (acoustic model, language model, dictionary), so an upgrade of either runs again what it heard. Costs one short run.
 *
 * @param program The binary.
 * @param options The signal that kills it.
 * @returns `pocketsphinx <12 hex digits>`.
 * @throws {InputError} When it fails or hangs (see `probeProgram`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPocketsphinx, pocketsphinxIdentity } from "./pocketsphinx.ts";
 * const program = await findPocketsphinx();
 * if (program !== null) assert.match(await pocketsphinxIdentity(program), /^pocketsphinx [0-9a-f]{12}$/);
 * ```
 */
export async function pocketsphinxIdentity(
  program: string,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  await using folder = await scratchFolder("reel-asr-");
  const silence = `${folder.path}/silence.wav`;
  await Deno.writeFile(silence, pcmWav(new Uint8Array(3200), { sampleRate: 16_000 }));
  const args = ["-infile", silence];
  const { stdout, stderr } = await probeProgram(program, args, {
    name: "pocketsphinx",
    signal: options.signal,
  });
  // fi4: a program that printed anything and exited 0 was taken, and its silence blamed on every recording.
  if (!stderr.includes("Current configuration:")) {
    const printed = `${new TextDecoder().decode(stdout)}${stderr}`.trim();
    // Its log names the models it reads (below); a wrapper that sends it elsewhere (`-logfn`) is not told from
    // another program. The temporary file is named as what it is.
    throw notTheProgram({ name: "pocketsphinx", program, args: ["-infile", "silence.wav"] }, printed);
  }
  // Its libraries too (libpocketsphinx and sphinxbase are packaged apart from the binary). Each file is named by
  // what it is, not where: a byte-identical copy elsewhere (another container's layout, REEL_POCKETSPHINX at a
  // copy) hears the same words and keeps every chunk's key.
  const libraries = await loadedLibraries(program, ["-infile", silence]);
  const named = [
    { name: "program", file: program },
    ...libraries.map((file) => ({ name: basename(file), file })),
  ];
  for (const option of ["-hmm", "-lm", "-dict"]) {
    const line = stderr.split("\n").find((text) =>
      text.startsWith(`${option}\t`) || text.startsWith(`${option} `)
    );
    const path = line?.trim().split(/\s+/).pop();
    if (path === undefined || path === option) continue;
    for (const file of await filesUnder(path)) {
      named.push({ name: `${option} ${relative(path, file)}`, file });
    }
  }
  const digests = [];
  for (const { name, file } of named.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    digests.push(`${name}:${await sha256File(file)}`);
  }
  return `pocketsphinx ${sha256Hex(digests.join("\n")).slice(0, 12)}`;
}

/**
 * Recognizes the words of a 16 kHz mono 16-bit WAV file with their times (`-time yes`), fillers (`<s>`, `<sil>`,
 * `[NOISE]`) left out and alternate pronunciations (`the(2)`) named as the word.
 *
 * @param program The binary (see {@linkcode requirePocketsphinx}).
 * @param wavPath The audio.
 * @param options The signal that kills pocketsphinx.
 * @returns The words in order, times in seconds from the file's start, confidence from 0 to 1.
 * @throws {ProcessError} When pocketsphinx fails.
 * @throws {InputError} When what it prints is not word times: another program.
 *
 * @example
 * ```ts
 * import { recognizeWords, requirePocketsphinx } from "./pocketsphinx.ts";
 * // const words = await recognizeWords(await requirePocketsphinx(), "chunk.wav");
 * ```
 */
export async function recognizeWords(
  program: string,
  wavPath: string,
  options: { signal?: AbortSignal } = {},
): Promise<TimedWord[]> {
  const args = ["-infile", wavPath, "-time", "yes", "-logfn", "/dev/null"];
  const { stdout } = await runProcess(program, args, options);
  const text = new TextDecoder().decode(stdout);
  // It prints nothing for silence, and a line of times (`<s> 0.000 0.720 1.000000`) for every utterance, heard or
  // not: anything else is another program's (fi10: a wrapper's lines were taken for silence, exit 0).
  if (text.trim() !== "" && !text.split("\n").some((line) => WORD_TIME.test(line.trim()))) {
    throw notTheProgram({ name: "pocketsphinx", program, args }, text.trim());
  }
  return parseWordTimes(text);
}

/** A line of `-time yes`: `word start end confidence`. */
const WORD_TIME = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/;

/**
 * Reads the word lines pocketsphinx prints with `-time yes` (`word start end confidence`); the utterance lines
 * between them are left out.
 *
 * @param text pocketsphinx's stdout.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWordTimes } from "./pocketsphinx.ts";
 * const words = parseWordTimes("the sun\n<s> 0.04 0.12 0.99\nthe(2) 0.13 0.32 0.69\nsun 0.33 0.7 1.0006\n");
 * assert.deepEqual(words.map((word) => word.text), ["the", "sun"]);
 * assert.equal(words[1]?.confidence, 1);
 * ```
 */
export function parseWordTimes(text: string): TimedWord[] {
  const words: TimedWord[] = [];
  for (const line of text.split("\n")) {
    const match = WORD_TIME.exec(line.trim());
    if (match === null) continue;
    const [, token, start, end, confidence] = match;
    if (/^[<[+]/.test(token!)) continue;
    words.push({
      text: token!.replace(/\(\d+\)$/, ""),
      start: Number(start),
      end: Number(end),
      confidence: Math.min(1, Math.max(0, Number(confidence))),
    });
  }
  return words;
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await Deno.stat(path);
  if (!info.isDirectory) return [path];
  const files: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    files.push(...await filesUnder(`${path}/${entry.name}`));
  }
  return files;
}
