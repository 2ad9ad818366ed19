/**
 * Picture slides: `cover` and `contain`, with and without a caption band, checked on rendered pixels.
 */
import assert from "node:assert/strict";
import { renderSlide } from "../../../../../lib/providers/local/slides/render_slide.ts";
import { tempDir } from "../../../../_support/temp_dir.ts";
import { boundingBox, pixelAt, type Rgb } from "./_pixels.ts";
import { BACKGROUND_RGB, renderPixels, slideSpec, text } from "./_slide_specs.ts";

const red = (color: Rgb) => color[0] > 200 && color[1] < 50 && color[2] < 50;
/** Red under the band's dark veil. */
const veiledRed = (color: Rgb) => color[0] > 50 && color[0] < 160 && color[1] < 40 && color[2] < 40;

async function withPicture(size: string, run: (path: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    const path = `${dir}/red.png`;
    const ffmpeg = new Deno.Command("ffmpeg", {
      args: ["-v", "error", "-f", "lavfi", "-i", `color=c=red:s=${size}`, "-frames:v", "1", path],
    });
    assert.equal((await ffmpeg.output()).code, 0);
    await run(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a cover picture fills the frame under a caption band across the top", async () => {
  await withPicture("64x48", async (picturePath) => {
    for (const [width, height] of [[320, 180], [180, 320]] as const) {
      const image = await renderPixels(
        slideSpec({ width, height }, { kind: "picture", title: "The water cycle", fit: "cover" }, {
          picturePath,
        }),
      );
      assert.ok(red(pixelAt(image, width - 3, height - 3)), `${width}x${height}: bottom right not red`);
      const band = boundingBox(image, veiledRed)!;
      assert.ok(
        band.left === 0 && band.right === width - 1,
        `${width}x${height}: band ${JSON.stringify(band)}`,
      );
      const caption = boundingBox(image, text)!;
      assert.ok(caption.top > band.top && caption.bottom < band.bottom, "the caption is inside the band");
      if (width < height) {
        // On portrait the band stays below the top 10%, where apps draw their buttons.
        assert.ok(band.top >= height * 0.1 - 1, `band starts at ${band.top}`);
        assert.ok(red(pixelAt(image, 2, 2)), "the picture shows above the band");
      } else assert.equal(band.top, 0);
    }
  });
});

Deno.test("a contain picture shows whole under its caption, the background around it", async () => {
  await withPicture("100x100", async (picturePath) => {
    const [width, height] = [320, 180];
    const bare = await renderPixels(
      slideSpec({ width, height }, { kind: "picture", title: "", fit: "contain" }, { picturePath }),
    );
    const square = boundingBox(bare, red)!;
    assert.deepEqual([square.top, square.bottom], [0, height - 1]);
    assert.ok(Math.abs(square.right - square.left + 1 - height) <= 1, "the square is not square");
    assert.deepEqual(pixelAt(bare, 2, 90), BACKGROUND_RGB);
    assert.equal(boundingBox(bare, text), null, "no caption without a title");
    const captioned = await renderPixels(
      slideSpec({ width, height }, { kind: "picture", title: "A red square", fit: "contain" }, {
        picturePath,
      }),
    );
    const below = boundingBox(captioned, red)!;
    const caption = boundingBox(captioned, text)!;
    assert.ok(below.top > caption.bottom, "the picture starts under the caption");
    assert.equal(below.bottom, height - 1);
  });
});

Deno.test("a picture slide needs its picture file", async () => {
  const spec = slideSpec({ width: 64, height: 36 }, { kind: "picture", title: "", fit: "cover" });
  await assert.rejects(renderSlide(spec), TypeError);
  await assert.rejects(renderSlide({ ...spec, picturePath: "/nonexistent/picture.png" }), /no such file/);
});
