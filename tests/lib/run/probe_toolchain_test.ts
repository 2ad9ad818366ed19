/**
 * probeToolchain() keys a lesson's stills with the libx264 found here when it can be used, and with none when
 * `REEL_LIBX264=off`, when the file there cannot be opened, or when no job has stills.
 */
import assert from "node:assert/strict";
import { findLibx264, libx264Identity } from "../../../lib/media/h264/libx264.ts";
import { loadPlan, probeToolchain } from "../../../lib/run/load_plan.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const { workflows } = await loadPlan(["workflows/lesson.ts"]);

async function withLibx264<T>(value: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = Deno.env.get("REEL_LIBX264");
  if (value === undefined) Deno.env.delete("REEL_LIBX264");
  else Deno.env.set("REEL_LIBX264", value);
  try {
    return await run();
  } finally {
    if (before === undefined) Deno.env.delete("REEL_LIBX264");
    else Deno.env.set("REEL_LIBX264", before);
  }
}

Deno.test("probeToolchain: the usable libx264's identity for a lesson; none when off, unusable or unneeded", async () => {
  const library = findLibx264();
  const found = await withLibx264(undefined, () => probeToolchain(workflows));
  assert.equal(found.x264, library === null ? undefined : libx264Identity(library));
  assert.equal((await withLibx264("off", () => probeToolchain(workflows))).x264, undefined);
  const fake = `${await tempDir()}/libx264.so.164`;
  await Deno.writeTextFile(fake, "not a library");
  assert.equal((await withLibx264(fake, () => probeToolchain(workflows))).x264, undefined);
  assert.equal((await withLibx264(undefined, () => probeToolchain([]))).x264, undefined);
});
