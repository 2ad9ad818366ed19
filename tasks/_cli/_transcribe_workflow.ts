/**
 * The workflow a `transcribe` command stands for: its recordings and options as a workflow's `transcribe` field
 * (and the provider `--engine` names), so the command runs exactly what a workflow file with that field runs.
 * @module
 */
import { closestName } from "../../lib/core/closest_name.ts";
import { InputError } from "../../lib/core/errors.ts";
import { plainLatin } from "../../lib/core/latin_letters.ts";
import { shortDigest, withinLength } from "../../lib/core/within_length.ts";
import { ID_MAX_LENGTH } from "../../lib/schema/fields.ts";
import type { WorkflowInput } from "../../lib/workflow/workflow_schema.ts";

/** The options of `transcribe`, as parsed. */
export interface TranscribeOptions {
  engine: string;
  model?: string;
  language?: string;
  prompt?: string;
  chunk?: number;
  overlap?: number;
  context?: number;
  baseUrl?: string;
  keyEnv?: string;
  rpm?: number;
  concurrency?: number;
}

/**
 * Builds the workflow: a recording each, its id the file's name made lowercase without accents (`My Talk.mp3` →
 * `my-talk`, then `my-talk-2` for a second of that name; see {@linkcode recordingId}).
 *
 * @param recordings The recordings as given.
 * @param options The command's options.
 * @returns The workflow's value.
 * @throws {InputError} When `--engine` names a server other than `openai` without `--base-url`, or is pocketsphinx
 * with an option only a server reads (`--base-url`, `--key-env`, `--rpm`, `--concurrency`).
 */
export function transcribeWorkflow(recordings: readonly string[], options: TranscribeOptions): WorkflowInput {
  const { engine } = options;
  const used = new Set<string>();
  const transcribe = recordings.map((input) => {
    const base = recordingId(input);
    let id = base;
    for (let n = 2; used.has(id); n++) id = withinLength(`${base}-${n}`, ID_MAX_LENGTH);
    used.add(id);
    return {
      id,
      input,
      engine,
      model: options.model,
      language: options.language,
      prompt: options.prompt,
      chunk: options.chunk,
      overlap: options.overlap,
      context: options.context,
    };
  });
  if (engine === "pocketsphinx") {
    // What only a server reads would be dropped without a word: named instead, as --model is.
    const serverOnly = ([["--base-url", options.baseUrl], ["--key-env", options.keyEnv], [
      "--rpm",
      options.rpm,
    ], ["--concurrency", options.concurrency]] as const).find(([, value]) => value !== undefined);
    if (serverOnly !== undefined) {
      throw new InputError(`${serverOnly[0]} is for a server's engine; pocketsphinx runs on this machine`, {
        where: serverOnly[0],
        hint: "Drop it, or choose a server: --engine openai, or --engine <name> --base-url <url>",
      });
    }
    return { transcribe };
  }
  if (engine !== "openai" && options.baseUrl === undefined) {
    // A misspelt built-in engine is told as one, not sent off to set up a server (nt14: `pocketsphynx`).
    const meant = closestName(engine, ["pocketsphinx", "openai"]);
    if (meant !== null) {
      throw new InputError(`--engine ${engine} is no engine of reel's (did you mean "${meant}"?)`, {
        where: "--engine",
        hint: "pocketsphinx runs on this machine; openai is the hosted API; another name needs --base-url",
      });
    }
    throw new InputError(`--engine ${engine} needs --base-url: where its OpenAI-compatible server answers`, {
      hint:
        "e.g. --engine whisper --base-url http://127.0.0.1:8000/v1, or --engine openai for the hosted API",
    });
  }
  const provider = {
    api: "openai" as const,
    baseUrl: options.baseUrl,
    keyEnv: options.keyEnv,
    concurrency: options.concurrency,
    rate: options.rpm === undefined ? undefined : { requests: options.rpm },
  };
  return { transcribe, providers: { [engine]: provider } };
}

/**
 * A recording's id from its file's name: lowercase, its Latin letters plain (`Ünï Cödé.wav` → `uni-code`, before
 * `n-c-d`; `Straße` → `strasse`, see `plainLatin`),
 * each other run of characters a `-`; `recording-` and 8 hex digits of the name's SHA-256 when no Latin letter or
 * digit is left (`講義.wav`), so that two such recordings' outputs are told apart by more than a number.
 *
 * @param input The recording's path.
 * @returns The id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordingId } from "./_transcribe_workflow.ts";
 * assert.equal(recordingId("talks/My Talk.mp3"), "my-talk");
 * assert.equal(recordingId("Ünï Cödé.wav"), "uni-code");
 * assert.match(recordingId("講義.wav"), /^recording-[0-9a-f]{8}$/);
 * assert.match(recordingId(`${"a".repeat(101)}.wav`), /^a{91}-[0-9a-f]{8}$/);
 * ```
 */
export function recordingId(input: string): string {
  const name = (input.split("/").pop() ?? input).replace(/\.[^.]*$/, "");
  const id = plainLatin(name).toLowerCase().replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|-+$/g, "");
  // A name whose letters are none of them Latin (`講義 2.wav` gave `2`) is told apart by its digest.
  const latin = /[a-z]/.test(id) || (id !== "" && !/\p{L}/u.test(name));
  // fi4: a name of over 100 characters was refused "at --id", an option `transcribe` does not have.
  return latin
    ? withinLength(id, ID_MAX_LENGTH)
    : name === ""
    ? "recording"
    : `recording-${shortDigest(name)}`;
}
