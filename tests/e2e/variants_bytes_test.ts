/**
 * A variant's bytes and their publishing: one key, one set of bytes (clean renders of the built-in `vertical` recipe,
 * each with its own store, write the same file: x264's lookahead in a thread of its own made them differ), and an
 * MP4 published with its manifest, after it (never this run's MP4 beside an earlier run's manifest).
 */
import assert from "node:assert/strict";
import { sha256File } from "../../lib/core/sha256.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeTestVideo } from "../_support/test_video.ts";
import { MOD_URL } from "../_support/workflows.ts";

const SAMPLE = new URL("../../workflows/media/sample.mp4", import.meta.url).pathname;

Deno.test("e2e: the vertical recipe and a rendition at a bitrate write the same bytes on 5 clean renders side by side", async () => {
  const dir = await tempDir("reel-variant-bytes-");
  // At a bitrate (x264's VBV), 3 threads made each rendition of the `ladder` 4 different ways in 4 runs.
  const rendition = {
    name: "sd",
    format: "16:9",
    fit: "pad",
    renditions: [{ height: 480, bitrate: "1.4M" }],
  };
  await Deno.writeTextFile(`${dir}/sd.json`, JSON.stringify(rendition));
  // Side by side, as a machine busy with other work runs them: the threads' timing differs most from one to the next.
  // Before: 2 to 4 different files in 5 (sample.mp4 is 4 s of 320×180, cropped up to 1080×1920, x264 at 3 threads).
  const renders = await Promise.all([1, 2, 3, 4, 5].map(async (n) => {
    const result = await runCli([
      "variants",
      SAMPLE,
      "--recipe",
      "vertical",
      "--recipe",
      `${dir}/sd.json`,
      "--out",
      `${dir}/${n}/out`,
      "--cache",
      `${dir}/${n}/cache`,
      "-q",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${n}/out/sample.vertical.json`));
    return {
      vertical: await sha256File(`${dir}/${n}/out/sample.vertical.mp4`),
      sd: await sha256File(`${dir}/${n}/out/sample.sd.480p.mp4`),
      threads: manifest.encoder.threads,
    };
  }));
  const vertical = new Set(renders.map((render) => render.vertical));
  assert.equal(
    vertical.size,
    1,
    `vertical: ${vertical.size} files in 5 renders (threads: ${renders[0]!.threads})`,
  );
  const sd = new Set(renders.map((render) => render.sd));
  assert.equal(sd.size, 1, `a rendition at a bitrate: ${sd.size} files in 5 renders`);
});

/** A workflow of one variant of `clip.mp4` (90×160 crop), its colour set by `saturation`. */
async function writeWorkflow(dir: string, saturation: number): Promise<string> {
  const recipe = { name: "tall", format: "90x160", fit: "crop", color: { saturation } };
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({ variants: [{ inputs: ["clip.mp4"], recipes: [recipe] }] })
    });\n`,
  );
  return `${dir}/workflow.ts`;
}

Deno.test("e2e: a variant's MP4 is published after its manifest, and a run stopped between them keeps the earlier pair", async () => {
  const dir = await tempDir("reel-variant-pair-");
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 1 });
  const out = `${dir}/out`;
  const first: RunEvent[] = [];
  const { run } = await renderWorkflows([await writeWorkflow(dir, 1)], {
    outDir: out,
    onEvent: (event) => first.push(event),
  });
  assert.ok(run.ok, [...run.errors].join("\n"));
  // Written in this order, the MP4 once its manifest is: the encode's end publishes nothing.
  const written = first.flatMap((event) => event.type === "output:written" ? [event.step] : []);
  assert.deepEqual(written, ["variants/clip/tall/manifest", "variants/clip/tall"]);
  const encoded = first.findIndex((event) =>
    event.type === "step:finished" && event.step === "variants/clip/tall"
  );
  const manifestDone = first.findIndex((event) =>
    event.type === "step:finished" && event.step === "variants/clip/tall/manifest"
  );
  const mp4Written = first.findIndex((event) =>
    event.type === "output:written" && event.step === "variants/clip/tall"
  );
  assert.ok(
    encoded < manifestDone && manifestDone < mp4Written,
    `${encoded}, ${manifestDone}, ${mp4Written}`,
  );
  const mp4 = await sha256File(`${out}/clip.tall.mp4`);
  const manifest = await Deno.readTextFile(`${out}/clip.tall.json`);

  // Another colour, stopped as soon as its encode is done: before, its MP4 was already in the folder, beside the
  // first run's manifest (which names the first run's transforms, size and bitrate).
  const controller = new AbortController();
  const second: RunEvent[] = [];
  await renderWorkflows([await writeWorkflow(dir, 1.5)], {
    outDir: out,
    signal: controller.signal,
    onEvent: (event) => {
      second.push(event);
      if (event.type === "step:finished" && event.step === "variants/clip/tall") controller.abort();
    },
  });
  assert.ok(second.some((event) => event.type === "step:finished" && event.step === "variants/clip/tall"));
  assert.deepEqual(second.filter((event) => event.type === "output:written"), []);
  assert.equal(await sha256File(`${out}/clip.tall.mp4`), mp4, "the first run's MP4 is kept");
  assert.equal(await Deno.readTextFile(`${out}/clip.tall.json`), manifest, "with its manifest");
});
