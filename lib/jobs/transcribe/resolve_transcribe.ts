/**
 * Resolving a workflow's transcriptions: recordings found and hashed, engines checked against the providers,
 * every default applied.
 * @module
 */
import { type HashedFile, rememberDigests } from "../../media/file_digests.ts";
import type { WorkflowIssue } from "../../core/errors.ts";
import { closestName } from "../../core/closest_name.ts";
import { isLocalVoice } from "../../schema/resolve_common.ts";
import { statUserFile, unreadableUserFile } from "../../core/read_user_file.ts";
import { sha256File } from "../../core/sha256.ts";
import type { ResolveContext } from "../../schema/job_kind.ts";
import { workflowPath } from "../../schema/workflow_path.ts";
import type {
  ResolvedTranscribe,
  ResolvedTranscriber,
  ResolvedTranscription,
  TranscribeInput,
} from "./transcribe_schema.ts";

/** The defaults of a transcription: chunk lengths per kind of engine, overlap, context and silences. */
export const TRANSCRIBE_DEFAULTS = {
  /**
   * pocketsphinx starts in 0.4 s and hears about 8 s of speech a second: a minute and a half a chunk keeps its
   * starts and the context each chunk hears again to a few percent (the fastest of 60, 90 and 120 s measured).
   */
  localChunk: 90,
  /** A hosted API answers a call in seconds whatever its length: ten minutes a call, well under 25 MB compact. */
  hostedChunk: 600,
  overlap: 2,
  context: 2,
  language: "en",
  model: "whisper-1",
  /** `noise`: the level of a silence at most, lower for a quiet recording (see `silenceNoise`). */
  silence: { noise: -35, duration: 0.3 },
} as const;

/**
 * The level under which a recording counts as silent when the workflow sets none: 20 dB under its loudest 50 ms, and
 * -35 dB at most. A quiet recording's speech (its loudest at -35 dB) lay under the fixed -35: cuts fell inside it,
 * taken for clean ones, and words were lost there (tx); a recording of usual level keeps -35.
 *
 * @param loudest The recording's loudest 50 ms in dB (see `loudestStretchDb`), or null when it has no sound.
 * @returns The level in dB.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silenceNoise } from "./resolve_transcribe.ts";
 * assert.equal(silenceNoise(-7), -35);
 * assert.equal(silenceNoise(-34.8), -55);
 * assert.equal(silenceNoise(null), -35);
 * ```
 */
export function silenceNoise(loudest: number | null): number {
  const usual = TRANSCRIBE_DEFAULTS.silence.noise;
  return loudest === null ? usual : Math.min(usual, Math.round(loudest) - 20);
}

/**
 * Resolves the `transcribe` field.
 *
 * @param input The parsed fields.
 * @param context The workflow's file, providers, and where problems go.
 * @returns The transcriptions, or null when the workflow has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTranscribe } from "./resolve_transcribe.ts";
 * const issues: { path: string; message: string }[] = [];
 * const context = { file: "w.ts", moduleUrl: "file:///nowhere/w.ts", env: () => undefined, providers: new Map(), timeout: null, issues };
 * await resolveTranscribe({ transcribe: [{ id: "talk", input: "talk.mp3" }] }, context);
 * assert.match(issues[0]?.message ?? "", /Recording not found/);
 * ```
 */
export async function resolveTranscribe(
  input: TranscribeInput,
  context: ResolveContext,
): Promise<ResolvedTranscribe | null> {
  if (input.transcribe === undefined) return null;
  const ids = new Set<string>();
  const files: ResolvedTranscription[] = [];
  // The recordings hashed, remembered at the end for the workers that check them (see `rememberDigests`).
  const read: HashedFile[] = [];
  for (const [i, entry] of input.transcribe.entries()) {
    const path = `transcribe[${i}]`;
    if (ids.has(entry.id)) context.issues.push({ path: `${path}.id`, message: `Duplicate id "${entry.id}"` });
    ids.add(entry.id);
    const file = await readRecording(entry.input, { ...context, path: `${path}.input`, read });
    const engine = resolveEngine(entry, { ...context, path });
    const chunk = entry.chunk ??
      (engine.kind === "pocketsphinx" ? TRANSCRIBE_DEFAULTS.localChunk : TRANSCRIBE_DEFAULTS.hostedChunk);
    const overlap = entry.overlap ?? TRANSCRIBE_DEFAULTS.overlap;
    const contextSeconds = entry.context ?? TRANSCRIBE_DEFAULTS.context;
    for (const [field, value] of [["overlap", overlap], ["context", contextSeconds]] as const) {
      if (value >= chunk / 2) {
        context.issues.push({
          path: `${path}.${field}`,
          message: `The ${field} (${value} s) must be under half a chunk (${chunk / 2} s)`,
        });
      }
    }
    if (file === null) continue;
    files.push({
      id: entry.id,
      path,
      ...file,
      engine,
      language: entry.language ?? TRANSCRIBE_DEFAULTS.language,
      chunk,
      overlap,
      context: contextSeconds,
      silence: {
        // Unset: taken from the recording when it is split (a quiet one's speech is under -35 dB).
        noise: entry.silence?.noise ?? null,
        duration: entry.silence?.duration ?? TRANSCRIBE_DEFAULTS.silence.duration,
      },
    });
  }
  rememberDigests(read);
  return { files };
}

type EntryContext = ResolveContext & { path: string };

/** The local engine, the default. */
const POCKETSPHINX = "pocketsphinx";

function resolveEngine(
  entry: NonNullable<TranscribeInput["transcribe"]>[number],
  context: EntryContext,
): ResolvedTranscriber {
  const name = entry.engine ?? POCKETSPHINX;
  const issue = (field: string, message: string) =>
    context.issues.push({ path: `${context.path}.${field}`, message });
  if (name === POCKETSPHINX) {
    if ((entry.language ?? "en") !== "en") {
      issue("language", 'pocketsphinx knows English only (language: "en")');
    }
    if (entry.model !== undefined) issue("model", "pocketsphinx has one model: leave model out");
    if (entry.prompt !== undefined) issue("prompt", "pocketsphinx takes no prompt: leave prompt out");
    return { kind: "pocketsphinx" };
  }
  if (!context.providers.has(name)) {
    const names = [...context.providers.keys()];
    const guess = closestName(name, [POCKETSPHINX, ...names]);
    // nt5: `--engine openai` needs no provider on the command line; a workflow's engine does.
    const how = guess !== null
      ? ` (did you mean "${guess}"?)`
      : isLocalVoice(name)
      ? ` ("${name}" is a voice: it speaks, it does not transcribe)`
      : `; a server's engine is a provider: providers: { ${JSON.stringify(name)}: { api: "openai"${
        name === "openai" ? "" : ', baseUrl: "http://…/v1"'
      } } }`;
    issue(
      "engine",
      `Unknown engine "${name}": expected ${POCKETSPHINX}${
        names.length > 0 ? ` or a provider (${names.join(", ")})` : " or the name of a provider in providers"
      }${how}`,
    );
  }
  return {
    kind: "openai",
    provider: name,
    model: entry.model ?? TRANSCRIBE_DEFAULTS.model,
    prompt: entry.prompt ?? null,
  };
}

async function readRecording(
  relative: string,
  context: { moduleUrl: string; path: string; issues: WorkflowIssue[]; read: HashedFile[] },
): Promise<{ input: string; sha256: string } | null> {
  const input = workflowPath(relative, context.moduleUrl);
  try {
    // A named pipe or a device would hold the digest forever (a reader waits for a writer; /dev/zero never ends).
    const before = await statUserFile(input);
    const statAt = Date.now();
    const sha256 = await sha256File(input);
    context.read.push({ path: input, before, statAt, sha256 });
    return { input, sha256 };
  } catch (error) {
    const why = unreadableUserFile(error, "recording");
    if (why === null) throw error;
    context.issues.push({ path: context.path, message: `${why}: ${input}`, file: input });
    return null;
  }
}
