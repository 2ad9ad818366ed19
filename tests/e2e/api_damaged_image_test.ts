import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/core/clock.ts";
import { encodePng } from "../../lib/media/png_encoder.ts";
import { corruptJpeg } from "../_support/damaged_images.ts";
import { seededRandom } from "../_support/fake_executor.ts";
import { imagePlan, runOnWorkers } from "../_support/api_plan.ts";

const GOOD = encodePng(new Uint8Array(16 * 16 * 4).fill(180), 16, 16);
/** The good PNG with its header claiming 60000 × 60000 pixels: its IHDR checksum no longer matches. */
const CORRUPT = (() => {
  const bytes = GOOD.slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(16, 60_000);
  view.setUint32(20, 60_000);
  return bytes;
})();

/** An images endpoint that answers the PNGs of `answers` in turn (the last one ever after), counting requests. */
function imageServer(answers: Uint8Array[]) {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    const png = answers[Math.min(requests++, answers.length - 1)]!;
    return Response.json({
      data: [{ b64_json: btoa(Array.from(png, (b) => String.fromCharCode(b)).join("")) }],
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get requests() {
      return requests;
    },
    close: () => server.shutdown(),
  };
}

/** Runs one section's image step against `url` (2 retries, short backoff) on workers: the result and the folder. */
async function renderImage(url: string) {
  const { plan, dir } = await imagePlan({
    videos: 1,
    sections: 1,
    provider: { baseUrl: url, retries: 2, backoff: { base: 10, cap: 20 } },
  });
  return {
    result: await runOnWorkers(plan, { dir, clock: new VirtualClock(), random: seededRandom(1) }),
    dir,
  };
}

/** Every file under the store's entries. */
async function storedFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    try {
      for await (const entry of Deno.readDir(folder)) {
        if (entry.isDirectory) await walk(`${folder}/${entry.name}`);
        else files.push(`${folder}/${entry.name}`);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  await walk(`${dir}/.reel/entries`);
  return files;
}

Deno.test("an image provider answering a corrupt PNG once is asked again: the run succeeds and the store holds the good image", async () => {
  const server = imageServer([CORRUPT, GOOD]);
  try {
    const { result } = await renderImage(server.url);
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
    assert.equal(server.requests, 2);
    const artifact = result.artifacts.get("v1/s1/image")!;
    assert.deepEqual(await Deno.readFile(artifact.path!), GOOD);
  } finally {
    await server.close();
  }
});

Deno.test("an image provider that always answers a corrupt PNG fails the step naming it and why; the store keeps nothing", async () => {
  const server = imageServer([CORRUPT]);
  try {
    const { result, dir } = await renderImage(server.url);
    assert.ok(!result.ok);
    assert.equal(server.requests, 3, "1 attempt + 2 retries");
    assert.equal(
      result.errors.get("v1/s1/image"),
      `images: returned a damaged image: the PNG is corrupt (bad checksum in its IHDR chunk) (${CORRUPT.length} bytes) ` +
        "(gave up after 3 attempts)",
    );
    assert.deepEqual(await storedFiles(dir), []);
  } finally {
    await server.close();
  }
});

Deno.test("an image provider answering a CMYK JPEG fails the step at once, asked once: a slide cannot draw it", async () => {
  // Before: stored, and the slide drawn without it, exit 0.
  const server = imageServer([await Deno.readFile(new URL("../fixtures/cmyk.jpg", import.meta.url))]);
  try {
    const { result, dir } = await renderImage(server.url);
    assert.ok(!result.ok);
    assert.match(
      result.errors.get("v1/s1/image") ?? "",
      /returned an image a slide cannot draw: the JPEG is CMYK/,
    );
    assert.equal(server.requests, 1, "not asked again");
    assert.deepEqual(await storedFiles(dir), []);
  } finally {
    await server.close();
  }
});

Deno.test("an image provider answering a JPEG whose scan is corrupt is asked again: its pixels are decoded before it is stored", async () => {
  // Before: its segments and end marker were all there, it was stored, and the slide drawn without it, exit 0.
  const server = imageServer([await corruptJpeg(), GOOD]);
  try {
    const { result } = await renderImage(server.url);
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
    assert.equal(server.requests, 2);
    assert.deepEqual(await Deno.readFile(result.artifacts.get("v1/s1/image")!.path!), GOOD);
  } finally {
    await server.close();
  }
});
