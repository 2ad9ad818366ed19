/** mediaProblem says why a file cannot serve as the stream a step needs, in the words of what the file is. */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { mediaProblem } from "../../../lib/media/media_problem.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("mediaProblem() says a picture named as sound is a still image, and a file with no sound says so", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  // nt11: a PNG as a montage's audio was said to have "no duration".
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", `${dir}/pic.png`]);
  assert.equal(
    await mediaProblem(ffmpeg, `${dir}/pic.png`, { needs: "audio" }),
    `Cannot read ${dir}/pic.png as audio: it is a still image (png)`,
  );
  // rv19: a BMP (no length either) was still said to have none.
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", `${dir}/pic.bmp`]);
  assert.equal(
    await mediaProblem(ffmpeg, `${dir}/pic.bmp`, { needs: "audio" }),
    `Cannot read ${dir}/pic.bmp as audio: it is a still image (bmp)`,
  );
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "color=c=red:s=16x16:d=1", `${dir}/silent.mp4`]);
  assert.equal(
    await mediaProblem(ffmpeg, `${dir}/silent.mp4`, { needs: "audio" }),
    `No audio stream in ${dir}/silent.mp4`,
  );
  assert.equal(await mediaProblem(ffmpeg, `${dir}/silent.mp4`, { needs: "video" }), null);
});

Deno.test("mediaProblem() says bytes that do not begin as their name's format are not that format, and a cut MP3 is cut", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  // The same noise every run (a linear congruential sequence): fi14 gave random bytes, told in ffmpeg's words.
  let seed = 7;
  const noise = Uint8Array.from(
    { length: 20_000 },
    () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) >> 23,
  );
  const named = [
    ["noise.mp3", "an MP3"],
    ["noise.ogg", "an Ogg file"],
    ["noise.wav", "a WAV file"],
    ["noise.flac", "a FLAC file"],
    ["noise.m4a", "an MP4 or MOV"],
    ["noise.mkv", "a Matroska or WebM file"],
  ];
  for (const [name, format] of named) {
    await Deno.writeFile(`${dir}/${name}`, noise);
    const problem = await mediaProblem(ffmpeg, `${dir}/${name}`, { needs: "audio", decodes: true });
    assert.match(
      problem ?? "",
      new RegExp(`${dir}/${name}.*: it is not ${format}, only named as one: it does not begin as one does$`),
      name,
    );
  }
  // A real MP3 cut short begins as one: said cut, not misnamed.
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=3", `${dir}/whole.mp3`]);
  await Deno.writeFile(`${dir}/cut.mp3`, (await Deno.readFile(`${dir}/whole.mp3`)).subarray(0, 3000));
  assert.match(
    await mediaProblem(ffmpeg, `${dir}/cut.mp3`, { needs: "audio" }) ?? "",
    /cut\.mp3 is cut short/,
  );
  assert.equal(await mediaProblem(ffmpeg, `${dir}/whole.mp3`, { needs: "audio", decodes: true }), null);
});
