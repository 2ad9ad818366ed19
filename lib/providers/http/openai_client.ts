/**
 * The one way reel calls an OpenAI-compatible API: base URL and key from the workflow or the environment, a
 * per-request timeout, cancellation, errors that carry the status and the server's message, and never the key.
 * One call is one attempt: retries, backoff and rate limits belong to the scheduler in the main thread.
 * @module
 */
import { concatBytes } from "../../core/concat_bytes.ts";
import { messageOf, ProviderError } from "../../core/errors.ts";
import type { Json } from "../../core/json.ts";
import type { RateLimitInfo } from "../../core/step_task.ts";
import { describeBody } from "./describe_body.ts";
import { readRateLimit, retryAfterMs } from "./rate_limit_headers.ts";

/** Where and how to call a provider (from a plan step's runtime). */
export interface HttpTarget {
  /** The provider's name in the workflow. */
  provider: string;
  /** The base URL, resolved when the workflow was loaded. */
  baseUrl: string;
  /** The variable holding the key. */
  keyEnv: string;
  /** Per-request timeout in ms. */
  timeout: number;
}

/** The hosted API, used when neither the workflow nor the environment names a base URL. */
export const HOSTED_BASE_URL = "https://api.openai.com/v1";

/**
 * Reads an {@linkcode HttpTarget} from a step's runtime.
 *
 * @param runtime The step's runtime.
 * @returns The target.
 * @throws {TypeError} When a field is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpTarget } from "./openai_client.ts";
 * const target = httpTarget({ provider: "p", baseUrl: "http://127.0.0.1:8787", keyEnv: "K", timeout: 1000 });
 * assert.equal(target.timeout, 1000);
 * ```
 */
export function httpTarget(runtime: Record<string, Json>): HttpTarget {
  const { provider, baseUrl, keyEnv, timeout } = runtime;
  if (
    typeof provider !== "string" || typeof keyEnv !== "string" || typeof timeout !== "number" ||
    typeof baseUrl !== "string"
  ) {
    throw new TypeError("A provider step is missing its HTTP settings");
  }
  return { provider, baseUrl, keyEnv, timeout };
}

/**
 * Joins a base URL and an API path; a base that already ends in `/v1` is not given a second one.
 *
 * @param base The base URL (`http://localhost:8787` or `https://api.openai.com/v1`).
 * @param path The path after `/v1`, e.g. `/images/generations`.
 * @returns The full URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endpoint } from "./openai_client.ts";
 * assert.equal(endpoint("http://localhost:8787", "/audio/speech"), "http://localhost:8787/v1/audio/speech");
 * assert.equal(endpoint("https://api.openai.com/v1/", "/audio/speech"), "https://api.openai.com/v1/audio/speech");
 * ```
 */
export function endpoint(base: string, path: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return `${trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`}${path}`;
}

/**
 * A base URL as the calls use it: with the `/v1` {@linkcode endpoint} adds, as the URL parser writes it (`HTTP://H:80/`
 * and `http://h/v1` are one address). Keys hold it, and the checks for the hosted API read it (kr2, rv2). Text that
 * is not a URL is left as it is (it is refused where it is read).
 *
 * @param base The base URL as written.
 * @returns The base URL the calls use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callsBase } from "./openai_client.ts";
 * assert.equal(callsBase("HTTP://127.0.0.1:8787/"), "http://127.0.0.1:8787/v1");
 * assert.equal(callsBase("https://api.openai.com:443"), "https://api.openai.com/v1");
 * ```
 */
export function callsBase(base: string): string {
  return URL.canParse(base) ? endpoint(new URL(base).href, "") : base;
}

/**
 * A base URL without its `user:password@`, which the calls send (fetch makes it Basic authorization) but keys and
 * messages must not hold (rv3: it went into cache keys and was printed). A value that does not parse (a mistaken
 * variable, printed in its message) loses everything from its scheme to its last `@` (rv4: a password with an `@`
 * or a `#` was printed).
 *
 * @param url The base URL as given.
 * @returns It without credentials.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutCredentials } from "./openai_client.ts";
 * assert.equal(withoutCredentials("http://me:secret@127.0.0.1:8787/v1"), "http://127.0.0.1:8787/v1");
 * assert.equal(withoutCredentials("ftp://me:p@ss#1@host/x"), "ftp://***@host/x");
 * ```
 */
export function withoutCredentials(url: string): string {
  if (URL.canParse(url) && !url.includes("#")) {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  }
  return url.replace(/^([a-z][a-z\d+.-]*:\/\/).*@/is, "$1***@");
}

/**
 * Whether a base URL is the hosted API's, however written (`https://api.openai.com`, with a `user:password@`):
 * its calls need a key, and its sizes and lengths are checked before any call.
 *
 * @param base The base URL.
 * @returns True for the hosted API.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callsHostedApi } from "./openai_client.ts";
 * assert.ok(callsHostedApi("https://me:pw@api.openai.com"));
 * assert.ok(!callsHostedApi("http://127.0.0.1:8787/v1"));
 * ```
 */
export function callsHostedApi(base: string): boolean {
  return withoutCredentials(callsBase(base)).startsWith(HOSTED_BASE_URL);
}

/** The shortest key {@linkcode redactKey} removes: `sk-abc1` was printed whole in a 401's message. */
const MIN_REDACTED = 4;

/**
 * Removes `key` from `text`, and every stretch of eight or more of its characters (a server quotes a key cut
 * short). A key of four to seven characters is removed where it stands alone (not inside a word, a file name or a
 * host); a shorter one is left (it would take every such word of the message with it).
 *
 * @param text A message that may echo the key.
 * @param key The key, or null.
 * @returns The message with the key replaced by `[redacted]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactKey } from "./openai_client.ts";
 * assert.equal(redactKey("Incorrect API key provided: sk-abcdefghij1234", "sk-abcdefghij1234"), "Incorrect API key provided: [redacted]");
 * ```
 */
export function redactKey(text: string, key: string | null): string {
  if (key === null || key.length < MIN_REDACTED) return text;
  // A short key only where it stands alone: "test" is no secret inside "test.wav" or "fake.test".
  if (key.length < 8) {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return text.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-]|\\.\\w)`, "g"), "[redacted]");
  }
  let result = text.replaceAll(key, "[redacted]");
  for (let length = key.length - 1; length >= 8; length--) {
    for (let start = 0; start + length <= key.length; start++) {
      const part = key.slice(start, start + length);
      if (result.includes(part)) result = result.replaceAll(part, "[redacted]");
    }
  }
  return result;
}

/** A successful answer. */
export interface HttpAnswer {
  /** The body. */
  body: Uint8Array;
  /** Its content type, lowercased, or "". */
  contentType: string;
  /** What the rate-limit headers said. */
  rateLimit: RateLimitInfo;
}

/** One request. */
export interface HttpRequest {
  /** The path after `/v1`. */
  path: string;
  /** A JSON body, or a multipart form. */
  body: { json: Json } | { form: FormData };
  /** Cancels the request. */
  signal?: AbortSignal;
  /** The largest answer read, in bytes. @default {@linkcode MAX_ANSWER_BYTES} */
  maxBytes?: number;
  /** How long the body may send nothing once begun, in ms. @default {@linkcode ANSWER_STALL_MS} */
  stallMs?: number;
}

/**
 * How long an answer's body may send nothing once it has begun: a server that sent part of it and then stalled held
 * each attempt for the whole timeout (fi14: 66 s an attempt, minutes for a 5-s chunk). A speech API streams its
 * audio as it makes it, an image or a transcript comes whole: 20 s without a byte is a stall, retried as a timeout
 * is. Before its first byte the timeout alone waits: a server may send its headers, then make the answer (rv32).
 */
export const ANSWER_STALL_MS = 20_000;

/**
 * The largest answer read: a speech of the API's 4,096 characters is minutes of audio (tens of MB as 48 kHz float
 * WAV), an image a few MB of base64, a transcript less. A server that sent 600 MB held every attempt of its step
 * for its whole timeout with 2 GB in memory, and kept failing so from the kept answer (fi3).
 */
export const MAX_ANSWER_BYTES = 256_000_000;

/**
 * Sends one request and reads the whole answer.
 *
 * @param target Provider, base URL, key variable and timeout.
 * @param request Path, body and signal.
 * @returns The body and the rate-limit headers.
 * @throws {ProviderError} On a non-2xx answer (status and the server's message), a timeout, a connection error or
 * a cut-off body; `retryable` says which retrying may fix. The key never appears in a message.
 *
 * @example
 * ```ts
 * import { callOpenAi } from "./openai_client.ts";
 * // const answer = await callOpenAi(target, { path: "/audio/speech", body: { json: { model, voice, input } } });
 * ```
 */
export async function callOpenAi(target: HttpTarget, request: HttpRequest): Promise<HttpAnswer> {
  const { signal } = request;
  signal?.throwIfAborted();
  const key = Deno.env.get(target.keyEnv) || null;
  const base = target.baseUrl;
  // Written as the calls use it: `https://api.openai.com` is the hosted API too (rv3).
  if (key === null && callsHostedApi(base)) {
    throw new ProviderError(target.provider, `no API key: set ${target.keyEnv}`, { retryable: false });
  }
  const { protocol } = new URL(base);
  if (protocol !== "http:" && protocol !== "https:") {
    throw new ProviderError(target.provider, `cannot call ${protocol} URLs, only http: and https:`, {
      retryable: false,
    });
  }
  const headers = new Headers();
  if (key !== null) headers.set("authorization", `Bearer ${key}`);
  let body: BodyInit;
  if ("json" in request.body) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(request.body.json);
  } else {
    body = request.body.form;
  }
  const timeout = AbortSignal.timeout(target.timeout);
  const stall = new AbortController();
  const combined = AbortSignal.any([...signal === undefined ? [] : [signal], timeout, stall.signal]);
  const fail = (reason: string, options: ConstructorParameters<typeof ProviderError>[2] = {}) =>
    new ProviderError(target.provider, redactKey(reason, key), options);
  let response: Response;
  try {
    response = await fetch(endpoint(base, request.path), { method: "POST", headers, body, signal: combined });
  } catch (error) {
    signal?.throwIfAborted();
    if (timeout.aborted) throw fail(`no answer within ${target.timeout} ms`, { cause: error });
    throw fail(fetchFailure(new URL(base).host, error), { cause: error });
  }
  const maxBytes = request.maxBytes ?? MAX_ANSWER_BYTES;
  const tooLarge = () =>
    fail(
      `the answer is larger than ${sizeOf(maxBytes)}, far more than a speech, an image or a transcript: ` +
        "refused, not asked again",
      { retryable: false, status: response.status },
    );
  let bytes: Uint8Array | null;
  const stallMs = request.stallMs ?? ANSWER_STALL_MS;
  let read = 0;
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const onRead = (length: number) => {
    read = length;
    clearTimeout(quiet);
    quiet = setTimeout(() => stall.abort(), stallMs);
  };
  try {
    bytes = await readAtMost(response, { maxBytes, onRead });
  } catch (error) {
    signal?.throwIfAborted();
    if (timeout.aborted) throw fail(`the answer did not finish within ${target.timeout} ms`);
    if (stall.signal.aborted) {
      throw fail(`the answer stalled: nothing came for ${stallMs / 1000} s after ${sizeOf(read)}`, {
        status: null,
      });
    }
    throw fail(`the answer was cut off: ${messageOf(error)}`, {
      status: null,
    });
  } finally {
    clearTimeout(quiet);
  }
  if (bytes === null) throw tooLarge();
  const declared = bodyLength(response);
  if (declared !== null && bytes.length < declared) {
    throw fail(`the answer was cut off after ${bytes.length} of ${declared} bytes`);
  }
  if (!response.ok) {
    const refused = response.status === 401 || response.status === 403;
    const message = serverMessage(bytes, response.headers.get("content-type") ?? "", response.statusText);
    // A compatible server may ask for a key that was never set: that is what to say, not "check" it.
    const hint = key === null ? `${target.keyEnv} is not set` : `check the key in ${target.keyEnv}`;
    throw fail(refused ? `${message} (${hint})` : message, {
      status: response.status,
      retryAfterMs: response.status === 429 || response.status === 503
        ? retryAfterMs(response.headers)
        : null,
    });
  }
  return {
    body: bytes,
    contentType: (response.headers.get("content-type") ?? "").toLowerCase(),
    rateLimit: readRateLimit(response.headers),
  };
}

/** `256 MB` (of 10^6 bytes, as the CLI's sizes), or a number of bytes under one. */
function sizeOf(bytes: number): string {
  return bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${bytes.toLocaleString("en-US")} bytes`;
}

/**
 * The length of the body fetch hands on, as the response says it: null when it does not, or says the length of a
 * compressed body (fetch inflates it: a small JSON answer, shorter inflated than gzipped, was told "cut off").
 */
function bodyLength(response: Response): number | null {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
  return Number.isFinite(declared) && !encoded ? declared : null;
}

/**
 * A response's whole body, or null, the rest not read, once it is longer than `maxBytes` (or says it is). A body
 * that says its length is read into one array of that size (joined from its chunks, a large answer took twice it).
 * `onRead` is told the bytes read so far after each chunk.
 */
async function readAtMost(
  response: Response,
  options: { maxBytes: number; onRead: (length: number) => void },
): Promise<Uint8Array | null> {
  const { maxBytes, onRead } = options;
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  // Compressed, it is larger still once inflated.
  if (declared > maxBytes || response.body === null) {
    await response.body?.cancel();
    return response.body === null ? new Uint8Array() : null;
  }
  const whole = bodyLength(response);
  const into = whole === null ? null : new Uint8Array(whole);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of response.body) {
    // Leaving the loop cancels the body.
    if (length + chunk.length > maxBytes) return null;
    // fetch frames a body by the length it says: no more than that comes.
    if (into !== null) into.set(chunk, length);
    else chunks.push(chunk);
    length += chunk.length;
    onRead(length);
  }
  // Fewer than it said: the caller tells a body cut short.
  return into === null ? concatBytes(chunks, length) : into.subarray(0, length);
}

/** The server's message: the JSON error's text, else the body's (its size and type when it is not text). */
function serverMessage(bytes: Uint8Array, contentType: string, fallback: string): string {
  const text = new TextDecoder().decode(bytes.subarray(0, 4096)).trim();
  try {
    const message = jsonErrorMessage(JSON.parse(text));
    if (message !== null) return message;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return text === "" ? fallback || "no message" : describeBody(bytes, { contentType });
}

/**
 * The error a JSON answer carries (`{ "error": { "message": … } }`, `{ "error": "…" }` or `{ "message": … }`), as
 * OpenAI and compatible servers write it, made printable; null when it carries none. Some servers answer an error
 * with status 200: its words are the ones to show, not "JSON without text".
 *
 * @param parsed The parsed answer.
 * @returns The message, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonErrorMessage } from "./openai_client.ts";
 * assert.equal(jsonErrorMessage({ error: { message: "quota exceeded" } }), "quota exceeded");
 * assert.equal(jsonErrorMessage({ text: "hi" }), null);
 * ```
 */
export function jsonErrorMessage(parsed: unknown): string | null {
  if (typeof parsed !== "object" || parsed === null) return null;
  const { error, message: own } = parsed as { error?: { message?: unknown } | string; message?: unknown };
  const message = typeof error === "string" ? error : error?.message ?? own;
  return typeof message === "string" && message !== ""
    ? describeBody(new TextEncoder().encode(message), { limit: 1000 })
    : null;
}

/**
 * Why a request got no answer, in words: fetch says "fetch failed" alike for a server not there and one that took
 * the connection and closed it; its cause tells them apart.
 *
 * @param host The server's host.
 * @param error What fetch threw.
 * @returns The reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchFailure } from "./openai_client.ts";
 * const closed = new TypeError("fetch failed", {
 *   cause: new Error("client error (SendRequest): connection closed before message completed"),
 * });
 * assert.equal(fetchFailure("api:80", closed), "api:80 closed the connection without answering");
 * const refused = new TypeError("fetch failed", { cause: new Error("tcp connect error: Connection refused") });
 * assert.equal(fetchFailure("api:80", refused), "cannot reach api:80: connection refused");
 * ```
 */
export function fetchFailure(host: string, error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  if (/connection closed before message completed|connection reset|broken pipe/i.test(cause)) {
    return `${host} closed the connection without answering`;
  }
  if (/connection refused/i.test(cause)) return `cannot reach ${host}: connection refused`;
  return `cannot reach ${host}: ${messageOf(error)}`;
}

/**
 * A body read as JSON, or undefined when it is not JSON.
 *
 * @param body The bytes.
 * @returns The value, or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsedJson } from "./openai_client.ts";
 * assert.deepEqual(parsedJson(new TextEncoder().encode('{"a":1}')), { a: 1 });
 * assert.equal(parsedJson(new TextEncoder().encode("<html>")), undefined);
 * ```
 */
export function parsedJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return undefined;
  }
}

/**
 * A whole answer of status 200 read as JSON; one that is not JSON fails for good (a cut one failed before, and is
 * asked again; asking again for this one would pay again), its first bytes quoted with its content type.
 *
 * @param provider The provider's name, for the error.
 * @param answer The answer.
 * @param notJson The message, given how the body reads (`"<html>…" (text/html)`).
 * @returns The parsed body.
 * @throws {ProviderError} Not retryable, when the body is not JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonAnswer } from "./openai_client.ts";
 * const answer = { body: new TextEncoder().encode("<html>"), contentType: "text/html", rateLimit: {} as never };
 * assert.throws(() => jsonAnswer("p", answer, (what) => `returned ${what}`), /p: returned "<html>"/);
 * ```
 */
export function jsonAnswer(provider: string, answer: HttpAnswer, notJson: (what: string) => string): unknown {
  const parsed = parsedJson(answer.body);
  if (parsed !== undefined) return parsed;
  const what = describeBody(answer.body, { contentType: answer.contentType, limit: 40, quote: true });
  throw new ProviderError(provider, notJson(what), { retryable: false });
}
