/**
 * What the hosted OpenAI API refuses, so reel can say so before any call is paid: image sizes per model, which
 * image models take `response_format`, and the longest speech input. Models not listed here (self-hosted servers
 * name their own) are not checked.
 * @module
 */

/** The longest text `POST /v1/audio/speech` takes, in characters. */
export const SPEECH_MAX_CHARACTERS = 4096;

const IMAGE_SIZES: Readonly<Record<string, readonly string[]>> = {
  "gpt-image-1": ["1024x1024", "1536x1024", "1024x1536", "auto"],
  "gpt-image-1-mini": ["1024x1024", "1536x1024", "1024x1536", "auto"],
  "dall-e-3": ["1024x1024", "1792x1024", "1024x1792"],
  "dall-e-2": ["256x256", "512x512", "1024x1024"],
};

/**
 * The sizes a known image model accepts.
 *
 * @param model The model name.
 * @returns The sizes, or null for a model reel does not know (any size is passed on).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageSizesOf } from "./openai_models.ts";
 * assert.ok(imageSizesOf("dall-e-3")?.includes("1792x1024"));
 * assert.equal(imageSizesOf("my-local-model"), null);
 * ```
 */
export function imageSizesOf(model: string): readonly string[] | null {
  return IMAGE_SIZES[model] ?? null;
}

/**
 * Whether an image model takes `response_format` (the DALL·E models do; `gpt-image-1` always answers base64 and
 * refuses the field).
 *
 * @param model The model name.
 * @returns True when the request should ask for `b64_json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takesResponseFormat } from "./openai_models.ts";
 * assert.equal(takesResponseFormat("gpt-image-1"), false);
 * assert.equal(takesResponseFormat("dall-e-3"), true);
 * ```
 */
export function takesResponseFormat(model: string): boolean {
  return !model.startsWith("gpt-image-");
}

/** The largest file `POST /v1/audio/transcriptions` takes, in bytes (25 MB). */
export const TRANSCRIPTION_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Whether a transcription model answers `verbose_json` with segment and word times: `whisper-1` and the servers
 * that copy it do; the `gpt-4o-*-transcribe` models answer text only (`json`).
 *
 * @param model The model name.
 * @returns True when the request should ask for `verbose_json` and word timestamps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takesTimestamps } from "./openai_models.ts";
 * assert.equal(takesTimestamps("whisper-1"), true);
 * assert.equal(takesTimestamps("gpt-4o-transcribe"), false);
 * ```
 */
export function takesTimestamps(model: string): boolean {
  return !/^gpt-4o.*transcribe/.test(model);
}
