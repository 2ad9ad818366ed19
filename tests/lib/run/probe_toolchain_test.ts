/**
 * probeToolchain() keys a lesson's stills with the libx264 found here when it can be used, and with none when
 * `REEL_LIBX264=off`, when the file there cannot be opened, or when no job has stills.
 */
import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { findLibx264, libx264Identity } from "../../../lib/media/h264/libx264.ts";
import { loadPlan, planLoaded, probeToolchain } from "../../../lib/run/load_plan.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const { workflows } = await loadPlan(["workflows/lesson.ts"]);

async function withEnv<T>(name: string, value: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = Deno.env.get(name);
  if (value === undefined) Deno.env.delete(name);
  else Deno.env.set(name, value);
  try {
    return await run();
  } finally {
    if (before === undefined) Deno.env.delete(name);
    else Deno.env.set(name, before);
  }
}

const withLibx264 = <T>(value: string | undefined, run: () => Promise<T>) =>
  withEnv("REEL_LIBX264", value, run);

Deno.test("probeToolchain: the usable libx264's identity for a lesson; none when off or unneeded; a named unusable one refused", async () => {
  const library = findLibx264();
  const found = await withLibx264(undefined, () => probeToolchain(workflows));
  assert.equal(found.x264, library === null ? undefined : libx264Identity(library));
  assert.equal((await withLibx264("off", () => probeToolchain(workflows))).x264, undefined);
  const fake = `${await tempDir()}/libx264.so.164`;
  await Deno.writeTextFile(fake, "not a library");
  // One the user names must be usable: the render stops, naming it (before: passed over without a word).
  await assert.rejects(
    withLibx264(fake, () => probeToolchain(workflows)),
    (error) =>
      error instanceof InputError && error.message.startsWith(`REEL_LIBX264 names ${fake}, which cannot`),
  );
  assert.equal((await withLibx264(undefined, () => probeToolchain([]))).x264, undefined);
});

Deno.test("probeToolchain: another ffprobe (REEL_FFPROBE) is another ffmpeg identity: the steps that read its probes re-run", async () => {
  const dir = await tempDir();
  const ffprobe = `${dir}/ffprobe`;
  const real = new Deno.Command("sh", { args: ["-c", "command -v ffprobe"], stdout: "piped" }).outputSync();
  await Deno.writeTextFile(
    ffprobe,
    `#!/bin/sh\nif [ "$1" = -version ]; then echo "ffprobe version 9.9-other"; exit 0; fi\n` +
      `exec ${new TextDecoder().decode(real.stdout).trim()} "$@"\n`,
    { mode: 0o755 },
  );
  const usual = (await probeToolchain([])).ffmpeg;
  const other = (await withEnv("REEL_FFPROBE", ffprobe, () => probeToolchain([]))).ffmpeg;
  assert.match(usual, /^ffmpeg version .*; ffprobe version /);
  assert.match(other, /; ffprobe version 9\.9-other #[0-9a-f]{16}$/);
  assert.equal(other.split("; ")[0], usual.split("; ")[0], "the same ffmpeg");
});

Deno.test("planLoaded: --encoder on workflows that encode with none is refused, a bogus one named as such", async () => {
  // A lesson's videos are x264's: the encoder asked for would be ignored.
  await assert.rejects(
    planLoaded(workflows, { encoder: "libx264" }),
    (error) =>
      error instanceof InputError && /--encoder libx264: no step of these workflows/.test(error.message),
  );
  await assert.rejects(
    planLoaded(workflows, { encoder: "bogus" }),
    (error) => error instanceof InputError && /Unknown encoder "bogus"/.test(error.message),
  );
});
