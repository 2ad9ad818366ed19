/**
 * `reel doctor` and `reel tune` as a user runs them: the doctor names the encoder reel will use (a hardware one when
 * its test encode works, libx264 when it fails), and tune measures settings, saves the best, and `--workers auto`
 * uses it.
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../../lib/run/run_events.ts";
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

Deno.test("reel doctor --json reports filters, encoders, voices and the machine", async () => {
  const result = await runCli(["doctor", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(
    report.filters.map((filter: { name: string }) => filter.name).slice(0, 5),
    ["flite", "xfade", "loudnorm", "subtitles", "silencedetect"],
  );
  assert.ok(
    report.encoders.some((probe: { encoder: { name: string }; works: boolean }) =>
      probe.encoder.name === "libx264" && probe.works
    ),
  );
  assert.ok(report.machine.cores >= 1 && report.machine.totalBytes > 0);
});

Deno.test("reel tune measures 1…2×cores workers on a sample, saves the best, and --workers auto uses it", async () => {
  const dir = await tempDir("reel-tune-");
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 1, audio: false });
  const recipe = { name: "mix", random: { count: 3, seed: 1, speed: [0.9, 1.1] } };
  await Deno.writeTextFile(
    `${dir}/tiny.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({ variants: [{ inputs: ["clip.mp4"], recipes: [recipe] }] })
    });\n`,
  );
  const env = { XDG_CONFIG_HOME: `${dir}/config` };
  const tuned = await runCli(["tune", "tiny.ts"], { cwd: dir, env });
  assert.equal(tuned.code, 0, tuned.stderr);
  const cores = navigator.hardwareConcurrency;
  const rows = tuned.stdout.split("\n").filter((line) => /^\s+\d+\s+\d+\s+[\d.]+ s\s+[\d.]+$/.test(line));
  assert.equal(rows.length, 2 * cores, tuned.stdout);
  const saved = JSON.parse(await Deno.readTextFile(`${dir}/config/reel/tune.json`));
  assert.equal(saved.cores, cores);
  assert.deepEqual(
    saved.results.map((result: { workers: number }) => result.workers),
    rows.map((_, i) => i + 1),
  );
  assert.match(tuned.stdout, new RegExp(`best: ${saved.workers} workers, ${saved.cpu} CPU slots`));

  const rendered = await runCli(["render", "tiny.ts", "--workers", "auto", "--json", "--out", "out"], {
    cwd: dir,
    env,
  });
  assert.equal(rendered.code, 0, rendered.stderr);
  const started = JSON.parse(rendered.stdout.split("\n")[0]!) as RunEvent;
  assert.deepEqual(started.type === "run:started" && started.workers, saved.workers);
});
