/**
 * A local OpenAI-compatible server for tests and for trying reel without a key: real PNG and WAV bodies,
 * configurable latency, rate and concurrency limits that answer 429 with the headers the hosted API sends,
 * injected 500s, hangs and cut-off bodies, and a stats endpoint.
 * @module
 */
import { type Clock, realClock } from "../core/clock.ts";
import { promptPng, speechWav } from "./_fake_media.ts";
import { error, readBody, truncated } from "./_fake_http.ts";
import { heardTranscription } from "./_fake_transcription.ts";
import { FakeRate, tooMany } from "./_fake_rate.ts";

/** The largest side of an image the fake answers, whatever size is asked. */
const MAX_IMAGE_SIDE = 2048;

/** How the fake server behaves. */
export interface FakeOpenAiOptions {
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** The clock that times latency and the rate window. @default realClock */
  clock?: Clock;
  /** Random numbers in [0, 1) for latency and injected faults. @default Math.random */
  random?: () => number;
  /** Latency of every answer in ms, drawn uniformly. @default { min: 0, max: 0 } */
  latency?: { min: number; max: number };
  /** Requests per minute; null for none. @default null */
  rpm?: number | null;
  /** Requests that may arrive at once before the rate applies. @default 1 */
  burst?: number;
  /** Requests in flight at most; more get a 429. @default null */
  concurrency?: number | null;
  /** Share of requests answered 500. @default 0 */
  failRate?: number;
  /** Share of requests that never answer (until the client gives up). @default 0 */
  hangRate?: number;
  /** Share of answers cut off half-way. @default 0 */
  truncateRate?: number;
  /** Share of answers that are 200 with a body that is not what was asked for (an HTML page). @default 0 */
  garbageRate?: number;
  /** The first N requests are answered 429 (a burst of rate limiting). @default 0 */
  rejectFirst?: number;
  /** Retry-After of injected 429s, in ms. @default 1000 */
  retryAfterMs?: number;
  /** The key clients must send as `Bearer`; a wrong one gets a 401 that echoes it, as real servers may. @default null */
  key?: string | null;
  /** A status to force for a request (by path and JSON body), or null to answer normally. */
  statusFor?: (path: string, body: Record<string, unknown>) => number | null;
  /**
   * How transcriptions are answered: `pocketsphinx` hears the uploaded audio (real words and times; needs
   * pocketsphinx), `fixed` answers "fake transcript" over the upload's length. @default "pocketsphinx"
   */
  transcription?: "pocketsphinx" | "fixed";
  /**
   * Every answer's bytes differ from call to call (a random pixel, a random sample), as a real model's do, so a
   * test can tell which call's bytes ended up where. @default false
   */
  vary?: boolean;
}

/** One request the server saw. */
export interface SeenRequest {
  path: string;
  /** The prompt or input text, to tell steps apart. */
  subject: string;
  status: number;
  /** When it arrived (the server's clock, ms). */
  arrived: number;
  /** When it was answered. */
  at: number;
}

/** What the server has seen. */
export interface FakeOpenAiStats {
  requests: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  /** Requests left hanging on purpose. */
  hung: number;
  /** Answers cut off on purpose. */
  truncated: number;
  inFlight: number;
  maxInFlight: number;
  log: SeenRequest[];
}

/**
 * Starts the server on 127.0.0.1.
 *
 * @param options Latency, limits and faults.
 * @returns The running server; `close()` stops it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeOpenAi } from "./fake_openai_server.ts";
 * const server = startFakeOpenAi();
 * const answer = await fetch(`${server.url}/v1/audio/speech`, { method: "POST", body: '{"input":"hi"}' });
 * assert.equal(answer.headers.get("content-type"), "audio/wav");
 * await answer.body?.cancel();
 * await server.close();
 * ```
 */
export function startFakeOpenAi(options: FakeOpenAiOptions = {}): FakeOpenAiServer {
  return new FakeOpenAiServer(options);
}

/** A running fake server. */
export class FakeOpenAiServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #options:
    & Required<Omit<FakeOpenAiOptions, "statusFor" | "port">>
    & Pick<FakeOpenAiOptions, "statusFor">;
  readonly #hangs = new Set<() => void>();
  /** What the answers still being made (a transcription's) will come to: the status to log. */
  readonly #settling = new WeakMap<Response, Promise<number>>();
  /** Their logging, awaited by `close()`. */
  readonly #unsettled = new Set<Promise<void>>();
  /** The requests being answered, awaited by `close()`. */
  readonly #handling = new Set<Promise<Response>>();
  #rate: FakeRate;
  #stats: FakeOpenAiStats = emptyStats();

  /** @param options Latency, limits and faults. */
  constructor(options: FakeOpenAiOptions = {}) {
    this.#options = {
      clock: options.clock ?? realClock,
      random: options.random ?? Math.random,
      latency: options.latency ?? { min: 0, max: 0 },
      rpm: options.rpm ?? null,
      burst: options.burst ?? 1,
      concurrency: options.concurrency ?? null,
      failRate: options.failRate ?? 0,
      hangRate: options.hangRate ?? 0,
      truncateRate: options.truncateRate ?? 0,
      garbageRate: options.garbageRate ?? 0,
      rejectFirst: options.rejectFirst ?? 0,
      retryAfterMs: options.retryAfterMs ?? 1000,
      key: options.key ?? null,
      statusFor: options.statusFor,
      vary: options.vary ?? false,
      transcription: options.transcription ?? "pocketsphinx",
    };
    this.#rate = new FakeRate(this.#options);
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
      (request) => {
        // Tracked until it answers: a client that went away while its upload was read leaves its handler running,
        // which `shutdown` does not wait for (a test's process that ended then left a transcription's folder).
        const handled = this.#handle(request);
        this.#handling.add(handled);
        handled.then(() => this.#handling.delete(handled), () => this.#handling.delete(handled));
        return handled;
      },
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** A copy of what the server has seen. */
  get stats(): FakeOpenAiStats {
    return structuredClone(this.#stats);
  }

  /** Forgets what the server has seen and refills its rate budget. */
  reset(): void {
    this.#stats = emptyStats();
    this.#rate = new FakeRate(this.#options);
  }

  /**
   * Stops the server; hanging requests are released. Resolves once every request is logged (a transcription whose
   * client went away once its pocketsphinx has been killed).
   */
  async close(): Promise<void> {
    for (const release of this.#hangs) release();
    await this.#server.shutdown();
    await Promise.allSettled(this.#handling);
    await Promise.all(this.#unsettled);
  }

  async #handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/stats") return Response.json(this.stats);
    if (request.method === "POST" && path === "/stats/reset") {
      this.reset();
      return Response.json({ ok: true });
    }
    const number = ++this.#stats.requests;
    const arrived = this.#options.clock.now();
    this.#stats.inFlight++;
    this.#stats.maxInFlight = Math.max(this.#stats.maxInFlight, this.#stats.inFlight);
    let body: Record<string, unknown> = {};
    let status = 200;
    let settling: Promise<number> | undefined;
    try {
      body = await readBody(request);
      const response = await this.#answer(request, path, body, { number, arrived });
      status = response.status;
      settling = this.#settling.get(response);
      return response;
    } catch (error) {
      // Deno.serve answers it 500: counted and logged as such.
      status = 500;
      throw error;
    } finally {
      const log = (final: number) => this.#log({ path, body, status: final, arrived });
      if (settling === undefined) log(status);
      else {
        // In flight until its body is made (or its client has gone), and logged with what it came to.
        const logged = settling.then(log);
        this.#unsettled.add(logged);
        logged.finally(() => this.#unsettled.delete(logged));
      }
    }
  }

  #log(request: { path: string; body: Record<string, unknown>; status: number; arrived: number }): void {
    const { path, body, status, arrived } = request;
    this.#stats.inFlight--;
    this.#stats.byStatus[status] = (this.#stats.byStatus[status] ?? 0) + 1;
    if (status === 429) this.#stats.rateLimited++;
    const subject = String(body.prompt ?? body.input ?? body.file ?? "");
    this.#stats.log.push({ path, subject, status, arrived, at: this.#options.clock.now() });
  }

  async #answer(
    request: Request,
    path: string,
    body: Record<string, unknown>,
    { number, arrived }: { number: number; arrived: number },
  ): Promise<Response> {
    const options = this.#options;
    const key = options.key;
    const sent = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
    if (key !== null && sent !== key) {
      return error(
        401,
        `Incorrect API key provided: ${sent}. You can find your API key at https://platform.example/keys.`,
      );
    }
    if (options.concurrency !== null && this.#stats.inFlight > options.concurrency) {
      return tooMany("Too many concurrent requests", options.retryAfterMs);
    }
    if (number <= options.rejectFirst) {
      return tooMany("Rate limit reached (injected)", options.retryAfterMs);
    }
    const wait = this.#rate.take(arrived);
    if (wait > 0) return tooMany("Rate limit reached for requests", wait);
    const forced = options.statusFor?.(path, body) ?? null;
    const latency = options.latency.min + options.random() * (options.latency.max - options.latency.min);
    if (latency > 0) await options.clock.sleep(latency);
    if (forced !== null && forced !== 200) return error(forced, `Forced status ${forced} for this request`);
    if (options.random() < options.failRate) {
      return error(500, "The server had an error while processing your request");
    }
    if (options.random() < options.hangRate) {
      this.#stats.hung++;
      await new Promise<void>((resolve) => {
        const release = () => {
          this.#hangs.delete(release);
          resolve();
        };
        this.#hangs.add(release);
        request.signal.addEventListener("abort", release, { once: true });
      });
      return error(504, "Hung");
    }
    if (options.random() < options.garbageRate) {
      const page = "<html><body>Service temporarily replaced by a captive portal</body></html>";
      if (path === "/v1/images/generations") return Response.json({ data: [{ b64_json: btoa(page) }] });
      return new Response(page, { headers: { "content-type": "text/html" } });
    }
    const heard = path === "/v1/audio/transcriptions" && options.transcription === "pocketsphinx"
      ? await heardTranscription(body, this.#rate.headers())
      : null;
    const answer = heard?.response ?? this.#route(path, body);
    if (answer === null) return error(404, `Unknown endpoint ${path}`);
    const given = options.random() < options.truncateRate ? truncated(answer) : answer;
    if (given !== answer) this.#stats.truncated++;
    if (heard !== null) this.#settling.set(given, heard.settled);
    return given;
  }

  #route(path: string, body: Record<string, unknown>): Response | null {
    const headers = this.#rate.headers();
    if (path === "/v1/images/generations") {
      const model = String(body.model ?? "");
      if (model.startsWith("gpt-image-") && body.response_format !== undefined) {
        // As the hosted API does: gpt-image models always answer in base64 and refuse the field.
        return error(400, "Unknown parameter: 'response_format'.");
      }
      const [width, height] = String(body.size ?? "256x256").split("x").map(Number);
      // The size asked, as the hosted API answers (a smaller one is warned of, see the image step); at most
      // 2048 a side, more than any model makes.
      const png = promptPng(
        String(body.prompt ?? ""),
        Math.min(width || 256, MAX_IMAGE_SIDE),
        Math.min(height || 256, MAX_IMAGE_SIDE),
        this.#options.vary ? this.#options.random : null,
      );
      const b64 = btoa(Array.from(png, (byte) => String.fromCharCode(byte)).join(""));
      return Response.json({ created: Math.floor(Date.now() / 1000), data: [{ b64_json: b64 }] }, {
        headers,
      });
    }
    if (path === "/v1/audio/speech") {
      headers.set("content-type", "audio/wav");
      const wav = speechWav(
        String(body.input ?? ""),
        Number(body.speed ?? 1) || 1,
        this.#options.vary ? this.#options.random : null,
      );
      return new Response(wav, { headers });
    }
    if (path === "/v1/audio/transcriptions") {
      const duration = Number(body.duration ?? 0);
      return Response.json({
        task: "transcribe",
        language: "english",
        duration,
        text: "fake transcript",
        segments: [{ id: 0, start: 0, end: duration, text: "fake transcript" }],
      }, { headers });
    }
    return null;
  }
}

function emptyStats(): FakeOpenAiStats {
  return {
    requests: 0,
    byStatus: {},
    rateLimited: 0,
    hung: 0,
    truncated: 0,
    inFlight: 0,
    maxInFlight: 0,
    log: [],
  };
}
