import assert from "node:assert/strict";
import {
  type EngineEntry,
  engineMismatches,
  engineMismatchMessage,
} from "../../../lib/cluster/engine_mismatch.ts";
import { WorkerEngines } from "../../../lib/cluster/worker_engines.ts";
import { TEXT_SEGMENTATION } from "../../../lib/core/segmenters.ts";

/** A worker's engines, recording which entries were asked for. */
function worker(engines: Partial<Record<EngineEntry, string>>) {
  const asked: EngineEntry[] = [];
  const identity = (entry: EngineEntry) => {
    asked.push(entry);
    return Promise.resolve(engines[entry] ?? null);
  };
  return { asked, identity };
}

Deno.test("engineMismatches() finds nothing when every local engine the step holds is the worker's", async () => {
  const here = worker({ ffmpeg: "ffmpeg 5.1 #aa", espeak: "eSpeak NG 1.51 #bb", renderer: "resvg 2.6.2" });
  const engine = { id: "local/espeak@1", espeak: "eSpeak NG 1.51 #bb", ffmpeg: "ffmpeg 5.1 #aa" };
  assert.deepEqual(await engineMismatches(engine, here.identity), []);
  assert.deepEqual(here.asked, ["ffmpeg", "espeak"]);
});

Deno.test("engineMismatches() names the entry that differs with its planned value and the worker's", async () => {
  const here = worker({ ffmpeg: "ffmpeg 6.0 #cc", x264: "/usr/lib/libx264.so.164\t1\t2" });
  const engine = {
    ffmpeg: "ffmpeg 5.1 #aa",
    x264: "/usr/lib/libx264.so.164\t1\t2",
    font: "0123456789abcdef",
  };
  assert.deepEqual(await engineMismatches(engine, here.identity), [
    { entry: "ffmpeg", planned: "ffmpeg 5.1 #aa", actual: "ffmpeg 6.0 #cc" },
    { entry: "font", planned: "0123456789abcdef", actual: null },
  ]);
});

Deno.test("engineMismatches() ignores the engines a step does not hold, and steps without local engines", async () => {
  // This worker has no espeak-ng and another pocketsphinx: neither matters to an ffmpeg step.
  const here = worker({ ffmpeg: "ffmpeg 5.1 #aa", pocketsphinx: "pocketsphinx 000000000000" });
  assert.deepEqual(await engineMismatches({ ffmpeg: "ffmpeg 5.1 #aa" }, here.identity), []);
  assert.deepEqual(
    await engineMismatches({ api: "openai", baseUrl: "http://x", version: null }, here.identity),
    [],
  );
  for (const engine of [null, "ffmpeg 4", { digest: "d" }]) {
    assert.deepEqual(await engineMismatches(engine, here.identity), []);
  }
  assert.deepEqual(here.asked, ["ffmpeg"]);
});

Deno.test("engineMismatchMessage() names the step, each engine, the planned value and the worker's", () => {
  assert.equal(
    engineMismatchMessage("intro/s01/speech", [
      { entry: "espeak", planned: "eSpeak NG 1.51 #bb", actual: "eSpeak NG 1.52 #dd" },
    ]),
    'step "intro/s01/speech" was planned with espeak-ng "eSpeak NG 1.51 #bb", but this worker has "eSpeak NG 1.52 #dd": install the same version here, or run this worker elsewhere',
  );
  assert.equal(
    engineMismatchMessage("intro/stills@16x9", [
      { entry: "ffmpeg", planned: "ffmpeg 5.1", actual: "ffmpeg 6.0" },
      { entry: "x264", planned: "/lib/libx264.so.164\t1\t2", actual: null },
    ]),
    'step "intro/stills@16x9" was planned with ffmpeg "ffmpeg 5.1" and libx264 "/lib/libx264.so.164 1 2", but this worker has ffmpeg "ffmpeg 6.0" and libx264 none: install the same versions here, or run this worker elsewhere',
  ); // The same version's text, other files (a wrapper script at REEL_FFMPEG): said so, with the two files' digests
  // (before: "install the same version" of the version it had).
  const ffmpeg = (digest: string) =>
    `ffmpeg version 5.1.9-0+deb12u1 #${digest}; ffprobe version 5.1.9-0+deb12u1 #00000000000000ff`;
  assert.equal(
    engineMismatchMessage("v/narration", [
      { entry: "ffmpeg", planned: ffmpeg("20d1299baf3e5d78"), actual: ffmpeg("1a13d62854728ea0") },
    ]),
    'step "v/narration" was planned with ffmpeg "ffmpeg version 5.1.9-0+deb12u1; ffprobe version 5.1.9-0+deb12u1" ' +
      "and this worker has that version too, but other files (#20d1299baf3e5d78 #00000000000000ff planned, " +
      "#1a13d62854728ea0 #00000000000000ff here: a wrapper script, or a binary or library built or patched " +
      "otherwise): use the same files here, or run this worker elsewhere",
  );
});

Deno.test("engineMismatches() refuses a worker whose ICU cuts text otherwise than the coordinator's", async () => {
  // rv2: the cues' and captions' keys hold ICU's version, which a worker did not compare with its own.
  const engines = new WorkerEngines({ ffmpeg: { ffmpeg: "ffmpeg", ffprobe: "ffprobe" } });
  const identity = (entry: EngineEntry) => engines.identity(entry, { runtime: {} });
  assert.deepEqual(await engineMismatches({ text: TEXT_SEGMENTATION }, identity), []);
  assert.deepEqual(await engineMismatches({ text: "icu:1.0" }, identity), [
    { entry: "text", planned: "icu:1.0", actual: TEXT_SEGMENTATION },
  ]);
});
