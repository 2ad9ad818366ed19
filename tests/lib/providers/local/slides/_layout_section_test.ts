/**
 * Section slides per aspect, and markdown in their text, checked on rendered pixels.
 */
import assert from "node:assert/strict";
import { renderSlide } from "../../../../../lib/providers/local/slides/render_slide.ts";
import { boundingBox, centreOfMass, countBands, decodePng } from "./_pixels.ts";
import { ink, renderPixels, slideSpec, text } from "./_slide_specs.ts";

const CONTENT = {
  kind: "section" as const,
  title: "How rain forms",
  bullets: ["Water evaporates", "Vapour condenses"],
};

Deno.test("a section's text block is vertically balanced on landscape and square frames", async () => {
  for (const [width, height] of [[320, 180], [640, 360], [240, 240]] as const) {
    const image = await renderPixels(slideSpec({ width, height }, CONTENT));
    const mass = centreOfMass(image, ink)!;
    assert.ok(
      Math.abs(mass.y / height - 0.5) < 0.08,
      `${width}x${height}: ink centred at ${mass.y / height}`,
    );
    const box = boundingBox(image, ink)!;
    const above = box.top;
    const below = height - 1 - box.bottom;
    assert.ok(
      Math.abs(above - below) < height * 0.08,
      `${width}x${height}: ${above} px above, ${below} below`,
    );
  }
});

Deno.test("a section on 9:16 sits in the upper middle, clear of the top 10% and the bottom 25%", async () => {
  for (const [width, height] of [[180, 320], [360, 640]] as const) {
    const image = await renderPixels(slideSpec({ width, height }, CONTENT));
    const mass = centreOfMass(image, ink)!;
    assert.ok(
      mass.y / height > 0.3 && mass.y / height < 0.5,
      `${width}x${height}: ink centred at ${mass.y / height}`,
    );
    const crowded = await renderPixels(
      slideSpec({ width, height }, {
        kind: "section",
        title: "A long title ".repeat(4),
        bullets: Array.from({ length: 8 }, (_, index) => `Point ${index} `.repeat(12)),
      }),
      true,
    );
    for (const image of [await renderPixels(slideSpec({ width, height }, CONTENT)), crowded]) {
      const top = Math.ceil(height * 0.1);
      const bottom = Math.floor(height * 0.75);
      assert.equal(boundingBox(image, ink, { x: 0, y: 0, width, height: top }), null, "ink in the top 10%");
      assert.equal(
        boundingBox(image, ink, { x: 0, y: bottom, width, height: height - bottom }),
        null,
        `${width}x${height}: ink in the bottom 25%`,
      );
    }
  }
});

Deno.test("portrait sets text larger than landscape for the same shorter side", async () => {
  const content = { kind: "section" as const, title: "", bullets: ["Hello"] };
  const landscape = boundingBox(await renderPixels(slideSpec({ width: 640, height: 360 }, content)), text)!;
  const portrait = boundingBox(await renderPixels(slideSpec({ width: 360, height: 640 }, content)), text)!;
  const glyphs = (box: typeof landscape) => box.bottom - box.top + 1;
  assert.ok(
    glyphs(portrait) > glyphs(landscape) * 1.2,
    `${glyphs(portrait)} vs ${glyphs(landscape)} px tall`,
  );
});

Deno.test("the theme's text scale sets text larger or smaller", async () => {
  const content = { kind: "section" as const, title: "", bullets: ["Hello"] };
  const heights = await Promise.all([1, 1.5].map(async (textScale) => {
    const box = boundingBox(
      await renderPixels(slideSpec({ width: 640, height: 360, textScale }, content)),
      text,
    )!;
    return box.bottom - box.top + 1;
  }));
  assert.ok(Math.abs(heights[1]! / heights[0]! - 1.5) < 0.15, `${heights}`);
  await assert.rejects(renderSlide(slideSpec({ width: 64, height: 36, textScale: 3 }, content)), RangeError);
});

/** The ink of a one-bullet slide: its bounding box and pixel count. */
async function bulletInk(bullet: string, width = 640) {
  const image = await renderPixels(
    slideSpec({ width, height: width * 9 / 16 }, { title: "", bullets: [bullet] }),
  );
  const box = boundingBox(image, text)!;
  return { ...box, width: box.right - box.left + 1, image };
}

Deno.test("**bold** text is wider and darker than the same words in regular", async () => {
  const regular = await bulletInk("Same words here");
  const bold = await bulletInk("**Same words here**");
  assert.ok(bold.width > regular.width * 1.05, `bold ${bold.width} px, regular ${regular.width} px`);
  assert.ok(bold.count > regular.count * 1.2, `bold ${bold.count} ink pixels, regular ${regular.count}`);
  // The markers themselves are not drawn: a title is bold already, so marking it bold changes nothing.
  const plain = await renderSlide(slideSpec({ width: 320, height: 180 }, { title: "Rain", bullets: [] }));
  const marked = await renderSlide(
    slideSpec({ width: 320, height: 180 }, { title: "**Rain**", bullets: [] }),
  );
  assert.deepEqual(marked.png, plain.png);
});

Deno.test("*italic* text slants: its top leans right of its bottom", async () => {
  const lean = async (bullet: string) => {
    const { image, top, bottom, left, width } = await bulletInk(bullet, 1280);
    const third = Math.floor((bottom - top + 1) / 3);
    const region = (y: number) => ({ x: left, y, width, height: third });
    const upper = boundingBox(image, text, region(top))!;
    const lower = boundingBox(image, text, region(bottom - third + 1))!;
    return (upper.left + upper.right) / 2 - (lower.left + lower.right) / 2;
  };
  assert.ok(Math.abs(await lean("lllll")) <= 1, "upright text leans");
  const italic = await lean("*lllll*");
  // About a third of the glyphs' height times tan 12°: some 3 px at this size.
  assert.ok(italic > 2, `italic text leans ${italic} px`);
});

Deno.test("`code` in a bullet is monospace: narrow and wide letters take the same room", async () => {
  const ratio = async (narrow: string, wide: string) =>
    (await bulletInk(narrow)).width / (await bulletInk(wide)).width;
  const mono = await ratio("`iiiiiiii`", "`MMMMMMMM`");
  const sans = await ratio("iiiiiiii", "MMMMMMMM");
  assert.ok(mono > 0.8, `monospace i/M width ratio ${mono}`);
  assert.ok(sans < 0.5, `proportional i/M width ratio ${sans}`);
});

Deno.test("escaped markers and unbalanced ones are drawn as text", async () => {
  const bare = await bulletInk("word");
  for (const bullet of ["\\*word\\*", "**word", "`word", "*word"]) {
    const drawn = await bulletInk(bullet);
    assert.ok(drawn.width > bare.width * 1.1, `${bullet}: ${drawn.width} px vs ${bare.width} px`);
  }
  const escaped = await renderSlide(
    slideSpec({ width: 320, height: 180 }, { title: "", bullets: ["\\*a\\*"] }),
  );
  const unbalanced = await renderSlide(
    slideSpec({ width: 320, height: 180 }, { title: "", bullets: ["*a\\*"] }),
  );
  const image = await decodePng(escaped.png);
  assert.ok(boundingBox(image, text) !== null);
  assert.deepEqual(escaped.png, unbalanced.png);
});

Deno.test("a word wider than a line at full size is set smaller and whole, not cut between letters", async () => {
  // Before: "Internationali / zation" on 9:16, at full size.
  const size = { width: 360, height: 640 };
  const word = await renderPixels(
    slideSpec(size, { kind: "section", title: "Internationalization", bullets: [] }),
  );
  assert.equal(countBands(word, text), 1, "the title on one line");
  const box = boundingBox(word, text)!;
  assert.ok(box.right < size.width - size.width * 0.05, `within the margin: ${box.right}`);
});
