import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { checkSlideFits, type SlideText } from "../../../../../lib/providers/local/slides/check_slide_fit.ts";
import { renderSlide } from "../../../../../lib/providers/local/slides/render_slide.ts";

const COLORS = { background: "#000000", foreground: "#ffffff", accent: "#ff0000", imagePath: null };

function bullets(count: number, words: number): string[] {
  return Array.from({ length: count }, (_, index) => `Point ${index + 1} `.repeat(words).trim());
}

Deno.test("checkSlideFits() says a short slide fits at full size", async () => {
  const fit = await checkSlideFits({ width: 320, height: 180, title: "Hello", bullets: ["One", "Two"] });
  assert.deepEqual(fit, { fits: true, scale: 1, message: null, warnings: [] });
});

Deno.test("checkSlideFits() shrinks text before it gives up, and never below half size", async () => {
  const shrunk = await checkSlideFits({ width: 640, height: 360, title: "Title", bullets: bullets(8, 20) });
  assert.equal(shrunk.fits, true);
  assert.ok(shrunk.scale < 1 && shrunk.scale > 0.5, `scale ${shrunk.scale}`);
  const cut = await checkSlideFits({ width: 640, height: 360, title: "Title", bullets: bullets(8, 80) });
  assert.equal(cut.fits, false);
  assert.equal(cut.scale, 0.5);
  assert.match(
    cut.message ?? "",
    /^The slide text does not fit a 640x360 slide even at half size: .* would be cut$/,
  );
});

Deno.test("checkSlideFits() agrees with renderSlide() on what fits and what would be cut", async () => {
  const specs: SlideText[] = [
    { width: 320, height: 180, title: "Short", bullets: ["One"] },
    { width: 640, height: 360, title: "Shrinks", bullets: bullets(8, 20) },
    { width: 640, height: 360, title: "", bullets: bullets(8, 60) },
    { width: 1080, height: 1920, title: "Portrait", bullets: bullets(8, 30) },
    { width: 180, height: 180, title: "A very long title ".repeat(60), bullets: [] },
    { width: 320, height: 180, title: "", bullets: ["One point"] },
  ];
  let cut = 0;
  for (const spec of specs) {
    const fit = await checkSlideFits(spec);
    const label = `${spec.width}x${spec.height} "${spec.title.slice(0, 20)}"`;
    if (fit.fits) {
      const { warnings } = await renderSlide({ ...spec, ...COLORS });
      assert.deepEqual(warnings, fit.warnings, label);
      continue;
    }
    cut++;
    await assert.rejects(renderSlide({ ...spec, ...COLORS }), (error: unknown) => {
      assert.ok(error instanceof InputError, label);
      assert.equal(error.message, fit.message, label);
      return true;
    });
    const { warnings } = await renderSlide({ ...spec, ...COLORS }, { allowOverflow: true });
    const what = fit.message!.replace(/ would be cut$/, "");
    assert.ok(warnings[0]?.startsWith(`${what} w`), `${label}: ${warnings[0]} vs ${fit.message}`);
  }
  assert.ok(cut >= 2 && cut < specs.length, `${cut} of the specs do not fit`);
});

Deno.test("checkSlideFits() warns about characters no installed font has", async () => {
  const fit = await checkSlideFits({ width: 320, height: 180, title: "Private \uE000", bullets: [] });
  assert.equal(fit.fits, true);
  assert.equal(fit.warnings.length, 1);
  assert.match(fit.warnings[0]!, /U\+E000/);
});

Deno.test("checkSlideFits() rejects a size that is not a whole number of pixels from 1 to 16384", async () => {
  for (const [width, height] of [[0, 180], [320, 10.5], [16385, 180]] as const) {
    await assert.rejects(checkSlideFits({ width, height, title: "", bullets: [] }), RangeError);
  }
});

Deno.test("checkSlideFits() keeps burned captions' room clear when the text fits above it, and lays it over it when not", async () => {
  const frame = { width: 1280, height: 720, textScale: 1 };
  const short: SlideText = { ...frame, kind: "section", title: "Plan", bullets: bullets(3, 2) };
  const kept = await checkSlideFits({ ...short, captionRoom: 0.2 });
  assert.ok(kept.fits);
  // Full with no room at half size: it fits over the room, as it did before the room (before: refused, the render
  // stopped).
  let count = 8;
  while ((await checkSlideFits({ ...short, bullets: bullets(count + 1, 2) })).fits) count++;
  const full: SlideText = { ...short, bullets: bullets(count, 2) };
  assert.equal((await checkSlideFits(full)).scale < 1, true);
  assert.ok((await checkSlideFits({ ...full, captionRoom: 0.2 })).fits);
});
