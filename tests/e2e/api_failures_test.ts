import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

async function twoVideoWorkflow(provider: Record<string, unknown>): Promise<{ file: string; dir: string }> {
  const workflow = {
    formats: ["160x90"],
    providers: { broken: { api: "openai", retries: 2, backoff: { base: 5, cap: 20 }, ...provider } },
    videos: [
      {
        id: "remote",
        sections: [{
          title: "A",
          narration: "From the API.",
          image: { provider: "broken", prompt: "a cat", size: "64x64" },
        }],
      },
      { id: "local", sections: [{ title: "B", narration: "Made here." }] },
    ],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
  return { file, dir: file.slice(0, file.lastIndexOf("/")) };
}

Deno.test("a provider that always answers 500 fails its steps after the configured attempts; other videos finish; exit 1", async () => {
  const server = startFakeOpenAi({ failRate: 1 });
  try {
    const { file, dir } = await twoVideoWorkflow({ baseUrl: server.url });
    const result = await runCli(["render", file, "--out", `${dir}/out`]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(server.stats.requests, 3, "1 attempt + 2 retries");
    // How often it was asked is said (before: the last answer alone).
    assert.match(
      result.stderr,
      /remote\/s1\/image \(image\): broken answered 500: The server had an error[^\n]*\(gave up after 3 attempts\)/,
    );
    // The remote video's subtitles were made (they need no image) but go with its video, which failed: they are
    // not published without it.
    assert.deepEqual(await listFolder(`${dir}/out`), [
      "local.160x90.mp4",
      "local.srt",
      "local.vtt",
      "report.html",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("a wrong key fails at once with the server's message, and the key is printed nowhere", async () => {
  const key = "sk-wrong-key-0123456789abcdef";
  const server = startFakeOpenAi({ key: "sk-the-right-key-0000000000" });
  try {
    const { file, dir } = await twoVideoWorkflow({ baseUrl: server.url, keyEnv: "REEL_TEST_KEY" });
    const result = await runCli(["render", file, "--out", `${dir}/out`, "--json"], {
      env: { REEL_TEST_KEY: key },
    });
    // Bad input (a key refused), met in the run: exit 2 (before, 1, as for a 500).
    assert.equal(result.code, 2, result.stderr);
    assert.equal(server.stats.requests, 1, "a 401 is not retried");
    assert.match(result.stderr, /broken answered 401: Incorrect API key provided: \[redacted\]/);
    for (const text of [result.stdout, result.stderr]) {
      assert.ok(!text.includes(key.slice(3, 15)), "key leaked");
    }
    const grep = await new Deno.Command("grep", { args: ["-r", "-l", key.slice(3, 15), dir] }).output();
    assert.equal(new TextDecoder().decode(grep.stdout), "", "key written to a file");
  } finally {
    await server.close();
  }
});

Deno.test("the summary lists failures in the workflow's order, not in the order they happened", async () => {
  // Answers after random delays: the calls fail in another order than the sections'.
  const server = startFakeOpenAi({ failRate: 1, latency: { min: 0, max: 300 } });
  try {
    const sections = Array.from({ length: 6 }, (_, i) => ({
      id: `s${i + 1}`,
      title: `T${i + 1}`,
      narration: `Part ${i + 1}.`,
      image: { provider: "broken", prompt: `picture ${i + 1}`, size: "64x64" },
      voice: { provider: "speech" },
    }));
    const workflow = {
      formats: ["160x90"],
      // Two providers, each calling in its own order (the longest chain first): their failures interleave.
      providers: {
        broken: { api: "openai", retries: 0, concurrency: 6, baseUrl: server.url },
        speech: { api: "openai", retries: 0, concurrency: 6, baseUrl: server.url },
      },
      videos: [{ id: "v", sections }],
    };
    const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
    const result = await runCli(["render", file, "--out", `${file}-out`]);
    assert.equal(result.code, 1, result.stderr);
    const listed = [...result.stderr.matchAll(/^ {2}✖ (v\/s\d)\/(image|speech) /gm)].map((match) => match[1]);
    const numbers = listed.map((id) => Number(id!.slice(3)));
    assert.equal(listed.length, 12, result.stderr);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), result.stderr);
  } finally {
    await server.close();
  }
});

/** Renders four sections whose images the `quota` provider at `baseUrl` makes, four calls at once. */
async function renderFourImages(baseUrl: string, options: { maxRetryAfter: number }) {
  const sections = Array.from({ length: 4 }, (_, i) => ({
    title: `T${i + 1}`,
    narration: `Part ${i + 1}.`,
    image: { provider: "quota", prompt: `picture ${i + 1}`, size: "64x64" },
  }));
  const workflow = {
    formats: ["160x90"],
    providers: { quota: { api: "openai", concurrency: 4, maxRetryAfter: options.maxRetryAfter, baseUrl } },
    videos: [{ id: "v", sections }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
  return await runCli(["render", file, "--out", `${file}-out`]);
}

Deno.test("a provider that answers only 429s with no Retry-After for longer than maxRetryAfter is stopped, saying why", async () => {
  const server = startFakeOpenAi({ statusFor: () => 429 });
  try {
    const result = await renderFourImages(server.url, { maxRetryAfter: 3000 });
    assert.equal(result.code, 1, result.stderr);
    // Pauses of 1, 1 and 2 s, then stopped (before: 31 answers of 429 a call, each after 1 s, one call at a time:
    // two minutes here).
    assert.ok(server.stats.requests <= 5, `${server.stats.requests} calls`);
    assert.match(
      result.stderr,
      /quota answered 429: [^\n]*\(it has answered only 429 for \d s, longer than its maxRetryAfter \(3 s\): its quota may be spent; render again later, or raise maxRetryAfter\)/,
    );
    assert.match(result.stderr, /Not sent: /);
  } finally {
    await server.close();
  }
});

Deno.test("a 429 that asks for a wait past maxRetryAfter stops the provider at once, saying why; its other calls are not sent", async () => {
  // A spent quota: every answer a 429 asking for an hour.
  const server = startFakeOpenAi({ rejectFirst: 1000, retryAfterMs: 3_600_000 });
  try {
    const result = await renderFourImages(server.url, { maxRetryAfter: 2000 });
    assert.equal(result.code, 1, result.stderr);
    // Before: each call waited 2 s at a time, 31 times (4 minutes here; hours for a batch at the default cap).
    assert.equal(server.stats.requests, 1, `${server.stats.requests} calls`);
    assert.match(
      result.stderr,
      /quota answered 429: [^\n]*\(it asks to wait 3600 s, longer than its maxRetryAfter \(2 s\): its quota may be spent; render again later, or raise maxRetryAfter\)/,
    );
    assert.match(result.stderr, /Not sent: /);
  } finally {
    await server.close();
  }
});
