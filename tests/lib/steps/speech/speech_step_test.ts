import assert from "node:assert/strict";
import { ProviderError } from "../../../../lib/core/errors.ts";
import { encodePng } from "../../../../lib/media/png_encoder.ts";
import { speechStep } from "../../../../lib/steps/speech/speech_step.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

/** Control characters (C0 and C1, DEL), built from their codes. */
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}-${
    String.fromCharCode(0x9f)
  }]`,
);

/** A speech endpoint that answers `body` with `contentType` to every request. */
function answering(body: Uint8Array<ArrayBuffer>, contentType: string) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    return new Response(body, { headers: { "content-type": contentType } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test("speech step: an API answering a PNG as audio fails naming its size and type, with no raw bytes in the message", async () => {
  const png = new Uint8Array(encodePng(new Uint8Array(32 * 32 * 4).fill(200), 32, 32));
  const server = answering(png, "audio/wav");
  try {
    const dir = await tempDir();
    const error = await runStepKind(speechStep, {
      params: { text: "Hello.", voice: { engine: "openai", voice: "alloy", rate: 175, model: "tts-1" } },
      inputs: [],
      outputPath: `${dir}/speech.wav`,
      scratchDir: `${dir}/scratch`,
      runtime: { provider: "fake", baseUrl: server.url, keyEnv: "REEL_TEST_UNSET_KEY", timeout: 5000 },
    }).then(() => null, (error: unknown) => error);
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(
      error.message,
      `fake: returned something that is not audio (${png.length} bytes of image/png (sent as audio/wav))`,
    );
    assert.doesNotMatch(error.message, CONTROL);
  } finally {
    await server.close();
  }
});
