/**
 * The transcription's part of a workflow file: recordings to transcribe, each with its engine and how it is cut
 * into chunks; and the resolved types its planner reads.
 * @module
 */
import { z } from "zod";
import { nonBlank, SLUG, slug } from "../../schema/fields.ts";

const OVERLAP_TOO_SHORT = "A word a cut splits can be lost: an overlap must be at least 1 second";

const transcriptionSchema = z.strictObject({
  id: slug("Expected a lowercase id like talk or lecture-2"),
  input: nonBlank("Input"),
  engine: z.string().regex(SLUG, 'Expected "pocketsphinx" or the name of a provider in `providers`')
    .optional(),
  model: nonBlank("Model").optional(),
  language: z.string().regex(/^[a-z]{2}$/, 'Expected a language code like "en"').optional(),
  prompt: nonBlank("Prompt").optional(),
  chunk: z.number().min(5, "A chunk must be at least 5 seconds").max(3600).optional(),
  // Less would let a hard cut split a word that neither chunk hears whole: lost without a word said.
  overlap: z.number().min(1, OVERLAP_TOO_SHORT).max(30).optional(),
  context: z.number().min(0).max(30).optional(),
  silence: z.strictObject({
    noise: z.number().min(-90).max(0).optional(),
    duration: z.number().min(0.05).max(10).optional(),
  }).optional(),
});

/** The workflow fields a transcription owns. */
export const transcribeFields = {
  transcribe: z.array(transcriptionSchema).min(1, "Give at least one recording to transcribe").optional(),
};

/** The transcription's fields as parsed. */
export type TranscribeInput = z.output<z.ZodObject<typeof transcribeFields>>;

/** A recording to transcribe as a workflow file writes it. */
export type TranscriptionInput = z.input<typeof transcriptionSchema>;

/** The engine that hears the chunks. */
export type ResolvedTranscriber =
  | { kind: "pocketsphinx" }
  | {
    kind: "openai";
    /** The provider's name in `providers`. */
    provider: string;
    /** The model, e.g. `whisper-1`. */
    model: string;
    /** Text that tells the model the words to expect, or null. */
    prompt: string | null;
  };

/** One recording to transcribe, every field resolved. */
export interface ResolvedTranscription {
  /** Its id: step ids start with it and outputs are named after it (`<id>.txt`). */
  id: string;
  /** Where it is in the workflow, for messages (`transcribe[0]`). */
  path: string;
  /** The recording's absolute path. */
  input: string;
  /** The SHA-256 of its bytes. */
  sha256: string;
  /** Who hears it. */
  engine: ResolvedTranscriber;
  /** The language, e.g. `en`. */
  language: string;
  /** Target chunk length in seconds. */
  chunk: number;
  /** Audio both neighbours hear around a hard cut, in seconds. */
  overlap: number;
  /** Audio a chunk hears before its own part, in seconds. */
  context: number;
  /**
   * What counts as a silence to cut at: level in dB (null: the recording's own, see `silenceNoise`) and least
   * length in seconds.
   */
  silence: { noise: number | null; duration: number };
}

/** A workflow's transcriptions. */
export interface ResolvedTranscribe {
  /** The recordings, in the order written. */
  files: ResolvedTranscription[];
}
