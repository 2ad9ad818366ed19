/**
 * Finding and checking libx264: `REEL_LIBX264` (or off), then `LD_LIBRARY_PATH`, then the usual folders; the
 * identity that keys the stills changes with the file; a file that is not the library is named with the reason it
 * cannot be used, and so is an encoder opened on it.
 */
import assert from "node:assert/strict";
import {
  findLibx264,
  libx264Identity,
  libx264Problem,
  X264Encoder,
} from "../../../../lib/media/h264/libx264.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

Deno.test("findLibx264 and libx264Identity: REEL_LIBX264 (or off), then LD_LIBRARY_PATH, then the usual folders", async () => {
  const dir = await tempDir();
  const fake = `${dir}/libx264.so.164`;
  await Deno.writeTextFile(fake, "not a library");
  const env = (values: Record<string, string>) => (name: string) => values[name];
  assert.equal(findLibx264(env({ REEL_LIBX264: "off" })), null);
  assert.equal(findLibx264(env({ REEL_LIBX264: fake })), fake);
  assert.equal(findLibx264(env({ REEL_LIBX264: `${dir}/missing.so` })), null);
  assert.equal(findLibx264(env({ LD_LIBRARY_PATH: `/nowhere:${dir}` })), fake);
  const identity = libx264Identity(fake);
  assert.match(identity ?? "", /^[0-9a-f]{16}$/);
  // Rewritten with other bytes of the same size and time: another identity, so the stills' keys change.
  const { mtime } = await Deno.stat(fake);
  await Deno.writeTextFile(fake, "not a librarY");
  await Deno.utime(fake, mtime!, mtime!);
  assert.notEqual(libx264Identity(fake), identity);
  // The same bytes elsewhere: the same identity.
  await Deno.writeTextFile(`${dir}/copy.so`, "not a library");
  assert.equal(libx264Identity(`${dir}/copy.so`), identity);
  assert.equal(libx264Identity(null), null);
});

Deno.test("libx264Problem: this machine's library can be used; any other file is named with why not", async () => {
  const library = findLibx264();
  if (library !== null) assert.equal(libx264Problem(library), null);
  const dir = await tempDir();
  const fake = `${dir}/libx264.so.164`;
  await Deno.writeTextFile(fake, "not a library");
  // The loader's reason, once (Deno said "Could not open library: " twice, and the path again).
  assert.match(
    libx264Problem(fake) ?? "",
    new RegExp(`^${fake.replaceAll(".", "\\.")} cannot be opened: (?!Could not open library)(?!/).+`),
  );
  const settings = { width: 16, height: 16, fps: 30, preset: "ultrafast", profile: "high", options: [] };
  assert.throws(() => X264Encoder.open(fake, settings), /cannot be opened/);
});
