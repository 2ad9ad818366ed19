import assert from "node:assert/strict";
import { WorkerEngines } from "../../../lib/cluster/worker_engines.ts";
import { MissingBinaryError } from "../../../lib/core/errors.ts";
import { planLoaded } from "../../../lib/run/load_plan.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { EngineProbes } from "../../../lib/plan/engine_probes.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const FFMPEG = { ffmpeg: "/opt/ffmpeg", ffprobe: "/opt/ffprobe" };

/** Probes that count their calls: ffmpeg answers with its path, espeak-ng is not installed, pocketsphinx fails. */
function countingProbes() {
  const calls: string[] = [];
  const probes: EngineProbes = {
    ffmpeg: (paths) => {
      calls.push("ffmpeg");
      return Promise.resolve(`ffmpeg at ${paths.ffmpeg}`);
    },
    espeak: () => {
      calls.push("espeak");
      return Promise.reject(new MissingBinaryError("espeak-ng on PATH", "install it"));
    },
    slides: () => Promise.resolve("resvg"),
    pocketsphinx: () => {
      calls.push("pocketsphinx");
      return Promise.reject(new Error("pocketsphinx crashed"));
    },
    x264: () => {
      calls.push("x264");
      return null;
    },
  };
  return { calls, probes };
}

Deno.test("WorkerEngines asks for the programs at every job (with the worker's own ffmpeg), for what it loaded once", async () => {
  const { calls, probes } = countingProbes();
  const engines = new WorkerEngines({ ffmpeg: FFMPEG, probes });
  const task = { runtime: {} };
  assert.equal(await engines.identity("ffmpeg", task), "ffmpeg at /opt/ffmpeg");
  assert.equal(await engines.identity("ffmpeg", task), "ffmpeg at /opt/ffmpeg");
  assert.equal(await engines.identity("x264", task), null);
  assert.equal(await engines.identity("x264", task), null);
  // ffmpeg runs anew at each step (programVersion remembers its version by its files); libx264 stays loaded.
  assert.deepEqual(calls, ["ffmpeg", "ffmpeg", "x264"]);
});

Deno.test("WorkerEngines says none for an engine not installed, and asks again after a probe that failed", async () => {
  const { calls, probes } = countingProbes();
  const engines = new WorkerEngines({ ffmpeg: FFMPEG, probes });
  assert.equal(await engines.identity("espeak", { runtime: {} }), null);
  await assert.rejects(engines.identity("pocketsphinx", { runtime: {} }), /pocketsphinx crashed/);
  await assert.rejects(engines.identity("pocketsphinx", { runtime: {} }), /pocketsphinx crashed/);
  assert.deepEqual(calls, ["espeak", "pocketsphinx", "pocketsphinx"]);
});

Deno.test("WorkerEngines identifies the caption font in the folder the step draws with, as the planner does", async () => {
  const dir = await tempDir("reel-fonts-");
  await Deno.writeTextFile(`${dir}/DejaVuSans.ttf`, "not really a font");
  const engines = new WorkerEngines({ ffmpeg: FFMPEG, probes: countingProbes().probes });
  // What a lesson that burns captions is planned with (before, the worker left out the fonts libass falls back on,
  // which the planner keys: every step that burns captions was refused on a cluster).
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    captions: { burn: true },
    videos: [{ id: "v", sections: [{ title: "T", narration: "N." }] }],
  }, { file: "l.ts", moduleUrl: "file:///l.ts", env: (name) => name === "REEL_FONT_DIR" ? dir : undefined });
  const { plan } = await planLoaded([workflow]);
  const stills = plan.steps.find((step) => step.kind === "stills")!;
  const planned = (stills.engine as { font?: string } | null)?.font;
  assert.match(planned ?? "", /^[0-9a-f]{16}-[0-9a-f]{16}$/);
  assert.equal(await engines.identity("font", stills), planned);
  assert.equal(await engines.identity("font", { runtime: { fontsDir: dir } }), planned);
  assert.equal(await engines.identity("font", { runtime: { fontsDir: `${dir}/missing` } }), null);
  assert.equal(await engines.identity("font", { runtime: { fontsDir: "" } }), null);
});
