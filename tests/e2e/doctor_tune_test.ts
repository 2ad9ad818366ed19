/**
 * `reel doctor` and `reel tune` as a user runs them: the doctor names the encoder reel will use (a hardware one when
 * its test encode works, libx264 when it fails), and tune measures settings, saves the best, and `--workers auto`
 * uses it.
 */
import assert from "node:assert/strict";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { bestSetting } from "../../lib/run/tune_workflow.ts";
import { runCli } from "../_support/cli.ts";
import { fakeEncoderFfmpeg } from "../_support/fake_encoder_ffmpeg.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeTestVideo } from "../_support/test_video.ts";
import { MOD_URL } from "../_support/workflows.ts";

Deno.test("reel doctor names the encoder reel will use: a hardware one that works, else libx264 with the reason", async () => {
  const works = await fakeEncoderFfmpeg(await tempDir(), { works: true });
  const found = await runCli(["doctor"], { env: { REEL_FFMPEG: works.ffmpeg } });
  assert.equal(found.code, 0, found.stderr);
  assert.match(found.stdout, /✔ h264_nvenc +hardware/);
  assert.match(found.stdout, /reel will use h264_nvenc for H\.264/);
  const fails = await fakeEncoderFfmpeg(await tempDir(), { works: false });
  const fallback = await runCli(["doctor"], { env: { REEL_FFMPEG: fails.ffmpeg } });
  assert.equal(fallback.code, 0, fallback.stderr);
  assert.match(fallback.stdout, /✖ h264_nvenc +hardware: Cannot load libcuda\.so\.1/);
  assert.match(fallback.stdout, /reel will use libx264 for H\.264/);
  for (
    const line of [
      /^ffmpeg +ffmpeg version /m,
      /✔ flite +flite voices/,
      /^fonts +✔ /m,
      /^machine +\d+ cores/m,
    ]
  ) {
    assert.match(fallback.stdout, line);
  }
});

Deno.test("reel doctor --json reports filters, encoders, voices, the speech recognizer and the machine", async () => {
  const result = await runCli(["doctor", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(
    report.filters.map((filter: { name: string }) => filter.name).slice(0, 5),
    ["flite", "xfade", "perspective", "subtitles", "ebur128"],
  );
  assert.ok(
    report.encoders.some((probe: { encoder: { name: string }; works: boolean }) =>
      probe.encoder.name === "libx264" && probe.works
    ),
  );
  assert.ok(report.machine.cores >= 1 && report.machine.totalBytes > 0);
  // nt8: transcription's recognizer was not checked; one that is not pocketsphinx is told as transcribe tells it.
  assert.match(report.recognizer.identity, /^pocketsphinx [0-9a-f]{12}$/);
  const wrong = await runCli(["doctor"], { env: { REEL_POCKETSPHINX: "/bin/true" } });
  assert.equal(wrong.code, 0, wrong.stderr);
  assert.match(wrong.stdout, /^transcribe ✖ pocketsphinx at \/bin\/true is not pocketsphinx: /m);
});

Deno.test("reel tune measures 1…2×cores workers on a sample, saves the best, and --workers auto uses it", async () => {
  const dir = await tempDir("reel-tune-");
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 1 });
  const recipe = { name: "mix", random: { count: 3, seed: 1, speed: [0.9, 1.1] } };
  await Deno.writeTextFile(
    `${dir}/tiny.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({ variants: [{ inputs: ["clip.mp4"], recipes: [recipe] }] })
    });\n`,
  );
  const env = { XDG_CONFIG_HOME: `${dir}/config` };
  const cores = navigator.hardwareConcurrency;
  // nt8: before tune saved anything, `auto` took the cores without a word.
  const untuned = await runCli(["plan", "tiny.ts", "--workers", "auto"], { cwd: dir, env });
  assert.equal(untuned.code, 0, untuned.stderr);
  assert.ok(
    untuned.stderr.includes(
      `--workers auto: reel tune has saved no setting (${dir}/config/reel/tune.json): ${cores} workers, one a core`,
    ),
    untuned.stderr,
  );
  const tuned = await runCli(["tune", "tiny.ts", "--rounds", "2"], { cwd: dir, env });
  assert.equal(tuned.code, 0, tuned.stderr);
  const rows = tuned.stdout.split("\n").filter((line) => /^\s+\d+\s+\d+\s+[\d.]+ s\s+[\d.]+$/.test(line));
  assert.equal(rows.length, 2 * cores, tuned.stdout);
  // nt18: one run each, in order, the first settings paid for warming the machine (3 workers beat 2 on two cores by
  // 27%). A run first, not counted, at the cores; then each count twice, each round in another order.
  const runs = [
    ...tuned.stderr.matchAll(/^ {2}(warm-up, not counted|round (\d)\/2): (\d+) workers? [\d.]+ s$/gm),
  ];
  assert.deepEqual(runs.map((run) => [run[2] ?? "0", run[3]]), [
    ["0", String(cores)],
    ...Array.from({ length: 2 * cores }, (_, i) => ["1", String(i + 1)]),
    ...Array.from({ length: 2 * cores }, (_, i) => ["2", String(((i + 1) % (2 * cores)) + 1)]),
  ], tuned.stderr);
  const saved = JSON.parse(await Deno.readTextFile(`${dir}/config/reel/tune.json`));
  assert.equal(saved.cores, cores);
  assert.deepEqual(
    saved.results.map((result: { workers: number }) => result.workers),
    rows.map((_, i) => i + 1),
  );
  assert.match(tuned.stdout, new RegExp(`best: ${saved.workers} workers, ${saved.cpu} CPU slots`));
  // nt8: the fastest of one run each, noise included (3 workers on 2 cores); within 5% the nearest the cores.
  assert.deepEqual(bestSetting(saved.results, cores).workers, saved.workers);

  const rendered = await runCli(["render", "tiny.ts", "--workers", "auto", "--json", "--out", "out"], {
    cwd: dir,
    env,
  });
  assert.equal(rendered.code, 0, rendered.stderr);
  const started = JSON.parse(rendered.stdout.split("\n")[0]!) as RunEvent;
  assert.deepEqual(started.type === "run:started" && started.workers, saved.workers);
  // nt8: transcribe refused `auto` ("Expected a whole number of at least 1"). rv13: within what the chunks and the
  // memory allow (one chunk here: one worker), as tune measured encodes, not pocketsphinx.
  const transcribed = await runCli([
    "transcribe",
    "clip.mp4",
    "--workers",
    "auto",
    "--json",
    "--out",
    "words",
  ], {
    cwd: dir,
    env,
  });
  assert.equal(transcribed.code, 0, transcribed.stderr);
  const heard = JSON.parse(transcribed.stdout.split("\n")[0]!) as RunEvent;
  assert.deepEqual(heard.type === "run:started" && heard.workers, 1);
});

Deno.test("a damaged tune.json is named: doctor marks it, --workers auto refuses it with exit 2; tune checks where it saves before it measures", async () => {
  // Before: an uncaught SyntaxError with a trace from both, and tune's NotADirectory after minutes of measuring.
  const dir = await tempDir("reel-tune-bad-");
  await Deno.mkdir(`${dir}/config/reel`, { recursive: true });
  const file = `${dir}/config/reel/tune.json`;
  await Deno.writeTextFile(file, '{"workers": "lots", ');
  const env = { XDG_CONFIG_HOME: `${dir}/config` };
  const doctor = await runCli(["doctor"], { env });
  assert.equal(doctor.code, 0, doctor.stderr);
  assert.match(doctor.stdout, new RegExp(`tune {7}✖ The tune settings ${file} are damaged: not JSON`));
  await Deno.writeTextFile(file, '{"workers": "lots", "cpu": 2, "cores": 2}');
  const auto = await runCli(["plan", "workflows/lesson.ts", "--workers", "auto"], { env });
  assert.equal(auto.code, 2, auto.stderr);
  assert.match(
    auto.stderr,
    new RegExp(`✖ The tune settings ${file} are damaged: "workers" is not a whole number`),
  );
  assert.doesNotMatch(auto.stderr, /\n\s+at /);

  await Deno.writeTextFile(`${dir}/file`, "not a folder");
  const tune = await runCli(["tune", "workflows/lesson.ts"], {
    env: { XDG_CONFIG_HOME: `${dir}/file/config` },
  });
  assert.equal(tune.code, 2, tune.stderr);
  assert.match(
    tune.stderr,
    new RegExp(
      `✖ Cannot write to the tune settings folder ${dir}/file/config/reel: ${dir}/file is a file, not a folder`,
    ),
  );
  assert.match(tune.stderr, /XDG_CONFIG_HOME to a folder you can write, or add --no-save/);
  assert.doesNotMatch(tune.stdout, /workers {2}cpu/, "nothing measured");

  // An encoder that fails its test encode is told without the table's head (before, the head came first).
  // (This machine has no NVIDIA GPU: CI's have none.)
  const nvenc = await runCli(["tune", "workflows/variants.ts", "--encoder", "h264_nvenc", "--no-save"]);
  assert.equal(nvenc.code, 2, nvenc.stderr);
  assert.match(nvenc.stderr, /✖ Encoder "h264_nvenc" \(from --encoder\) failed its test encode/);
  assert.equal(nvenc.stdout, "");
});

Deno.test("tune on a workflow with nothing it can time says so, exit 2, no stack trace", async () => {
  // Before: an uncaught Error with its trace.
  const dir = await tempDir("reel-tune-none-");
  const file = `${dir}/light.ts`;
  await Deno.writeTextFile(
    file,
    `import { workflow } from "${MOD_URL}";\n` +
      `export default workflow({ steps: [{ id: "a", cpu: false, run: () => 1 }] });\n`,
  );
  const tune = await runCli(["tune", file, "--no-save"]);
  assert.equal(tune.code, 2, tune.stderr);
  assert.match(tune.stderr, /✖ .*light\.ts has no step that tune can run \(no local CPU-heavy step\)/);
  assert.doesNotMatch(tune.stderr, /\n\s+at /);
});

Deno.test("tune times a workflow that calls a hosted API without its key: its sample calls none", async () => {
  // nt: refused with "OPENAI_API_KEY is not set", exit 2, though the sample never calls a provider.
  const dir = await tempDir("reel-tune-keyless-");
  const file = `${dir}/paid.ts`;
  const lesson = {
    formats: ["64x64"],
    providers: { images: { api: "openai" } },
    voice: { provider: "espeak" },
    videos: [{
      id: "v",
      sections: [
        {
          title: "Drawn",
          narration: "One.",
          image: { provider: "images", prompt: "a cat", size: "1024x1024" },
        },
        { title: "Local", narration: "Two." },
      ],
    }],
  };
  await Deno.writeTextFile(
    file,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${JSON.stringify(lesson)});\n`,
  );
  const tune = await runCli(["tune", file, "--no-save", "--sample", "1", "--counts", "1"], {
    env: { OPENAI_API_KEY: "" },
  });
  assert.equal(tune.code, 0, tune.stderr);
  assert.match(tune.stdout, /best: 1 workers/);
  // A render still needs the key.
  const render = await runCli(["render", file, "--out", `${dir}/out`], { env: { OPENAI_API_KEY: "" } });
  assert.equal(render.code, 2, render.stderr);
  assert.match(render.stderr, /OPENAI_API_KEY is not set/);
});

Deno.test("reel doctor marks a filter a lesson needs that this ffmpeg lacks, as the render then refuses it", async () => {
  // nt: the doctor listed every filter ✔ for a build without `perspective`, which a lesson's Ken Burns needs.
  const dir = await tempDir("reel-doctor-filter-");
  const real = await findFfmpeg();
  const ffmpeg = `${dir}/ffmpeg`;
  // reel lists the filters with `ffmpeg -hide_banner -filters`.
  await Deno.writeTextFile(
    ffmpeg,
    `#!/bin/sh\nif [ "$2" = "-filters" ]; then ${real.ffmpeg} "$@" | grep -v " perspective "; exit 0; fi\n` +
      `exec ${real.ffmpeg} "$@"\n`,
    { mode: 0o755 },
  );
  const env = { REEL_FFMPEG: ffmpeg, REEL_FFPROBE: real.ffprobe };
  const doctor = await runCli(["doctor"], { env });
  assert.equal(doctor.code, 0, doctor.stderr);
  assert.match(doctor.stdout, /✖ perspective +Ken Burns moves/);
  assert.match(doctor.stdout, /✔ xfade /);
  const json = JSON.parse((await runCli(["doctor", "--json"], { env })).stdout);
  assert.deepEqual(
    json.filters.filter((filter: { present: boolean }) => !filter.present).map((f: { name: string }) =>
      f.name
    ),
    ["perspective"],
  );
});
