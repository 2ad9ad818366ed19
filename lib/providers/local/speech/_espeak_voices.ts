/**
 * Checking an espeak-ng voice name against the voices the installed espeak-ng lists, since espeak-ng silently falls
 * back to a language (`no-such-voice` speaks Norwegian) or drops an unknown `+variant`.
 * @module
 */
import { InputError } from "../../../core/errors.ts";
import { runProcess } from "../../../media/run_process.ts";

/**
 * Throws unless `voice` (`<voice>` or `<voice>+<variant>`) names a voice and variant that `espeak-ng --voices` lists,
 * by language code, voice name or file, ignoring case.
 *
 * @param program The espeak-ng binary.
 * @param voice The voice name from the request.
 * @param options The signal that kills espeak-ng.
 * @throws {InputError} When the voice or the variant is unknown.
 */
export async function assertEspeakVoice(
  program: string,
  voice: string,
  options: { signal?: AbortSignal },
): Promise<void> {
  const { signal } = options;
  const [base = "", variant = null] = voice.toLowerCase().split(/\+(.*)/s);
  const hint = "Run `espeak-ng --voices=en` to list voices and `espeak-ng --voices=variant` for variants, " +
    "e.g. en-us, en-gb, en-us+f3";
  if (!(await listVoiceNames(program, null, signal)).has(base)) {
    throw new InputError(`Unknown espeak-ng voice "${voice}"`, { hint });
  }
  if (
    variant !== null && !(await listVoiceNames(program, "variant", signal)).has(variant.replace(/^!v\//, ""))
  ) {
    throw new InputError(`Unknown espeak-ng voice "${voice}": no variant "${variant}"`, { hint });
  }
}

/** The voice lists read, by program file (path, inode, size, change time) and list: one run of each a process. */
const lists = new Map<string, Promise<Set<string>>>();

/**
 * The names `espeak-ng --voices[=kind]` lists, lower-cased: read once per process for each program file and list
 * (every speech step checks its voice, and each run of espeak-ng costs a process start), read again when the
 * file changes (an upgrade) or the last read failed. The read is shared, so one caller's signal does not stop it;
 * each caller's signal is checked when it ends.
 */
async function listVoiceNames(
  program: string,
  kind: string | null,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const file = await Deno.stat(program);
  const key = [program, kind, file.ino, file.size, file.ctime?.getTime(), file.mtime?.getTime()].join("\0");
  let list = lists.get(key);
  if (list === undefined) {
    list = readVoiceNames(program, kind);
    lists.set(key, list);
    list.catch(() => lists.delete(key));
  }
  const names = await list;
  signal?.throwIfAborted();
  return names;
}

async function readVoiceNames(program: string, kind: string | null): Promise<Set<string>> {
  const { stdout } = await runProcess(program, [kind === null ? "--voices" : `--voices=${kind}`]);
  const names = new Set<string>();
  // Columns: Pty, Language, Age/Gender, VoiceName, File, then "(code priority)" pairs for other languages.
  for (const line of new TextDecoder().decode(stdout).split("\n").slice(1)) {
    const [, language, , name, file, ...others] = line.trim().split(/\s+/);
    if (language === undefined || name === undefined || file === undefined) continue;
    const fileName = file.replace(/^!v\//, "");
    for (const entry of [language, name, file, fileName, fileName.split("/").pop() ?? ""]) {
      names.add(entry.toLowerCase());
    }
    for (const [, code = ""] of others.join(" ").matchAll(/\(([^\s()]+) \d+\)/g)) {
      names.add(code.toLowerCase());
    }
  }
  return names;
}
