/**
 * `deno task fake-api`, as the README runs it (its permissions from deno.json), hears a transcription upload with
 * pocketsphinx and answers its words.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";
import { readUntil } from "../_support/cli.ts";
import { singlePass } from "../_support/transcription.ts";
import { tempDir } from "../_support/temp_dir.ts";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("deno task fake-api transcribes an upload with pocketsphinx (its task has the permissions it needs)", async () => {
  const dir = await tempDir();
  const speech = `${dir}/hello.wav`;
  await runProcess("espeak-ng", ["-w", speech, "hello world, this is a test of the fake server"]);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = new Deno.Command(Deno.execPath(), {
    args: ["task", "fake-api", "--port", String(port)],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    // Waits for its first line: it listens then.
    const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const text = await readUntil(reader, "\n");
    assert.match(text, /fake OpenAI-compatible API on http:\/\//);
    const form = new FormData();
    form.append("model", "whisper-1");
    form.append("response_format", "verbose_json");
    form.append("file", new Blob([await Deno.readFile(speech)], { type: "audio/wav" }), "hello.wav");
    const response = await fetch(`http://127.0.0.1:${port}/v1/audio/transcriptions`, {
      method: "POST",
      body: form,
    });
    const body = await response.text();
    assert.equal(response.status, 200, body);
    // What pocketsphinx hears in the same audio, at the rate the server gives it.
    const heard = `${dir}/heard.wav`;
    await runFfmpeg(await findFfmpeg(), [
      "-i",
      speech,
      "-ac",
      "1",
      "-ar",
      "16000",
      "-c:a",
      "pcm_s16le",
      heard,
    ]);
    const words = (await singlePass(heard)).map((word) => word.text).join(" ");
    assert.ok(words.length > 0);
    assert.equal(JSON.parse(body).text, words);
    const stats = await (await fetch(`http://127.0.0.1:${port}/stats`)).json();
    assert.deepEqual(stats.byStatus, { 200: 1 });
    reader.releaseLock();
  } finally {
    server.kill("SIGTERM");
    await server.status;
    await server.stdout.cancel().catch(() => {});
    await server.stderr.cancel().catch(() => {});
  }
});

Deno.test("deno task fake-api on a port in use says so in one line and exits 2", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "fake-api", "--port", String(port)],
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.equal(code, 2);
    assert.match(text, new RegExp(`✖ Port ${port} is in use`));
    assert.doesNotMatch(text, /Uncaught|AddrInUse|at file:/);
  } finally {
    listener.close();
  }
});

Deno.test("deno task fake-api refuses a value out of range in one line, exit 2, and starts no server", async () => {
  // nt: `--port 70000` was Deno's RangeError and its trace, exit 1; a share over 1 and a reversed range were taken.
  for (
    const [flag, value, message] of [
      [
        "--port",
        "70000",
        /'--port <n>' argument '70000' is invalid\. Expected a whole number from 0 to 65535/,
      ],
      ["--fail-rate", "2", /Expected a share from 0 to 1/],
      ["--latency", "600-200", /Expected the shorter latency first: 200-600/],
      ["--concurrency", "0", /Expected a whole number of at least 1/],
      ["--reject-first", "0x50", /Expected a whole number of at least 0/],
    ] as const
  ) {
    // On any free port, and stopped after 20 s: a value let through starts a server, which fails the test.
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "tasks/fake_api.ts",
        ...flag === "--port" ? [] : ["--port", "0"],
        flag,
        value,
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.equal(code, 2, text);
    assert.match(text, message);
    assert.doesNotMatch(text, /Uncaught|at file:/);
    assert.equal(new TextDecoder().decode(stdout), "", "no server started");
  }
});
