/**
 * The transcription job kind: recordings (audio or video) heard in chunks, in parallel, by pocketsphinx or an
 * OpenAI-compatible API, merged into text, SRT, WebVTT and JSON with word times.
 * @module
 */
import type { LocalEngine } from "../../plan/toolchain.ts";
import type { JobFilters, JobKind } from "../../schema/job_kind.ts";
import { planTranscribe } from "./plan_transcribe.ts";
import { resolveTranscribe } from "./resolve_transcribe.ts";
import { chunkStep } from "./steps/chunk_step.ts";
import { decodeStep } from "./steps/decode_step.ts";
import { formatStep } from "./steps/format_step.ts";
import { mergeStep } from "./steps/merge_step.ts";
import { probeStep } from "./steps/probe_step.ts";
import { splitStep } from "./steps/split_step.ts";
import { preflightTranscribe } from "./transcribe_preflight.ts";
import { type ResolvedTranscribe, transcribeFields } from "./transcribe_schema.ts";

/**
 * Transcriptions: the workflow's `transcribe`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transcribeKind } from "./transcribe_kind.ts";
 * assert.ok("transcribe" in transcribeKind.fields);
 * ```
 */
export const transcribeKind: JobKind<typeof transcribeFields, ResolvedTranscribe> = {
  name: "transcribe",
  fields: transcribeFields,
  stepKinds: [probeStep, decodeStep, splitStep, chunkStep, mergeStep, formatStep],
  resolve: resolveTranscribe,
  plan: planTranscribe,
  describe(job) {
    const engines = [
      ...new Set(
        job.files.map((file) =>
          file.engine.kind === "pocketsphinx"
            ? "pocketsphinx"
            : `${file.engine.provider} (${file.engine.model})`
        ),
      ),
    ];
    const count = `${job.files.length} recording${job.files.length === 1 ? "" : "s"} to transcribe`;
    return [`${count} with ${engines.join(", ")}`];
  },
  engines: (job) =>
    new Set<LocalEngine>(
      job.files.some((file) => file.engine.kind === "pocketsphinx") ? ["pocketsphinx"] : [],
    ),
  preflight: preflightTranscribe,
  ids: (job) => job.files.map((file) => file.id),
  narrow: (job: ResolvedTranscribe, filters: JobFilters) => {
    const files = filters.only === null
      ? job.files
      : job.files.filter((file) => filters.only!.includes(file.id));
    return files.length === 0 ? null : { files };
  },
};
