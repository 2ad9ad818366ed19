/**
 * Title and end cards, checked on rendered pixels.
 */
import assert from "node:assert/strict";
import { checkSlideFits } from "../../../../../lib/providers/local/slides/check_slide_fit.ts";
import { renderSlide } from "../../../../../lib/providers/local/slides/render_slide.ts";
import { boundingBox, centreOfMass, near, rowBands } from "./_pixels.ts";
import { ACCENT_RGB, ink, renderPixels, slideSpec, text } from "./_slide_specs.ts";

Deno.test("a title card centres its title, accent line and subtitle in the frame", async () => {
  for (const [width, height] of [[320, 180], [180, 180]] as const) {
    const image = await renderPixels(
      slideSpec({ width, height }, { kind: "title", title: "How rain forms", subtitle: "A short lesson" }),
    );
    const box = boundingBox(image, ink)!;
    assert.ok(
      Math.abs(box.left - (width - 1 - box.right)) <= 3,
      `${width}x${height}: ${box.left}..${box.right}`,
    );
    const mass = centreOfMass(image, ink)!;
    assert.ok(Math.abs(mass.y / height - 0.5) < 0.1, `${width}x${height}: ink centred at ${mass.y / height}`);
    // Title, then the accent line, then the subtitle.
    const bands = rowBands(image, ink);
    const accent = boundingBox(image, (color) => near(color, ACCENT_RGB, 8))!;
    assert.ok(bands.length >= 3, `${bands.length} bands of ink`);
    assert.ok(
      bands[0]!.bottom < accent.top && accent.bottom < bands.at(-1)!.top,
      "the line is between the texts",
    );
    const accentMiddle = (accent.left + accent.right) / 2;
    assert.ok(Math.abs(accentMiddle - (width - 1) / 2) <= 2, `accent line centred at ${accentMiddle}`);
  }
});

Deno.test("a title card's title is larger than a section's title", async () => {
  const size = { width: 640, height: 360 };
  const card = boundingBox(
    await renderPixels(slideSpec(size, { kind: "title", title: "Rain", subtitle: "" })),
    text,
  )!;
  const section = boundingBox(await renderPixels(slideSpec(size, { title: "Rain", bullets: [] })), text)!;
  assert.ok(card.right - card.left > (section.right - section.left) * 1.3);
});

Deno.test("cards on 9:16 sit in the upper middle and leave the bottom 25% empty", async () => {
  const [width, height] = [180, 320];
  for (
    const content of [
      { kind: "title" as const, title: "How rain forms", subtitle: "A short lesson" },
      { kind: "end" as const, title: "Thanks for watching", text: "Next: clouds" },
    ]
  ) {
    const image = await renderPixels(slideSpec({ width, height }, content));
    const mass = centreOfMass(image, ink)!;
    assert.ok(
      mass.y / height > 0.3 && mass.y / height < 0.5,
      `${content.kind}: centred at ${mass.y / height}`,
    );
    const bottom = Math.floor(height * 0.75);
    assert.equal(boundingBox(image, ink, { x: 0, y: bottom, width, height: height - bottom }), null);
  }
});

Deno.test("an end card without text draws only its title and line", async () => {
  const [width, height] = [640, 360];
  const image = await renderPixels(
    slideSpec({ width, height }, { kind: "end", title: "Thanks for watching", text: "" }),
  );
  const accent = boundingBox(image, (color) => near(color, ACCENT_RGB, 30))!;
  const below = accent.bottom + 2;
  assert.equal(boundingBox(image, ink, { x: 0, y: below, width, height: height - below }), null);
});

Deno.test("a card whose text does not fit names what would be cut", async () => {
  const fit = await checkSlideFits({
    kind: "end",
    width: 160,
    height: 90,
    title: "Thanks",
    text: "Subscribe for more lessons ".repeat(120),
  });
  assert.match(fit.message ?? "", /even at half size: \d+ of the text's \d+ lines would be cut$/);
  const title = await checkSlideFits({
    kind: "title",
    width: 160,
    height: 90,
    title: "Long ".repeat(80),
    subtitle: "",
  });
  assert.match(title.message ?? "", /: \d+ of the title's \d+ lines would be cut$/);
  const { warnings } = await renderSlide(
    slideSpec({ width: 160, height: 90 }, { kind: "title", title: "Long ".repeat(80), subtitle: "Sub" }),
    { allowOverflow: true },
  );
  assert.match(warnings[0] ?? "", /\d+ of the title's \d+ lines and 1 of the subtitle's 1 lines were cut/);
});
