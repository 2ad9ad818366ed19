/**
 * `deno task fake-api`: a local OpenAI-compatible server for trying reel without a key.
 *
 *   deno task fake-api --port 8787 --rpm 120 --concurrency 8 --latency 200-600 --fail-rate 0.05
 *   OPENAI_BASE_URL=http://127.0.0.1:8787 deno task render workflows/course.ts
 *
 * `GET /stats` shows requests, statuses, 429s and the most requests in flight.
 * @module
 */
import { Command, CommanderError, InvalidArgumentError } from "@commander-js/extra-typings";
import { messageOf } from "../lib/core/errors.ts";
import {
  type FakeOpenAiOptions,
  type FakeOpenAiServer,
  startFakeOpenAi,
} from "../lib/fake_api/fake_openai_server.ts";

/** A rate above 0 (fi: `--rpm 0` answered the first request and 429 to every other). */
function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("Expected a number above 0, e.g. 60 or 0.5");
  }
  return n;
}

/** A whole number from `min` to `max` (nt: `--port 70000` was Deno's RangeError, exit 1). */
function whole(min: number, max?: number): (value: string) => number {
  return (value) => {
    // Digits only: Number() reads " " as 0 and 0x50 as 80 (rv).
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(
        `Expected a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`,
      );
    }
    return n;
  };
}

/** A share of the requests, from 0 to 1 (nt: `--fail-rate 2` was taken). */
function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError("Expected a share from 0 to 1, e.g. 0.05");
  }
  return n;
}

function range(value: string): { min: number; max: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (match === null) throw new InvalidArgumentError("Expected milliseconds like 300 or 200-600");
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  // nt: `600-200` was taken.
  if (max < min) throw new InvalidArgumentError(`Expected the shorter latency first: ${max}-${min}`);
  return { min, max };
}

const program = new Command()
  .name("fake-api")
  .description("A local OpenAI-compatible server: images, speech and transcriptions, with limits and faults.")
  .option("--port <n>", "port (0: any free one)", whole(0, 65535), 8787)
  .option("--rpm <n>", "requests per minute (429 beyond)", rate)
  .option("--burst <n>", "requests that may arrive at once before the rate applies", whole(1), 1)
  .option("--concurrency <n>", "requests in flight at most (429 beyond)", whole(1))
  .option("--latency <ms>", "latency of each answer, e.g. 300 or 200-600 (default: 0)", range)
  .option("--fail-rate <share>", "share of requests answered 500", share, 0)
  .option("--hang-rate <share>", "share of requests never answered", share, 0)
  .option("--truncate-rate <share>", "share of answers cut off half-way", share, 0)
  .option("--reject-first <n>", "answer the first N requests 429", whole(0), 0)
  .option("--key <key>", "require this bearer key (401 otherwise)")
  .option("--vary", "make every answer's bytes differ, as a real model's do")
  .option(
    "--fixed-transcripts",
    "answer transcriptions with a fixed text instead of hearing them with pocketsphinx",
  )
  .exitOverride();
// A flag it does not know, or a bad value, exits 2 as reel's commands do (commander's own exit is 1).
let parsed: typeof program;
try {
  parsed = program.parse();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  Deno.exit(error.exitCode === 0 ? 0 : 2);
}
const options = parsed.opts();

/** Starts the server; a port in use stops the task with one line and exit code 2. */
function start(settings: FakeOpenAiOptions & { port: number }): FakeOpenAiServer {
  try {
    return startFakeOpenAi(settings);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    console.error(
      `✖ Port ${settings.port} is in use (another fake-api still running?): stop it, or pass --port with a free one`,
    );
    Deno.exit(2);
  }
}

const server = start({
  port: options.port,
  rpm: options.rpm ?? null,
  burst: options.burst,
  concurrency: options.concurrency ?? null,
  latency: options.latency ?? { min: 0, max: 0 },
  failRate: options.failRate,
  hangRate: options.hangRate,
  truncateRate: options.truncateRate,
  rejectFirst: options.rejectFirst,
  key: options.key ?? null,
  vary: options.vary === true,
  transcription: options.fixedTranscripts === true ? "fixed" : "pocketsphinx",
});
console.log(`fake OpenAI-compatible API on ${server.url} (stats: ${server.url}/stats)`);
console.log(`try: OPENAI_BASE_URL=${server.url} npx -y deno@2.9.6 task render workflows/course.ts`);

// Ctrl-C or SIGTERM closes the server first: the folders of the uploads being heard are removed (a test's SIGTERM,
// sent as its pocketsphinx was killed, left one in the temporary folder). A second signal ends it at once.
let closing = false;
const stop = () => {
  if (closing) Deno.exit(130);
  closing = true;
  server.close().then(() => Deno.exit(0), (error: unknown) => {
    console.error(`✖ Closing the server failed: ${messageOf(error)}`);
    Deno.exit(1);
  });
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
