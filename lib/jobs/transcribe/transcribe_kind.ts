/**
 * The transcription job kind: recordings (audio or video) heard in chunks, in parallel, by pocketsphinx or an
 * OpenAI-compatible API, merged into text, SRT, WebVTT and JSON with word times.
 * @module
 */
import type { LocalEngine } from "../../plan/toolchain.ts";
import type { ForeseenWork } from "../../plan/estimate_plan.ts";
import type { JobFilters, JobKind } from "../../schema/job_kind.ts";
import { planChunks } from "./plan_chunks.ts";
import { planTranscribe } from "./plan_transcribe.ts";
import { resolveTranscribe } from "./resolve_transcribe.ts";
import { chunkStep } from "./steps/chunk_step.ts";
import { decodeStep } from "./steps/decode_step.ts";
import { formatStep } from "./steps/format_step.ts";
import { mergeStep } from "./steps/merge_step.ts";
import { probeStep } from "./steps/probe_step.ts";
import { splitStep } from "./steps/split_step.ts";
import { preflightTranscribe, probeRecording } from "./transcribe_preflight.ts";
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
  idsField: "transcribe",
  items: "recordings",
  ids: (job) => job.files.map((file) => file.id),
  narrow: (job: ResolvedTranscribe, filters: JobFilters) => {
    const files = filters.only === null
      ? job.files
      : job.files.filter((file) => filters.only!.includes(file.id));
    return files.length === 0 ? null : { files };
  },
  async spawnedWork(job, context) {
    const work: ForeseenWork[] = [];
    for (const file of job.files) {
      if (file.engine.kind === "pocketsphinx") continue;
      // The cuts as if the recording had no silence: they move to the nearest silence, a chunk or so either way.
      const { duration } = await probeRecording(file, context);
      const chunks = planChunks(duration, [], {
        chunk: file.chunk,
        overlap: file.overlap,
        context: file.context,
      });
      work.push({
        template: `${file.id}/split/chunk`,
        calls: chunks.length,
        seconds: chunks.reduce((sum, chunk) => sum + chunk.end - chunk.start, 0),
        doneWith: `${file.id}/merge`,
      });
    }
    return work;
  },
};
