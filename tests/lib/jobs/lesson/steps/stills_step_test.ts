/**
 * The stills step encodes in-process only with the libx264 the plan keyed it with: with that library it makes one
 * IDR per slide with ffmpeg's parameter sets; on a machine whose library is missing or another it fails naming the
 * step and both libraries (the bytes would not be the key's); planned without the library, ffmpeg encodes.
 */
import assert from "node:assert/strict";
import { concatBytes } from "../../../../../lib/core/concat_bytes.ts";
import { stillsStep } from "../../../../../lib/jobs/lesson/steps/stills_step.ts";
import { findLibx264, libx264Identity } from "../../../../../lib/media/h264/libx264.ts";
import { readStills } from "../../../../../lib/media/h264/still_stream.ts";
import { solidPngs } from "../../../../_support/media.ts";
import { runStepKind } from "../../../../_support/step_runner.ts";
import { tempDir } from "../../../../_support/temp_dir.ts";

const library = findLibx264();

async function stills(options: { inProcess: boolean; runtime?: Record<string, string> }) {
  const dir = await tempDir();
  const slides = await solidPngs(dir, ["#c0392b", "#27ae60"], { width: 64, height: 36 });
  const params = {
    width: 64,
    height: 36,
    fps: 30,
    parts: ["section", "section"],
    burn: false,
    captions: null,
  };
  const outputPath = `${dir}/stills.h264`;
  const value = await runStepKind(stillsStep, {
    params: { ...params, inProcess: options.inProcess },
    inputs: slides.map((path) => ({ path, value: null })),
    outputPath,
    scratchDir: `${dir}/scratch`,
    runtime: options.runtime,
  });
  // ffmpeg's pass reads the slides through links it makes in the scratch folder; the in-process path makes none.
  const links = (await Array.fromAsync(Deno.readDir(`${dir}/scratch`))).length;
  return { value, stream: readStills(await Deno.readFile(outputPath)), ffmpeg: links > 0 };
}

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
    const dir = await tempDir();
    const copy = `${dir}/libx264.so.164`;
    await Deno.copyFile(library!, copy);
    const before = Deno.env.get("REEL_LIBX264");
    Deno.env.set("REEL_LIBX264", copy);
    try {
      assert.deepEqual((await stills({ inProcess: true, runtime: { x264: libx264Identity(copy)! } })).value, {
        stills: 2,
      });
      // A package manager puts a new file in its place (here the library with a byte more: other bytes).
      await Deno.remove(copy);
      await Deno.writeFile(copy, concatBytes([await Deno.readFile(library!), new Uint8Array([0])]));
      const replaced = libx264Identity(copy)!;
      await assert.rejects(
        stills({ inProcess: true, runtime: { x264: replaced } }),
        (error: Error) =>
          error.message.includes("test/stills") && error.message.includes("before the file was replaced") &&
          error.message.includes(replaced) && /Restart the worker/.test(error.message),
      );
    } finally {
      if (before === undefined) Deno.env.delete("REEL_LIBX264");
      else Deno.env.set("REEL_LIBX264", before);
    }
  },
});
