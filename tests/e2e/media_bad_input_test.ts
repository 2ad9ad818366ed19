/**
 * Media files a workflow names that cannot serve (a PNG cut short, a text file named like an image, a clip with no
 * pictures, a soundtrack with no sound): a clear message naming the field, exit 2, before any step, nothing written.
 */
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { encodePng, pngChunk } from "../../lib/media/png_encoder.ts";
import { type CliResult, listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { corruptJpeg, cutShortPng, lyingJpeg, testPng } from "../_support/damaged_images.ts";
import { makeColourImage, makeTestVideo } from "../_support/test_video.ts";

function assertCleanInputError(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.ok(result.stderr.trimStart().startsWith("✖"), result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
}

/** Renders `value` written as `workflow.json` in `dir` into `dir/out`. */
async function render(dir: string, value: unknown): Promise<CliResult> {
  await Deno.writeTextFile(`${dir}/workflow.json`, JSON.stringify(value));
  return await runCli(["render", `${dir}/workflow.json`, "--out", `${dir}/out`]);
}

Deno.test("bad input: a picture or background image cut short is named at its field before any step, exit 2, nothing written", async () => {
  const dir = await tempDir();
  await makeColourImage(`${dir}/whole.png`, { colour: "#3050e0", width: 64, height: 64 });
  const whole = await Deno.readFile(`${dir}/whole.png`);
  await Deno.writeFile(`${dir}/cut.png`, whole.subarray(0, Math.floor(whole.length / 2)));
  const section = { title: "T", narration: "Hi." };
  for (
    const [fields, where] of [
      [{ picture: { file: "cut.png" } }, "videos[0].sections[0].picture.file"],
      [{ background: { image: "cut.png" } }, "videos[0].sections[0].background.image"],
    ] as const
  ) {
    const result = await render(dir, {
      formats: ["160x90"],
      videos: [{ id: "a", sections: [{ ...section, ...fields }] }],
    });
    assertCleanInputError(result, /✖ Cannot use .*\/cut\.png as an image: the PNG is truncated\n/);
    assert.ok(result.stderr.includes(`→ at ${where}`), result.stderr);
    assert.equal(await listFolder(`${dir}/out`), null);
  }
});

Deno.test("bad input: a picture whose chunks are whole but whose pixels do not inflate to its size is named at its field by the preflight, exit 2, nothing written", async () => {
  const dir = await tempDir();
  const red = encodePng(new Uint8Array(8 * 8 * 4).fill(255), 8, 8);
  // The header of an 8×8 RGBA image, and image data holding half its rows: every checksum right.
  await Deno.writeFile(
    `${dir}/short.png`,
    new Uint8Array([
      ...red.subarray(0, 8 + 25),
      ...pngChunk("IDAT", deflateSync(new Uint8Array((8 * 4 + 1) * 4))),
      ...pngChunk("IEND", new Uint8Array()),
    ]),
  );
  const result = await render(dir, {
    formats: ["160x90"],
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi.", picture: { file: "short.png" } }] }],
  });
  assertCleanInputError(result, /✖ Cannot use .*\/short\.png as an image: the PNG is corrupt \(/);
  assert.ok(result.stderr.includes("→ at videos[0].sections[0].picture.file"), result.stderr);
  assert.equal(await listFolder(`${dir}/out`), null);
});

Deno.test("bad input: pictures and backgrounds whose structure is whole but whose pixels do not decode (a corrupt JPEG, a JPEG claiming 12000 × 12000 pixels, grey and palette PNGs cut short) are named at their fields, exit 2, nothing written", async () => {
  const dir = await tempDir();
  await Deno.writeFile(`${dir}/corrupt.jpg`, await corruptJpeg());
  await Deno.writeFile(`${dir}/lying.jpg`, await lyingJpeg());
  await Deno.writeFile(`${dir}/grey.png`, cutShortPng("grey"));
  await Deno.writeFile(`${dir}/palette.png`, cutShortPng("palette"));
  const section = (n: number, fields: Record<string, unknown>) => ({
    title: `S${n}`,
    narration: "Hi.",
    ...fields,
  });
  const result = await render(dir, {
    formats: ["160x90"],
    titleCard: false,
    videos: [{
      id: "a",
      sections: [
        section(1, { picture: { file: "corrupt.jpg" } }),
        section(2, { picture: { file: "lying.jpg" } }),
        section(3, { picture: { file: "grey.png" } }),
        section(4, { background: { image: "palette.png" } }),
        // The same image twice: decoded once, named at both.
        section(5, { picture: { file: "corrupt.jpg" } }),
      ],
    }],
  });
  // Before: exit 0, each slide drawn without its image (resvg leaves out what it cannot decode).
  assertCleanInputError(
    result,
    /✖ Cannot use .*\/corrupt\.jpg as an image: the JPEG is corrupt: its pixels do not decode/,
  );
  const named = (field: string, message: RegExp) => {
    // A JSON workflow: the field, then its line and column (nt4).
    const at = result.stderr.indexOf(`→ at ${field}, line `);
    assert.ok(at > 0, `${field} named:\n${result.stderr}`);
    assert.match(result.stderr.slice(result.stderr.lastIndexOf("✖", at), at), message, field);
  };
  named("videos[0].sections[0].picture.file", /corrupt\.jpg as an image: the JPEG is corrupt/);
  named("videos[0].sections[1].picture.file", /lying\.jpg as an image: the JPEG is corrupt/);
  named(
    "videos[0].sections[2].picture.file",
    /grey\.png as an image: the PNG is corrupt: .*IEND without all image/,
  );
  named("videos[0].sections[3].background.image", /palette\.png as an image: the PNG is corrupt/);
  named("videos[0].sections[4].picture.file", /corrupt\.jpg as an image: the JPEG is corrupt/);
  assert.equal(await listFolder(`${dir}/out`), null);
});

Deno.test("pictures of the kinds reel's PNG decoder leaves to ffmpeg (a progressive JPEG, grey, palette and 16-bit PNGs) pass the check and render, exit 0", async () => {
  const dir = await tempDir();
  await Deno.copyFile(new URL("../fixtures/progressive.jpg", import.meta.url), `${dir}/progressive.jpg`);
  for (const [name, pixFmt] of [["grey", "gray"], ["palette", "pal8"], ["deep", "rgb48be"]]) {
    await Deno.writeFile(`${dir}/${name}.png`, await testPng(pixFmt!));
  }
  const result = await render(dir, {
    formats: ["160x90"],
    titleCard: false,
    videos: [{
      id: "a",
      sections: [
        { title: "P", narration: "A.", picture: { file: "progressive.jpg" } },
        { title: "G", narration: "B.", picture: { file: "grey.png" } },
        { title: "C", narration: "C.", background: { image: "palette.png" } },
        { title: "D", narration: "D.", picture: { file: "deep.png" } },
      ],
    }],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.ok((await listFolder(`${dir}/out`))?.includes("a.160x90.mp4"), result.stderr);
});

Deno.test("bad input: montage items that are not whole images or clips with pictures, and soundtracks with no sound, are named at their fields before any step, exit 2, nothing written", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  await makeColourImage(`${dir}/tile.png`, { colour: "#3050e0", width: 64, height: 48 });
  const tile = await Deno.readFile(`${dir}/tile.png`);
  await Deno.writeFile(`${dir}/cut.png`, tile.subarray(0, tile.length - 20));
  await Deno.writeTextFile(`${dir}/notes.png`, "not an image");
  await Deno.writeTextFile(`${dir}/notes.mp3`, "not a song");
  await Deno.writeFile(`${dir}/corrupt.jpg`, await corruptJpeg());
  await Deno.writeFile(`${dir}/grey.png`, cutShortPng("grey"));
  const testsrc = ["-f", "lavfi", "-i", "testsrc=s=64x48:d=1", "-pix_fmt", "yuv420p"];
  await runFfmpeg(ffmpeg, [...testsrc, `${dir}/silent.mp4`]);
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=1", `${dir}/song.m4a`]);
  const silent = await Deno.readFile(`${dir}/silent.mp4`);
  // Its index (moov) is written last: cut in half, ffprobe cannot read it.
  await Deno.writeFile(`${dir}/cut.mp4`, silent.subarray(0, Math.floor(silent.length / 2)));
  // Its index first, as a download's is: cut, the probe gives the whole length, and ffmpeg played the part there
  // is, looped in its cell, exit 0.
  await runFfmpeg(ffmpeg, [
    "-i",
    `${dir}/silent.mp4`,
    "-c",
    "copy",
    "-movflags",
    "+faststart",
    `${dir}/fast.mp4`,
  ]);
  const fast = await Deno.readFile(`${dir}/fast.mp4`);
  await Deno.writeFile(`${dir}/partial.mp4`, fast.subarray(0, Math.floor(fast.length * 0.6)));
  // A Matroska clip and an animated GIF cut short too (before: taken, their part frozen or looped, exit 0).
  await runFfmpeg(ffmpeg, ["-i", `${dir}/silent.mp4`, "-c", "copy", `${dir}/clip.mkv`]);
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "testsrc=s=64x48:r=10:d=1", `${dir}/anim.gif`]);
  for (const [whole, cut] of [["clip.mkv", "partial.mkv"], ["anim.gif", "partial.gif"]]) {
    const bytes = await Deno.readFile(`${dir}/${whole}`);
    await Deno.writeFile(`${dir}/${cut}`, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  }
  // Whole, its only keyframe garbled: it probes well and no picture decodes (before: looped in its cell, ffmpeg
  // spun at full CPU until the step's timeout, five minutes for a 1-s montage).
  const damaged = silent.slice();
  const mdat = new TextDecoder("latin1").decode(damaged).indexOf("mdat");
  const end = mdat - 4 + new DataView(damaged.buffer).getUint32(mdat - 4);
  for (let k = mdat + 100; k < Math.min(mdat + 3000, end); k++) damaged[k]! ^= 0x55;
  await Deno.writeFile(`${dir}/damaged.mp4`, damaged);
  // A soundtrack none of whose sound decodes: looped, it gave none ever, as the clip above.
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", `${dir}/song.aac.m4a`]);
  const garbled = (await Deno.readFile(`${dir}/song.aac.m4a`)).slice();
  const soundAt = new TextDecoder("latin1").decode(garbled).indexOf("mdat");
  const soundEnd = soundAt - 4 + new DataView(garbled.buffer).getUint32(soundAt - 4);
  for (let k = soundAt + 4; k < soundEnd; k++) garbled[k]! ^= 0x55;
  await Deno.writeFile(`${dir}/garbled.m4a`, garbled);
  // An animated WebP: ffmpeg 5.1 writes them and decodes none (before: it spun as the damaged clip did).
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "testsrc=s=64x48:r=5:d=1",
    "-f",
    "webp",
    "-loop",
    "0",
    `${dir}/anim.webp`,
  ]);
  const result = await render(dir, {
    montages: [
      {
        id: "wall",
        layout: "grid",
        items: [
          "tile.png",
          "notes.png",
          "cut.mp4",
          // Written as an object: named at its file (nt22: at the item).
          { file: "song.m4a", caption: "Song" },
          "cut.png",
          "silent.mp4",
          "partial.mp4",
          "fast.mp4",
          "corrupt.jpg",
          "grey.png",
          "partial.mkv",
          "partial.gif",
          "damaged.mp4",
          "anim.webp",
        ],
        size: "160x90",
        duration: 1,
        audio: { file: "silent.mp4" },
      },
      { id: "strip", layout: "scroll", items: ["tile.png"], size: "160x90", duration: 1, audio: "notes.mp3" },
      {
        id: "tune",
        layout: "scroll",
        items: ["tile.png"],
        size: "160x90",
        duration: 1,
        audio: "garbled.m4a",
      },
    ],
  });
  assert.equal(result.code, 2, result.stderr);
  const named = (field: string, message: RegExp) => {
    // A JSON workflow: the field, then its line and column (nt4).
    const at = result.stderr.indexOf(`→ at ${field}, line `);
    assert.ok(at > 0, `${field} named:\n${result.stderr}`);
    const line = result.stderr.slice(result.stderr.lastIndexOf("✖", at), at);
    assert.match(line, message, field);
  };
  // Text named as an image is told as a bad image (before: "No video stream in notes.png").
  named("montages[0].items[1]", /Cannot use .*\/notes\.png as an image: not a PNG or JPEG image/);
  named("montages[0].items[2]", /Cannot read .*\/cut\.mp4 as video/);
  named("montages[0].items[3].file", /No video stream in .*\/song\.m4a/);
  named("montages[0].items[4]", /Cannot use .*\/cut\.png as an image: the PNG is truncated/);
  named("montages[0].items[6]", /.*\/partial\.mp4 is cut short: its data ends before its index says/);
  // Whole in structure, not in pixels: before, ffmpeg drew what it made of them, exit 0.
  named(
    "montages[0].items[8]",
    /Cannot use .*\/corrupt\.jpg as an image: the JPEG is corrupt: its pixels do not decode/,
  );
  named(
    "montages[0].items[9]",
    /Cannot use .*\/grey\.png as an image: the PNG is corrupt: .*IEND without all image/,
  );
  named("montages[0].items[10]", /.*\/partial\.mkv is cut short: its data ends before its header says/);
  named("montages[0].items[11]", /.*\/partial\.gif is cut short: it ends before a GIF's trailer/);
  named(
    "montages[0].items[12]",
    /ffmpeg decodes no picture of .*\/damaged\.mp4: it is damaged, or of a kind this ffmpeg does not decode/,
  );
  named("montages[0].audio.file", /No audio stream in .*\/silent\.mp4/);
  // Text named as a clip or a song is told as text (before: ffprobe's words, "Truncating packet of size …").
  named("montages[1].audio", /.*\/notes\.mp3 holds text, not media: give a sound file/);
  named("montages[0].items[13]", /ffmpeg decodes no picture of .*\/anim\.webp: .* \(ffmpeg: webp: [^@]*\)$/m);
  named(
    "montages[2].audio",
    /ffmpeg decodes no sound of .*\/garbled\.m4a: it is damaged, or of a kind this ffmpeg does not decode/,
  );
  // A soundtrack that is not there is named where its file is written too.
  const missing = await render(dir, {
    montages: [{
      id: "quiet",
      layout: "grid",
      items: ["tile.png"],
      size: "160x90",
      audio: { file: "nope.mp3" },
    }],
  });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /No file matches "nope\.mp3".*\n\s+→ at montages\[0\]\.audio\.file,/);
  // A folder is no soundtrack (before: its first file was taken, a picture told as "no duration").
  await Deno.mkdir(`${dir}/songs`);
  await Deno.copyFile(`${dir}/tile.png`, `${dir}/songs/a.png`);
  const folder = await render(dir, {
    montages: [{
      id: "folder",
      layout: "grid",
      items: ["tile.png"],
      size: "160x90",
      audio: { file: "songs" },
    }],
  });
  assert.equal(folder.code, 2, folder.stderr);
  assert.match(
    folder.stderr,
    /✖ Expected an audio file, got a folder: songs\n\s+→ at montages\[0\]\.audio\.file,/,
  );
  assert.doesNotMatch(result.stderr, /items\[0\]|items\[5\]|items\[7\]/, "the whole image and clips pass");
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
  assert.equal(await listFolder(`${dir}/out`), null);
});

Deno.test("bad input: a variants overlay image whose pixels do not decode is named at its field before any step, exit 2, nothing written", async () => {
  const dir = await tempDir();
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 1, audio: false });
  await Deno.writeFile(`${dir}/logo.jpg`, await corruptJpeg());
  const overlay = { image: "logo.jpg", position: "top-left", size: 0.5, opacity: 1 };
  const result = await render(dir, {
    variants: [{ inputs: ["clip.mp4"], recipes: [{ name: "branded", format: "90x90", overlay }] }],
  });
  // Before: exit 0, and ffmpeg drew what it made of the corrupt logo over every variant.
  assertCleanInputError(result, /✖ Cannot use .*\/logo\.jpg: the JPEG is corrupt: its pixels do not decode/);
  assert.ok(result.stderr.includes("→ at variants[0].recipes[0].overlay.image"), result.stderr);
  assert.equal(await listFolder(`${dir}/out`), null);
});
