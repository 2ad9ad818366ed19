import assert from "node:assert/strict";
import { ProviderError } from "../../../../lib/core/errors.ts";
import { imageStep } from "../../../../lib/steps/image/image_step.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { makeColourImage } from "../../../_support/test_video.ts";

/** An images endpoint that answers `body` with `contentType` and status 200 to every request. */
function answering(body: string, contentType: string) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    return new Response(body, { headers: { "content-type": contentType } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** Runs an image step against `url`: what it threw. */
async function drawAt(url: string, model = "gpt-image-1"): Promise<unknown> {
  const dir = await tempDir();
  const task = {
    params: { model, prompt: "A sea", size: "1024x1024" },
    inputs: [],
    outputPath: `${dir}/image.png`,
    scratchDir: `${dir}/scratch`,
    runtime: { provider: "fake", baseUrl: url, keyEnv: "REEL_TEST_UNSET_KEY", timeout: 5000 },
  };
  return await runStepKind(imageStep, task).then(() => null, (error: unknown) => error);
}

Deno.test("image step: a whole answer of status 200 that is not JSON is named with what it is, and not asked again", async () => {
  // Before: retryable, each attempt a call the provider may bill; the speech step did not retry such an answer.
  const server = answering("<html><body>Gateway says hello</body></html>", "text/html");
  try {
    const error = await drawAt(server.url);
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(error.retryable, false);
    assert.match(
      error.message,
      /^fake: returned a body that is not JSON \(.*<html>.*\), expected data\[0\]\.b64_json$/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("image step: an error sent with status 200 is quoted, not retried", async () => {
  const server = answering(JSON.stringify({ error: { message: "model overloaded" } }), "application/json");
  try {
    const error = await drawAt(server.url);
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(error.message, "fake: answered with an error instead of an image: model overloaded");
    assert.equal(error.retryable, false);
  } finally {
    await server.close();
  }
});

Deno.test("image step: a server that answers a URL instead of b64_json is said to, not retried", async () => {
  // fi5: "returned JSON without data[0].b64_json", which did not say why.
  const server = answering(
    JSON.stringify({ data: [{ url: "https://example.com/a.png" }] }),
    "application/json",
  );
  try {
    const error = await drawAt(server.url, "dall-e-3");
    assert.ok(error instanceof ProviderError, String(error));
    assert.match(
      error.message,
      /^fake: returned data\[0\]\.url, not data\[0\]\.b64_json: reel asks for response_format b64_json, which/,
    );
    assert.equal(error.retryable, false);
    // fi16: for a gpt-image model reel sends no response_format, and was said to have asked for it.
    const unasked = await drawAt(server.url, "gpt-image-1");
    assert.ok(unasked instanceof ProviderError, String(unasked));
    assert.match(
      unasked.message,
      /: reel leaves out response_format for gpt-image-1, .* name one of its own models in the image's `model`/,
    );
    assert.equal(unasked.retryable, false);
  } finally {
    await server.close();
  }
});

Deno.test("image step: an answer an earlier attempt kept is used without a call; a damaged one is dropped and asked again", async () => {
  const dir = await tempDir();
  await makeColourImage(`${dir}/kept.png`, { colour: "#ff0000", width: 16, height: 16 });
  const kept = await Deno.readFile(`${dir}/kept.png`);
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    calls++;
    return Response.json({ data: [{ b64_json: btoa(String.fromCharCode(...kept)) }] });
  });
  const task = (name: string) => ({
    params: { model: "gpt-image-1", prompt: "A sea", size: "16x16" },
    inputs: [],
    outputPath: `${dir}/${name}.png`,
    scratchDir: `${dir}/scratch`,
    answerPath: `${dir}/answers/${name}`,
    runtime: {
      provider: "fake",
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      keyEnv: "REEL_TEST_UNSET_KEY",
      timeout: 5000,
    },
  });
  try {
    await Deno.mkdir(`${dir}/answers`);
    await Deno.writeFile(`${dir}/answers/a`, kept);
    await runStepKind(imageStep, task("a"));
    assert.equal(calls, 0, "the kept answer was used");
    assert.deepEqual(await Deno.readFile(`${dir}/a.png`), kept);
    // Cut short: not an image a slide may hold. Dropped, so the next attempt asks again.
    await Deno.writeFile(`${dir}/answers/b`, kept.subarray(0, kept.length - 20));
    const error = await runStepKind(imageStep, task("b")).then(() => null, (error: unknown) => error);
    assert.ok(error instanceof ProviderError && error.retryable, String(error));
    await runStepKind(imageStep, task("b"));
    assert.equal(calls, 1);
    assert.deepEqual(await Deno.readFile(`${dir}/b.png`), kept);
    // A fresh answer is kept until the run stores the artifact (and removes it).
    assert.deepEqual(await Deno.readFile(`${dir}/answers/b`), kept);
  } finally {
    await server.shutdown();
  }
});

Deno.test("image step: an image answered at another size than asked is stored, and the step warns of it", async () => {
  // fi16: a square or smaller answer was drawn scaled to cover the slide without a word.
  const dir = await tempDir();
  await makeColourImage(`${dir}/square.png`, { colour: "#00ff00", width: 32, height: 32 });
  const square = await Deno.readFile(`${dir}/square.png`);
  const server = answering(
    JSON.stringify({ data: [{ b64_json: btoa(String.fromCharCode(...square)) }] }),
    "application/json",
  );
  const draw = async (size: string) => {
    const warnings: string[] = [];
    await runStepKind(imageStep, {
      params: { model: "gpt-image-1", prompt: "A sea", size },
      inputs: [],
      outputPath: `${dir}/${size}.png`,
      scratchDir: `${dir}/scratch`,
      runtime: {
        provider: "fake",
        baseUrl: server.url,
        keyEnv: "REEL_TEST_UNSET_KEY",
        timeout: 5000,
      },
    }, { warn: (message) => warnings.push(message) });
    assert.deepEqual(await Deno.readFile(`${dir}/${size}.png`), square, "stored as answered");
    return warnings;
  };
  try {
    assert.deepEqual(await draw("48x32"), [
      "the provider answered an image of 32×32, not the 48×32 asked: slides draw it scaled to cover their frames, " +
      "its edges cut where its shape differs",
    ]);
    assert.deepEqual(await draw("64x64"), [
      "the provider answered an image of 32×32, not the 64×64 asked: slides draw it scaled to cover their frames",
    ]);
    assert.deepEqual(await draw("32x32"), []);
  } finally {
    await server.close();
  }
});
