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
