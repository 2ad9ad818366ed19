/**
 * The transcription's planner: per recording, probe → decode → split (which spawns a chunk step per chunk at run
 * time, from this recording's chunk template) → merge (`<id>.json`) → text, SRT and WebVTT.
 * @module
 */
import { TEXT_SEGMENTATION } from "../../core/segmenters.ts";
import { withReads } from "../../media/planned_reads.ts";
import type { Draft } from "../../plan/plan_step.ts";
import { providerEngine, providerRuntime } from "../../plan/provider_settings.ts";
import { takesTimestamps } from "../../providers/http/openai_models.ts";
import { transcriberProviderId } from "../../providers/local/local_provider_ids.ts";
import type { JobPlan, PlanContext } from "../../schema/job_kind.ts";
import { kindFields } from "../../steps/step_kind.ts";
import { chunkStep } from "./steps/chunk_step.ts";
import { decodeStep } from "./steps/decode_step.ts";
import { formatStep } from "./steps/format_step.ts";
import { mergeStep } from "./steps/merge_step.ts";
import { probeStep } from "./steps/probe_step.ts";
import { splitStep } from "./steps/split_step.ts";
import type { ResolvedTranscribe, ResolvedTranscription } from "./transcribe_schema.ts";

/**
 * The transcript's text formats, each a step beside the merge's JSON. The four files are published together (see
 * `PlanStep.publishTogether`): a run stopped between them never leaves a set from two runs.
 */
const FORMATS = ["txt", "srt", "vtt"] as const;

/** Default timeouts per kind, in ms; a workflow's `timeout` replaces `ms`. */
const TIMEOUTS = {
  probe: { ms: 60_000, perMediaSecond: 0 },
  decode: { ms: 60_000, perMediaSecond: 200 },
  split: { ms: 60_000, perMediaSecond: 150 },
  merge: { ms: 60_000, perMediaSecond: 20 },
  format: { ms: 30_000, perMediaSecond: 0 },
  /** pocketsphinx hears about 7 s of speech a second: 2 s a second of audio is generous. */
  chunkPerSecond: 2_000,
  /**
   * What a transcription call adds, per second of its chunk's audio, to a provider's default `timeout` (a server
   * that hears on a CPU, as the fake one does with pocketsphinx, takes about a second for 3 to 7 of audio).
   */
  httpPerSecond: 1_000,
} as const;

/**
 * Expands the transcriptions into steps and each recording's chunk template.
 *
 * @param job The resolved transcriptions.
 * @param context The workflow's file, timeout, providers and toolchain.
 * @returns The steps, and a chunk template per recording.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planTranscribe } from "./plan_transcribe.ts";
 * const toolchain = { ffmpeg: "ffmpeg 5.1", espeak: null, slides: "s", encoders: null, pocketsphinx: "pocketsphinx 1" };
 * const file = { id: "talk", path: "transcribe[0]", input: "/talk.mp3", sha256: "ab", engine: { kind: "pocketsphinx" as const },
 *   language: "en", chunk: 60, overlap: 2, context: 3, silence: { noise: -35, duration: 0.3 } };
 * const plan = planTranscribe({ files: [file] }, { file: "w.ts", moduleUrl: "file:///w.ts", timeout: null, providers: new Map(), toolchain });
 * assert.deepEqual(plan.steps.map((step) => step.id), ["talk/probe", "talk/decode", "talk/split", "talk/merge", "talk/txt", "talk/srt", "talk/vtt"]);
 * assert.equal(plan.templates[0]?.id, "talk/split/chunk");
 * ```
 */
export function planTranscribe(job: ResolvedTranscribe, context: PlanContext): JobPlan {
  const steps: Draft[] = [];
  const templates: Draft[] = [];
  for (const file of job.files) {
    const planned = fileSteps(file, context);
    steps.push(...planned.steps);
    templates.push(planned.template);
  }
  return { steps, templates };
}

function fileSteps(file: ResolvedTranscription, context: PlanContext): { steps: Draft[]; template: Draft } {
  const id = file.id;
  const ffmpeg = { ffmpeg: context.toolchain.ffmpeg };
  const base = {
    workflow: context.file,
    runtime: { input: file.input },
    scope: { item: id, part: null },
    provider: null,
    tokenCost: 0,
    cpu: false,
    retries: 0,
    backoff: { base: 0, cap: 0 },
    output: null,
  };
  const timeout = (kind: keyof typeof TIMEOUTS & string) => {
    const fixed = TIMEOUTS[kind] as { ms: number; perMediaSecond: number };
    return { ms: context.timeout ?? fixed.ms, perMediaSecond: fixed.perMediaSecond };
  };
  // The steps that read the recording.
  const reads = withReads(base.runtime, [{ path: file.input, sha256: file.sha256 }]);
  // The steps that write the transcript's files, each published with the others.
  const outputSteps = [`${id}/merge`, ...FORMATS.map((format) => `${id}/${format}`)];
  const others = (step: string) => outputSteps.filter((other) => other !== step);
  const steps: Draft[] = [
    {
      ...base,
      ...kindFields(probeStep),
      id: `${id}/probe`,
      params: { input: file.sha256 },
      runtime: reads,
      deps: [],
      engine: ffmpeg,
      timeout: timeout("probe"),
      extension: null,
    },
    {
      ...base,
      ...kindFields(decodeStep),
      id: `${id}/decode`,
      params: {},
      runtime: reads,
      deps: [`${id}/probe`],
      engine: ffmpeg,
      cpu: true,
      timeout: timeout("decode"),
      extension: "wav",
    },
    {
      ...base,
      ...kindFields(splitStep),
      id: `${id}/split`,
      params: {
        chunk: file.chunk,
        overlap: file.overlap,
        context: file.context,
        silence: file.silence,
        upload: file.engine.kind === "pocketsphinx" ? null : "m4a",
      },
      // Its chunk template, `<id>/split/chunk`, named under it: a stored split serves any recording of its audio.
      runtime: { template: "./chunk" },
      deps: [`${id}/decode`],
      engine: ffmpeg,
      cpu: true,
      timeout: timeout("split"),
      extension: file.engine.kind === "pocketsphinx" ? null : "bin",
    },
    {
      ...base,
      ...kindFields(mergeStep),
      id: `${id}/merge`,
      params: { language: file.language, engine: engineName(file) },
      deps: [`${id}/split`],
      // The words are cut again (see `transcript.ts`): ICU's version keys the bytes.
      engine: { text: TEXT_SEGMENTATION },
      timeout: timeout("merge"),
      output: `${id}.json`,
      publishTogether: others(`${id}/merge`),
      extension: "json",
    },
    ...FORMATS.map((format) => ({
      ...base,
      ...kindFields(formatStep),
      id: `${id}/${format}`,
      params: { format },
      deps: [`${id}/merge`],
      engine: { text: TEXT_SEGMENTATION },
      timeout: timeout("format"),
      output: `${id}.${format}`,
      publishTogether: others(`${id}/${format}`),
      extension: format,
    })),
  ];
  return { steps, template: chunkTemplate(file, { ...context, base }) };
}

/** The chunk step each recording's split spawns, with its engine's limits, keys and options. */
function chunkTemplate(
  file: ResolvedTranscription,
  context: PlanContext & { base: Pick<Draft, "workflow" | "scope" | "output"> },
): Draft {
  const template = {
    ...context.base,
    ...kindFields(chunkStep),
    id: `${file.id}/split/chunk`,
    deps: [],
    extension: null,
  };
  const recording = file.input.split("/").pop() ?? file.input;
  const engine = file.engine;
  // The longest chunk is a quarter longer than the target, plus its context and overlap.
  const longest = file.chunk * 1.25 + file.context + file.overlap;
  if (engine.kind === "pocketsphinx") {
    return {
      ...template,
      params: { engine: "pocketsphinx", language: file.language, params: {} },
      runtime: { recording },
      provider: transcriberProviderId("pocketsphinx"),
      tokenCost: 0,
      engine: {
        id: transcriberProviderId("pocketsphinx"),
        pocketsphinx: context.toolchain.pocketsphinx ?? null,
      },
      cpu: true,
      retries: 2,
      backoff: { base: 200, cap: 2_000 },
      timeout: { ms: (context.timeout ?? 60_000) + TIMEOUTS.chunkPerSecond * longest, perMediaSecond: 0 },
    };
  }
  const provider = context.providers.get(engine.provider)!;
  // A default timeout grows with the chunk's audio (the chunk step adds it to each call's, from its own length);
  // one the workflow sets is used as written. Runtime only: no key holds it.
  const timeoutPerSecond = provider.timeoutFrom === "default" ? TIMEOUTS.httpPerSecond : 0;
  return {
    ...template,
    params: {
      engine: "openai",
      model: engine.model,
      language: file.language,
      prompt: engine.prompt,
      timestamps: takesTimestamps(engine.model),
      params: {},
    },
    runtime: { recording, ...providerRuntime(provider), timeoutPerSecond },
    provider: provider.name,
    tokenCost: 0,
    engine: { ...providerEngine(provider), ffmpeg: context.toolchain.ffmpeg },
    cpu: false,
    retries: provider.retries,
    backoff: provider.backoff,
    timeout: { ms: provider.timeout + timeoutPerSecond * longest + 60_000, perMediaSecond: 0 },
  };
}

function engineName(file: ResolvedTranscription): string {
  return file.engine.kind === "pocketsphinx"
    ? "pocketsphinx"
    : `${file.engine.provider}/${file.engine.model}`;
}
