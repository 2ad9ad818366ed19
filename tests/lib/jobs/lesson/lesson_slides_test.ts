import assert from "node:assert/strict";
import { sectionSlide, slideParams } from "../../../../lib/jobs/lesson/lesson_slides.ts";
import { resolveTheme } from "../../../../lib/jobs/lesson/resolve_slides.ts";
import { renderSlide } from "../../../../lib/providers/local/slides/render_slide.ts";
import { contrastRatio } from "../../../../lib/providers/local/slides/slide_colours.ts";
import { boundingBox, decodePng, hexToRgb, near, pixelAt } from "../../providers/local/slides/_pixels.ts";
import { DEFAULT_CAPTION_RULES } from "../../../../lib/media/caption_rules.ts";
import { DEFAULT_CAPTION_STYLE } from "../../../../lib/media/caption_placement.ts";

const voice = { provider: "espeak", engine: "espeak" as const, voice: "en-us", rate: 165, model: null };
const format = { name: "320x180", width: 320, height: 180 };
const light = resolveTheme("light");
const unburned = { burn: false, style: DEFAULT_CAPTION_STYLE, rules: DEFAULT_CAPTION_RULES };
const look = { theme: light, captions: unburned };

/** A section of the light theme's lesson, on its own background colour. */
function section(color: string) {
  return {
    id: "s1",
    path: "videos[0].sections[0]",
    title: "Fast and slow",
    bullets: ["Wind moves air"],
    narration: "N",
    background: { color, image: null },
    image: null,
    voice,
    code: null,
    picture: null,
  };
}

/** The pixels of the slide's text colour, among all its pixels. */
async function textPixels(color: string, ink: string): Promise<number> {
  const params = slideParams(sectionSlide(section(color), "v"), format, look);
  const { image: _image, picture: _picture, ...spec } = params;
  const pixels = await decodePng(
    (await renderSlide({ ...spec, imagePath: null }, { allowOverflow: true })).png,
  );
  const wanted = hexToRgb(ink);
  let count = 0;
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) if (near(pixelAt(pixels, x, y), wanted, 40)) count++;
  }
  return count;
}

Deno.test("a section's dark background under the light theme gets text that can be read, drawn so", async () => {
  // Before, the light theme's dark ink (#1d2433) was drawn on the section's #334455: 1.5:1, barely visible.
  assert.ok(contrastRatio(light.foreground, "#334455") < 2);
  const params = slideParams(sectionSlide(section("#334455"), "v"), format, look);
  assert.equal(params.foreground, light.background);
  assert.ok(contrastRatio(params.foreground, "#334455") >= 3);
  assert.ok(
    await textPixels("#334455", light.background) > 100,
    "the title and bullet in the theme's off-white",
  );
  // A background the theme's ink reads on keeps it.
  const pale = slideParams(sectionSlide(section("#fff8e0"), "v"), format, look);
  assert.equal(pale.foreground, light.foreground);
  assert.ok(await textPixels("#fff8e0", light.foreground) > 100);
  // Over a background image a veil keeps the theme's ink readable: unchanged.
  const pictured = {
    ...section("#334455"),
    background: { color: "#334455", image: { path: "/a.png", sha256: "ab" } },
  };
  assert.equal(slideParams(sectionSlide(pictured as never, "v"), format, look).foreground, light.foreground);
});

Deno.test("with burned captions a full slide keeps its text above their room (it was drawn under them)", async () => {
  const crowded = {
    ...section("#223344"),
    title: "A title on two lines of this slide",
    bullets: Array.from({ length: 8 }, (_, i) => `Point ${i + 1} of the plan`),
  };
  for (
    const format of [{ name: "640x360", width: 640, height: 360 }, {
      name: "360x360",
      width: 360,
      height: 360,
    }]
  ) {
    const inkBottom = async (burn: boolean) => {
      const params = slideParams(sectionSlide(crowded, "v"), format, {
        ...look,
        captions: { ...unburned, burn },
      });
      const { image: _image, picture: _picture, ...spec } = params;
      const pixels = await decodePng(
        (await renderSlide({ ...spec, imagePath: null }, { allowOverflow: true })).png,
      );
      const background = hexToRgb("#223344");
      return { box: boundingBox(pixels, (color) => !near(color, background, 30))!, room: params.captionRoom };
    };
    const plain = await inkBottom(false);
    assert.equal(plain.room, undefined, "no room kept, the key as before");
    const burned = await inkBottom(true);
    const clear = format.height * (1 - burned.room!);
    assert.ok(
      burned.box.bottom < clear,
      `${format.name}: ink to ${burned.box.bottom}, captions from ${clear}`,
    );
    assert.ok(
      plain.box.bottom >= clear,
      `${format.name}: without captions the text reaches ${plain.box.bottom}`,
    );
  }
});

Deno.test("a section's slide under a generated image does not hold the background image file it does not draw", () => {
  // rv31: a generated image is drawn instead of the file; changing the file drew the same slide again.
  const generated = { provider: "img", prompt: "A volcano", model: "m", size: "1536x1024", as: "background" };
  const withFile = (sha256: string, image: typeof generated | null) => ({
    ...section("#334455"),
    background: { color: "#334455", image: { path: "/a.png", sha256 } },
    image,
  });
  const params = (sha256: string, image: typeof generated | null) =>
    slideParams(sectionSlide(withFile(sha256, image) as never, "v"), format, look);
  assert.deepEqual(params("ab", generated), params("cd", generated));
  assert.equal(params("ab", generated).image, null);
  // Drawn, the file is in them.
  assert.equal(params("ab", null).image, "ab");
  assert.notDeepEqual(params("ab", null), params("cd", null));
});
