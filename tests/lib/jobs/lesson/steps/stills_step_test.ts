/**
 * The stills step encodes in-process only with the libx264 the plan keyed it with: with that library it makes one
 * IDR per slide with ffmpeg's parameter sets; on a machine whose library is missing or another it fails naming the
 * step and both libraries (the bytes would not be the key's); planned without the library, ffmpeg encodes.
 */
import assert from "node:assert/strict";
import { findLibx264, libx264Identity } from "../../../../../lib/media/h264/libx264.ts";
import { runStills as stills } from "../../../../_support/stills_run.ts";
import { tempDir } from "../../../../_support/temp_dir.ts";
import { runJsonScript } from "../../../../_support/json_script.ts";

const library = findLibx264();

Deno.test({
  name: "stills step: in-process with the planned libx264, the same parameter sets as ffmpeg's pass",
  ignore: library === null,
  fn: async () => {
    const mine = await stills({ inProcess: true, runtime: { x264: libx264Identity(library)! } });
    const theirs = await stills({ inProcess: false });
    assert.deepEqual(mine.value, { stills: 2 });
    assert.deepEqual(theirs.value, { stills: 2 });
    assert.deepEqual(mine.stream.parameterSets, theirs.stream.parameterSets);
    assert.equal(mine.stream.stills.length, 2);
    assert.deepEqual([mine.ffmpeg, theirs.ffmpeg], [false, true]);
  },
});

Deno.test("stills step: a machine without the planned libx264 fails naming the step and both libraries", async () => {
  await assert.rejects(
    stills({ inProcess: true, runtime: { x264: "0123456789abcdef" } }),
    (error: Error) =>
      error.message.includes("test/stills") && error.message.includes("digest 0123456789abcdef") &&
      error.message.includes(library === null ? "has none" : library) &&
      /REEL_LIBX264=off/.test(error.message),
  );
});

Deno.test({
  name: "stills step: a worker that opened libx264 before the file was replaced refuses the new key's stills",
  ignore: library === null,
  fn: async () => {
    // In a process of its own: REEL_LIBX264 set here would be read by the tests running beside this one (a
    // preflight test once planned with the copy this test had just replaced, and failed).
    const dir = await tempDir();
    const copy = `${dir}/libx264.so.164`;
    await Deno.copyFile(library!, copy);
    const script = new URL("../../../../_support/replaced_libx264.ts", import.meta.url).pathname;
    const { first, replaced, error } = await runJsonScript(script, [library!, copy], {
      REEL_LIBX264: copy,
    }) as {
      first: unknown;
      replaced: string;
      error: string;
    };
    assert.deepEqual(first, { stills: 2 });
    assert.ok(
      error.includes("test/stills") && error.includes("before the file was replaced") &&
        error.includes(replaced) &&
        /Restart the worker/.test(error),
      error,
    );
  },
});
