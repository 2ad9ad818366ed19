/**
 * Provider calls as a user pays for them: every call that can be avoided is, and none is served stale.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { startSlowImageServer } from "../_support/slow_image_server.ts";
import { CLI, listFolder, runCli } from "../_support/cli.ts";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

interface Section {
  title: string;
  narration: string;
  image?: Record<string, unknown>;
  voice?: Record<string, unknown>;
}

/** A workflow of API-made images (and optionally narration) in a temporary folder. */
async function apiWorkflow(
  sections: Section[],
  provider: Record<string, unknown> = {},
): Promise<{ file: string; dir: string }> {
  const workflow = {
    formats: ["64x64"],
    providers: { api: { api: "openai", retries: 2, backoff: { base: 5, cap: 20 }, ...provider } },
    videos: [{ id: "v", sections }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
  return { file, dir: file.slice(0, file.lastIndexOf("/")) };
}

const imageSection = (n: number): Section => ({
  title: `Part ${n}`,
  narration: `Part ${n}.`,
  image: { provider: "api", prompt: `picture ${n}`, size: "64x64" },
});

Deno.test("pointing OPENAI_BASE_URL at another server makes every call again: no result of the first is shipped", async () => {
  const first = startFakeOpenAi();
  const second = startFakeOpenAi();
  const { file, dir } = await apiWorkflow([imageSection(1), imageSection(2)]);
  try {
    const one = await runCli(["render", file, "--out", `${dir}/out`], {
      env: { OPENAI_BASE_URL: first.url },
    });
    assert.equal(one.code, 0, one.stderr);
    assert.equal(first.stats.requests, 2);
    const two = await runCli(["render", file, "--out", `${dir}/out`], {
      env: { OPENAI_BASE_URL: second.url },
    });
    assert.equal(two.code, 0, two.stderr);
    assert.equal(second.stats.requests, 2, "the new server was asked for both images");
    const dead = await runCli(["render", file, "--out", `${dir}/out`], {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:9" },
    });
    assert.equal(dead.code, 1, "a dead server fails the calls instead of serving another server's images");
    assert.match(dead.stderr, /cannot reach 127\.0\.0\.1:9/);
  } finally {
    await Promise.all([first.close(), second.close(), Deno.remove(dir, { recursive: true })]);
  }
});

Deno.test("two sections with the same image and narration make one call each, in one run", async () => {
  const server = startFakeOpenAi();
  const same = { ...imageSection(1), voice: { provider: "api", voice: "alloy" } };
  const { file, dir } = await apiWorkflow([same, same, same], { baseUrl: server.url });
  try {
    const result = await runCli(["render", file, "--out", `${dir}/out`]);
    assert.equal(result.code, 0, result.stderr);
    const paths = server.stats.log.map((entry) => entry.path).sort();
    assert.deepEqual(paths, ["/v1/audio/speech", "/v1/images/generations"]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two renders sharing one store pay each call once: the second waits for the first's result", async () => {
  // Slow answers, so the two renders overlap; every answer's bytes differ, so a second call would show.
  const server = startFakeOpenAi({ latency: { min: 300, max: 300 }, vary: true });
  const sections = Array.from({ length: 6 }, (_, i) => imageSection(i + 1));
  const { file, dir } = await apiWorkflow(sections, { baseUrl: server.url, concurrency: 3 });
  try {
    const [a, b] = await Promise.all([
      runCli(["render", file, "--out", `${dir}/a`, "--cache", `${dir}/store`]),
      runCli(["render", file, "--out", `${dir}/b`, "--cache", `${dir}/store`]),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(server.stats.byStatus["200"], 6, `paid calls: ${server.stats.byStatus["200"]}`);
    const [videoA, videoB] = await Promise.all([
      Deno.readFile(`${dir}/a/v.64x64.mp4`),
      Deno.readFile(`${dir}/b/v.64x64.mp4`),
    ]);
    assert.deepEqual(videoA, videoB, "both renders shipped the same images");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a refused key stops its provider at once: one call, a message naming the variable, never the key", async () => {
  const key = "sk-wrong-key-0123456789abcdef";
  const server = startFakeOpenAi({ key: "sk-the-right-key-0000000000" });
  const sections = Array.from({ length: 12 }, (_, i) => imageSection(i + 1));
  const { file, dir } = await apiWorkflow(sections, {
    baseUrl: server.url,
    keyEnv: "REEL_TEST_KEY",
    concurrency: 8,
  });
  try {
    const result = await runCli(["render", file, "--out", `${dir}/out`], { env: { REEL_TEST_KEY: key } });
    // A key refused is bad input: exit 2 (before, 1).
    assert.equal(result.code, 2);
    assert.equal(server.stats.requests, 1, `the server was called ${server.stats.requests} times`);
    assert.match(result.stderr, /api answered 401: .*\[redacted\].*check the key in REEL_TEST_KEY/);
    assert.match(result.stderr, /Not sent: \S+ was refused: api answered 401/);
    assert.ok(!result.stderr.includes(key.slice(3, 15)), "key leaked");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the hosted API with no key set: exit 2 before any step, naming the variable, nothing written", async () => {
  const { file, dir } = await apiWorkflow(
    [{ ...imageSection(1), image: { provider: "api", prompt: "x", size: "1024x1024" } }],
    { keyEnv: "REEL_TEST_UNSET_KEY" },
  );
  try {
    const result = await runCli(["render", file, "--out", `${dir}/out`], { env: { OPENAI_BASE_URL: "" } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Provider "api" calls the hosted API .* and REEL_TEST_UNSET_KEY is not set/);
    // At its line and column, as every other mistake (fi23: the field alone).
    assert.match(result.stderr, /→ at providers\.api, line 3, column \d+ \(/);
    assert.equal(await listFolder(`${dir}/out`), null);
    // Two providers' places apart (rv44: "providers.images, line 3, column 11, providers.voices, …").
    await Deno.writeTextFile(
      `${dir}/two.yaml`,
      [
        "providers:",
        "  images: { api: openai }",
        "  voices: { api: openai }",
        "voice: { provider: voices, voice: alloy }",
        "videos:",
        "  - id: v",
        "    sections:",
        "      - { title: T, narration: N., image: { provider: images, prompt: p } }",
        "",
      ].join("\n"),
    );
    const two = await runCli(["render", `${dir}/two.yaml`, "--out", `${dir}/out`], {
      env: { OPENAI_BASE_URL: "", OPENAI_API_KEY: "" },
    });
    assert.equal(two.code, 2, two.stderr);
    assert.match(
      two.stderr,
      /→ at providers\.images, line 2, column 11; providers\.voices, line 3, column 11 \(/,
    );
    assert.equal(await listFolder(`${dir}/.reel`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("what the hosted API would refuse is refused before a call: a size its model lacks, a narration too long", async () => {
  const long = "A sentence of a long narration. ".repeat(140);
  const { file, dir } = await apiWorkflow([
    { ...imageSection(1), image: { provider: "api", prompt: "x", model: "dall-e-3", size: "512x512" } },
    { title: "Long", narration: long, voice: { provider: "api" } },
    // The hosted API written without the /v1 its calls add (rv2: its checks were skipped).
  ], { baseUrl: "https://api.openai.com" });
  try {
    const result = await runCli(["render", file, "--out", `${dir}/out`], {
      env: { OPENAI_API_KEY: "sk-unused" },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /dall-e-3 makes images of 1024x1024, 1792x1024, 1024x1792, not 512x512\n {2}→ at videos\[0\]\.sections\[0\]\.image\.size/,
    );
    assert.match(
      result.stderr,
      /The narration has 4479 characters; the speech API takes at most 4096 a call.*\n {2}→ at videos\[0\]\.sections\[1\]\.narration/,
    );
    assert.equal(await listFolder(`${dir}/out`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gpt-image-1 is asked without response_format, which it refuses", async () => {
  const server = startFakeOpenAi();
  const { file, dir } = await apiWorkflow([
    { ...imageSection(1), image: { provider: "api", prompt: "x", model: "gpt-image-1", size: "64x64" } },
    { ...imageSection(2), image: { provider: "api", prompt: "y", model: "dall-e-2", size: "64x64" } },
  ], { baseUrl: server.url });
  try {
    const result = await runCli(["render", file, "--out", `${dir}/out`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.stats.byStatus["200"], 2);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Writes `dir/ffmpeg`: while `dir/<flag>` exists, it runs the shell `action` when asked to decode a kept speech
 * answer (`-f wav -i …/answers/<key>`); the real ffmpeg does everything else. Creates the flag.
 */
async function answerDecodingFfmpeg(dir: string, options: { flag: string; action: string }): Promise<string> {
  const real = (await findFfmpeg()).ffmpeg;
  await Deno.writeTextFile(`${dir}/${options.flag}`, "");
  const ffmpeg = `${dir}/ffmpeg`;
  await Deno.writeTextFile(
    ffmpeg,
    `#!/bin/sh\ncase "$*" in *"-f wav -i "*/answers/*) if [ -e '${dir}/${options.flag}' ]; then ${options.action}; ` +
      `fi;; esac\nexec '${real}' "$@"\n`,
  );
  await Deno.chmod(ffmpeg, 0o755);
  return ffmpeg;
}

Deno.test("an answer received and not yet stored when the render is killed is not paid for again", async () => {
  const server = startFakeOpenAi();
  const voice = { provider: "api", voice: "alloy" };
  // One call at a time: the second section's call waits while the first one's answer is decoded.
  const { file, dir } = await apiWorkflow(
    [{ title: "A", narration: "First part.", voice }, { title: "B", narration: "Second part.", voice }],
    { baseUrl: server.url, concurrency: 1 },
  );
  // An ffmpeg that, while `block` exists, says on a named pipe that it got a speech answer to decode and then waits
  // for good (until the render is killed, and it with it).
  const reached = `${dir}/reached.fifo`;
  await new Deno.Command("mkfifo", { args: [reached, `${dir}/never.fifo`] }).output();
  const env = {
    REEL_FFMPEG: await answerDecodingFfmpeg(dir, {
      flag: "block",
      action: `echo decoding > '${reached}'; read line < '${dir}/never.fifo'`,
    }),
  };
  const speech = () => server.stats.log.filter((entry) => entry.path === "/v1/audio/speech");
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CLI, "render", file, "--out", `${dir}/out`],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    // The first answer is in: the render is killed while ffmpeg decodes it.
    const said = await Deno.readTextFile(reached);
    assert.equal(said.trim(), "decoding");
    child.kill("SIGKILL");
    await child.status;
    assert.deepEqual(speech().map((entry) => entry.status), [200], "one answer paid before the kill");
    await Deno.remove(`${dir}/block`);
    const again = await runCli(["render", file, "--out", `${dir}/out`], { env });
    assert.equal(again.code, 0, again.stderr);
    // Before: three calls, the first section's twice.
    assert.deepEqual(speech().map((entry) => entry.subject).sort(), ["First part.", "Second part."]);
    // Kept, one a call, for a decoder that may come to differ (see the next test).
    assert.equal((await listFolder(`${dir}/.reel/answers`))?.length, 2);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("another ffmpeg decodes the speech answers kept: the narration is made again, nothing is paid again", async () => {
  const server = startFakeOpenAi();
  const voice = { provider: "api", voice: "alloy" };
  const { file, dir } = await apiWorkflow(
    [{ title: "A", narration: "First part.", voice }, imageSection(2)],
    {
      baseUrl: server.url,
    },
  );
  const started = (stdout: string) =>
    stdout.split("\n").filter((line) => line.includes('"step:started"')).map((line) => JSON.parse(line).step);
  try {
    const first = await runCli(["render", file, "--out", `${dir}/out`, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(server.stats.requests, 2);
    // A wrapper is another ffmpeg to the keys, as an upgraded one is.
    const ffmpeg = `${dir}/ffmpeg`;
    await Deno.writeTextFile(ffmpeg, `#!/bin/sh\nexec '${(await findFfmpeg()).ffmpeg}' "$@"\n`);
    await Deno.chmod(ffmpeg, 0o755);
    const again = await runCli(["render", file, "--out", `${dir}/out`, "--json"], {
      env: { REEL_FFMPEG: ffmpeg },
    });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(started(again.stdout).includes("v/s1/speech"), "the speech, decoded by ffmpeg, is made again");
    // rv21: its answer was asked for and paid again. The image, its own answer, is not made again at all.
    assert.deepEqual(server.stats.log.map((entry) => entry.path).sort(), [
      "/v1/audio/speech",
      "/v1/images/generations",
    ]);
    assert.ok(!started(again.stdout).includes("v/s2/image"));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--force and --force-step publish what they paid for again, and later renders serve it", async () => {
  // Every answer's bytes differ: a result served from the store shows as the old bytes.
  const server = startFakeOpenAi({ vary: true });
  const { file, dir } = await apiWorkflow([imageSection(1)], { baseUrl: server.url });
  const video = () => Deno.readFile(`${dir}/out/v.64x64.mp4`);
  const render = async (...extra: string[]) => {
    const result = await runCli(["render", file, "--out", `${dir}/out`, ...extra]);
    assert.equal(result.code, 0, result.stderr);
    return await video();
  };
  try {
    const first = await render();
    const forced = await render("--force");
    assert.equal(server.stats.requests, 2);
    // Before: the forced render paid again and published the first render's video.
    assert.notDeepEqual(forced, first, "the forced render's new image is in its video");
    assert.deepEqual(await render(), forced, "a later render serves the forced result");
    assert.equal(server.stats.requests, 2);
    // Forcing the image alone: what is made from it (its stills, the video) is made again from the new one.
    const image = await render("--force-step", "v/*/image*");
    assert.equal(server.stats.requests, 3);
    assert.notDeepEqual(image, forced);
    assert.deepEqual(await render(), image);
    assert.equal(server.stats.requests, 3);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Ctrl-C while an image call is out lets it finish and keeps it: the next render pays nothing", async () => {
  // The call's arrival at the server is the cue for the Ctrl-C; its answer comes a second later.
  const { server, arrived } = startSlowImageServer();
  const { file, dir } = await apiWorkflow([imageSection(1)], { baseUrl: server.url });
  const images = () => server.stats.log.filter((entry) => entry.path === "/v1/images/generations");
  try {
    const child = new Deno.Command(Deno.execPath(), {
      // Quiet: said all the same (rv44: `-q` and `--json` waited in silence).
      args: ["run", "--allow-all", CLI, "render", file, "--out", `${dir}/out`, "-q"],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await arrived;
    child.kill("SIGINT");
    const { code, stderr } = await child.output();
    const said = new TextDecoder().decode(stderr);
    assert.equal(code, 130, said);
    // fi23: the call was cut at its answer, and the next render paid for it again.
    assert.match(
      said,
      /stopping: 1 provider call under way is let finish so that it is not paid again \(v\/s1\/image\)/,
    );
    assert.equal(images().length, 1);
    const again = await runCli(["render", file, "--out", `${dir}/out`]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(images().length, 1, "the image was not asked for again");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an answer whose decode was stopped from outside (a Ctrl-C reaches ffmpeg first) is kept, not paid again", async () => {
  const server = startFakeOpenAi();
  const voice = { provider: "api", voice: "alloy" };
  const { file, dir } = await apiWorkflow([{ title: "A", narration: "First part.", voice }], {
    baseUrl: server.url,
    retries: 0,
  });
  // An ffmpeg that, while `stop` exists, ends as a SIGINT ends it (exit 255) when it decodes a speech answer.
  const env = {
    REEL_FFMPEG: await answerDecodingFfmpeg(dir, {
      flag: "stop",
      action: "echo 'Exiting normally, received signal 2.' >&2; exit 255",
    }),
  };
  try {
    const stopped = await runCli(["render", file, "--out", `${dir}/out`], { env });
    assert.equal(stopped.code, 1, stopped.stderr);
    await Deno.remove(`${dir}/stop`);
    const again = await runCli(["render", file, "--out", `${dir}/out`], { env });
    assert.equal(again.code, 0, again.stderr);
    // Before: the answer was dropped as audio ffmpeg cannot decode, and bought again.
    assert.equal(server.stats.log.filter((entry) => entry.path === "/v1/audio/speech").length, 1);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
