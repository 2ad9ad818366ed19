/**
 * Picture slides: `cover` and `contain`, with and without a caption band, and drawn as two layers (the picture,
 * the band), checked on rendered pixels.
 */
import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { decodePng } from "../../../../../lib/media/png_decoder.ts";
import { checkSlideFits } from "../../../../../lib/providers/local/slides/check_slide_fit.ts";
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

/** A picture of red and green squares, 8 pixels a side, so that a band over it shows what lies under it. */
async function withChecker(run: (path: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    const path = `${dir}/checker.png`;
    const square = "mod(floor(X/8)+floor(Y/8),2)";
    const ffmpeg = new Deno.Command("ffmpeg", {
      args: [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        `color=c=black:s=64x48,geq=r='if(${square},230,30)':g='if(${square},30,230)':b=30`,
        "-frames:v",
        "1",
        path,
      ],
    });
    assert.equal((await ffmpeg.output()).code, 0);
    await run(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a picture slide's two layers, the picture alone and the band alone, laid one over the other give the slide", async () => {
  await withChecker(async (picturePath) => {
    for (const [width, height, fit] of [[320, 180, "cover"], [180, 320, "contain"]] as const) {
      const spec = slideSpec({ width, height }, { kind: "picture", title: "The water cycle", fit }, {
        picturePath,
      });
      const what = `${width}x${height} ${fit}`;
      const whole = decodePng((await renderSlide(spec)).png)!;
      const picture = decodePng((await renderSlide(spec, { layer: "picture" })).png)!;
      const band = decodePng((await renderSlide(spec, { layer: "band" })).png)!;
      assert.deepEqual([whole.channels, picture.channels, band.channels], [3, 3, 4], what);
      // The band layer: the band's rows translucent (the dark veil's 62%), the title opaque, nothing elsewhere.
      const alpha = (x: number, y: number) => band.pixels[(y * width + x) * 4 + 3]!;
      const rows = Array.from({ length: height }, (_, y) => alpha(width - 1, y));
      const top = rows.findIndex((a) => a > 0);
      const bottom = rows.findLastIndex((a) => a > 0);
      assert.equal(top, fit === "cover" ? 0 : Math.ceil(height * 0.1), what);
      assert.ok(bottom > top + 4 && bottom < height / 3, `${what}: band rows ${top}-${bottom}`);
      assert.ok(rows.slice(top + 1, bottom).every((a) => a === 158), `${what}: the veil's alpha`);
      assert.ok(band.pixels.filter((_, i) => i % 4 === 3 && band.pixels[i] === 255).length > 50, "the title");
      const ends = Array.from({ length: height }, (_, y) => y).filter((y) => y < top || y > bottom);
      assert.ok(
        ends.every((y) => Array.from({ length: width }, (_, x) => alpha(x, y)).every((a) => a === 0)),
      );
      // The picture layer: no band and no title; where the band lies, the slide's ground shows.
      const rgb = (
        image: { pixels: Uint8Array; channels: number },
        x: number,
        y: number,
      ) => [...image.pixels.subarray((y * width + x) * image.channels, (y * width + x) * image.channels + 3)];
      const mid = Math.round((top + bottom) / 2);
      const ground = fit === "cover" ? Math.max(...rgb(picture, 3, mid)) : null;
      if (ground !== null) {
        assert.ok(ground >= 200, `${what}: the picture under the band ${rgb(picture, 3, mid)}`);
      } else assert.deepEqual(rgb(picture, 3, mid), [...BACKGROUND_RGB]);
      // Laid over the picture layer with its alpha, the band layer gives the whole slide.
      let worst = 0;
      for (let i = 0; i < width * height; i++) {
        const a = band.pixels[i * 4 + 3]! / 255;
        for (let c = 0; c < 3; c++) {
          const laid = band.pixels[i * 4 + c]! * a + picture.pixels[i * 3 + c]! * (1 - a);
          worst = Math.max(worst, Math.abs(laid - whole.pixels[i * 3 + c]!));
        }
      }
      assert.ok(worst <= 2, `${what}: the layers differ from the slide by ${worst}`);
    }
  });
});

Deno.test("a picture's band layer needs no picture file; a slide that is not a picture has no layers", async () => {
  const spec = slideSpec({ width: 64, height: 36 }, { kind: "picture", title: "Rain", fit: "cover" });
  assert.equal(decodePng((await renderSlide(spec, { layer: "band" })).png)!.channels, 4);
  await assert.rejects(renderSlide(spec, { layer: "picture" }), TypeError);
  const section = slideSpec({ width: 64, height: 36 }, { kind: "section", title: "Rain", bullets: [] });
  await assert.rejects(renderSlide(section, { layer: "band" }), /only pictures have layers/);
});

Deno.test("a band layer's title fits as the whole slide's does, so the preflight's check holds for it", async () => {
  const title = "A very long caption that cannot fit in the band of a small slide, ".repeat(20);
  const spec = slideSpec({ width: 96, height: 54 }, { kind: "picture", title, fit: "cover" });
  const fit = await checkSlideFits(spec);
  assert.equal(fit.fits, false);
  const band = await renderSlide(spec, { layer: "band", allowOverflow: true });
  assert.deepEqual(band.fit, fit);
  assert.match(band.warnings.join("\n"), /of the title's \d+ lines were cut/);
  await assert.rejects(renderSlide(spec, { layer: "band" }), InputError);
});
