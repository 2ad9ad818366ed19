/**
 * Checks shared by the speech engines before they start a child process.
 * @module
 */
import type { SpeechRequest } from "./speech_engine.ts";

/**
 * Throws when a request cannot be spoken by any engine.
 *
 * @param engine The engine's name, for the message.
 * @param request The request to check.
 * @throws {RangeError} When the text is blank, the voice is blank, or the rate is not a positive finite number.
 */
export function checkSpeechRequest(engine: string, request: SpeechRequest): void {
  if (request.text.trim() === "") throw new RangeError(`Cannot speak with ${engine}: the text is blank`);
  if (request.voice.trim() === "") {
    throw new RangeError(`Cannot speak with ${engine}: the voice name is blank`);
  }
  if (!Number.isFinite(request.rate) || request.rate <= 0) {
    throw new RangeError(`Cannot speak with ${engine}: rate must be a positive number, got ${request.rate}`);
  }
}
