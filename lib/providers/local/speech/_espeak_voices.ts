/**
 * Checking an espeak-ng voice name against the voices the installed espeak-ng lists, since espeak-ng silently falls
 * back to a language (`no-such-voice` speaks Norwegian) or drops an unknown `+variant`.
 * @module
 */
import { InputError } from "../../../core/errors.ts";
import { fileIdentity } from "../../../media/find_binary.ts";
import { runProcess } from "../../../media/run_process.ts";
import { PROGRAM_REPAIR } from "../../../media/probe_program.ts";

/** A voice espeak-ng does not have: the workflow's mistake, named where the voice is set. */
export class UnknownVoiceError extends InputError {
  /**
   * @param message Which voice, and why.
   * @param options The hint and the cause.
   */
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "UnknownVoiceError";
  }
}

/**
 * Throws unless `voice` (`<voice>` or `<voice>+<variant>`) names a voice and variant that `espeak-ng --voices` lists:
 * the voice by language code, voice name or file, ignoring case, and the variant by its file's name, case and all, as
 * espeak-ng looks it up (`en+Mike` speaks as Mike; `en+mike`, like `en+nosuch`, speaks plain English).
 *
 * @param program The espeak-ng binary.
 * @param voice The voice name from the request.
 * @param options The signal that kills espeak-ng.
 * @throws {UnknownVoiceError} When the voice or the variant is unknown.
 */
export async function assertEspeakVoice(
  program: string,
  voice: string,
  options: { signal?: AbortSignal },
): Promise<void> {
  const { signal } = options;
  const [base = "", variant = null] = voice.split(/\+(.*)/s);
  const hint = "Run `espeak-ng --voices=en` to list voices and `espeak-ng --voices=variant` for variants, " +
    "e.g. en-us, en-gb, en-us+f3";
  if (!(await hasVoiceName(program, null, base.toLowerCase(), signal))) {
    // An espeak-ng with no voices at all is broken (or not espeak-ng): the voice is not what to fix.
    if ((await listVoiceNames(program, null, { signal })).size === 0) {
      throw new InputError(`espeak-ng at ${program} lists no voices: it is broken, or not espeak-ng`, {
        where: program,
        hint: PROGRAM_REPAIR["espeak-ng"],
      });
    }
    throw new UnknownVoiceError(`Unknown espeak-ng voice "${voice}"`, { hint });
  }
  const variantFile = variant?.replace(/^!v\//, "") ?? null;
  if (variantFile !== null && !(await hasVoiceName(program, "variant", variantFile, signal))) {
    const variants = await listVoiceNames(program, "variant", { signal });
    const cased = [...variants].find((name) => name.toLowerCase() === variantFile.toLowerCase());
    throw new UnknownVoiceError(`Unknown espeak-ng voice "${voice}": no variant "${variant}"`, {
      hint: cased === undefined
        ? hint
        : `espeak-ng finds a variant by its file's name, case and all: write "${base}+${cased}"`,
    });
  }
}

/**
 * Whether the list has `name`: a name missing from a remembered list is looked for once more in a fresh read, so
 * that a voice installed while a process runs (espeak-ng's data, not its program file) is found.
 */
async function hasVoiceName(
  program: string,
  kind: string | null,
  name: string,
  signal?: AbortSignal,
): Promise<boolean> {
  if ((await listVoiceNames(program, kind, { signal })).has(name)) return true;
  return (await listVoiceNames(program, kind, { signal, fresh: true })).has(name);
}

/** A read of one voice list, shared by the callers waiting for it. */
interface SharedRead {
  names: Promise<Set<string>>;
  /** Kills the read's espeak-ng. */
  controller: AbortController;
  /** Callers still waiting for it. */
  waiting: number;
  /** Whether the read has ended (with the names or an error). */
  ended: boolean;
}

/** The voice lists read, by program file (path, inode, size, times) and list: one run of each a process or worker. */
const lists = new Map<string, SharedRead>();

/**
 * The names `espeak-ng --voices[=kind]` lists, lower-cased (variants: their files' names as they are): read once
 * per process or worker for each program file and list (every speech step checks its voice, and each run of
 * espeak-ng costs a process start), read again when the file changes (an upgrade), when the last read failed, or
 * when asked `fresh`. Callers share a read; a caller whose signal aborts stops waiting at once, and the last one to
 * stop waiting kills the read's espeak-ng.
 */
async function listVoiceNames(
  program: string,
  kind: string | null,
  options: { signal?: AbortSignal; fresh?: boolean },
): Promise<Set<string>> {
  const { signal, fresh = false } = options;
  signal?.throwIfAborted();
  const key = [program, kind, fileIdentity(program)].join("\0");
  let read = lists.get(key);
  if (read === undefined || fresh) {
    const controller = new AbortController();
    const names = readVoiceNames(program, kind, controller.signal);
    const shared: SharedRead = { names, controller, waiting: 0, ended: false };
    lists.set(key, shared);
    names.then(() => shared.ended = true, () => {
      shared.ended = true;
      if (lists.get(key) === shared) lists.delete(key);
    });
    read = shared;
  }
  const shared = read;
  shared.waiting++;
  let leave!: () => void;
  const left = new Promise<never>((_, reject) => {
    leave = () => reject(signal!.reason);
    signal?.addEventListener("abort", leave, { once: true });
  });
  left.catch(() => {});
  try {
    return await Promise.race([shared.names, left]);
  } finally {
    signal?.removeEventListener("abort", leave);
    if (--shared.waiting === 0 && signal?.aborted && !shared.ended) {
      // Forgotten before it is killed, so that a caller arriving next starts a read of its own.
      if (lists.get(key) === shared) lists.delete(key);
      shared.controller.abort(signal.reason);
    }
  }
}

async function readVoiceNames(
  program: string,
  kind: string | null,
  signal: AbortSignal,
): Promise<Set<string>> {
  const { stdout } = await runProcess(program, [kind === null ? "--voices" : `--voices=${kind}`], { signal });
  const names = new Set<string>();
  // Columns: Pty, Language, Age/Gender, VoiceName, File, then "(code priority)" pairs for other languages.
  for (const line of new TextDecoder().decode(stdout).split("\n").slice(1)) {
    const [, language, , name, file, ...others] = line.trim().split(/\s+/);
    if (language === undefined || name === undefined || file === undefined) continue;
    const fileName = file.replace(/^!v\//, "");
    if (kind === "variant") {
      // A variant's file name may hold a space (`!v/Mr serious`), and no other languages follow it.
      names.add([fileName, ...others].join(" "));
      continue;
    }
    for (const entry of [language, name, file, fileName, fileName.split("/").pop() ?? ""]) {
      names.add(entry.toLowerCase());
    }
    for (const [, code = ""] of others.join(" ").matchAll(/\(([^\s()]+) \d+\)/g)) {
      names.add(code.toLowerCase());
    }
  }
  return names;
}
