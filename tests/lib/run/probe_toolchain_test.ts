/**
 * probeToolchain() keys a lesson's stills with the libx264 found here when it can be used, and with none when
 * `REEL_LIBX264=off`, when the file there cannot be opened, or when no job has stills.
 */
import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { findLibx264, libx264Identity } from "../../../lib/media/h264/libx264.ts";
import { loadPlan, planLoaded, probeToolchain } from "../../../lib/run/load_plan.ts";
import { probeToolchainWith } from "../../_support/probe_toolchain_run.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const { workflows } = await loadPlan(["workflows/lesson.ts"]);

/** The toolchain probed in a process of its own with `REEL_LIBX264` set to `value` (unset: null). */
async function withLibx264(value: string | null, workflows: "lesson" | "none") {
  return await probeToolchainWith({ REEL_LIBX264: value }, workflows);
}

Deno.test("probeToolchain: the usable libx264's identity for a lesson; none when off or unneeded; a named unusable one refused", async () => {
  const library = findLibx264((name) => name === "REEL_LIBX264" ? undefined : Deno.env.get(name));
  const found = await withLibx264(null, "lesson");
  assert.equal(found.toolchain?.x264, library === null ? undefined : libx264Identity(library));
  const off = await withLibx264("off", "lesson");
  assert.ok(off.toolchain !== null && off.toolchain.x264 === undefined);
  const fake = `${await tempDir()}/libx264.so.164`;
  await Deno.writeTextFile(fake, "not a library");
  // One the user names must be usable: the render stops, naming it (before: passed over without a word).
  const refused = await withLibx264(fake, "lesson");
  assert.equal(refused.error?.name, "InputError");
  assert.ok(
    refused.error.message.startsWith(`REEL_LIBX264 names ${fake}, which cannot`),
    refused.error.message,
  );
  // A folder named was said to be "no such file" (fi22).
  const folder = await withLibx264(await tempDir(), "lesson");
  assert.match(
    folder.error?.message ?? "",
    /^REEL_LIBX264 names .*, which cannot encode the stills: it is a folder$/,
  );
  const unneeded = await withLibx264(null, "none");
  assert.ok(unneeded.toolchain !== null && unneeded.toolchain.x264 === undefined);
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
  const other = (await probeToolchainWith({ REEL_FFPROBE: ffprobe }, "none")).toolchain?.ffmpeg ?? "";
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
