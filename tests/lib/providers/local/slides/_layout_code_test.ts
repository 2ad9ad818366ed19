/**
 * Code slides: monospace lines on a darker panel, indentation kept, long lines shrunk then cut, checked on
 * rendered pixels and with the fit check.
 */
import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { checkSlideFits } from "../../../../../lib/providers/local/slides/check_slide_fit.ts";
import { renderSlide } from "../../../../../lib/providers/local/slides/render_slide.ts";
import { boundingBox, near, type Pixels, rowBands } from "./_pixels.ts";
import { code, CODE_BACKGROUND_RGB, ink, renderPixels, slideSpec, text } from "./_slide_specs.ts";

const SIZE = { width: 640, height: 360 };

function codeSlide(source: string, title = "Code") {
  return slideSpec(SIZE, { kind: "code", title, bullets: [], code: source });
}

/** The code lines' ink boxes, top to bottom, inside the panel. */
function codeLines(image: Pixels) {
  const panel = boundingBox(image, (color) => near(color, CODE_BACKGROUND_RGB, 2))!;
  const region = {
    x: panel.left,
    y: panel.top,
    width: panel.right - panel.left + 1,
    height: panel.bottom - panel.top + 1,
  };
  return rowBands(image, code, region).map((band) =>
    boundingBox(image, code, { ...region, y: band.top, height: band.bottom - band.top + 1 })!
  );
}

Deno.test("code is drawn in the code colour on a darker panel, in monospace", async () => {
  const image = await renderPixels(codeSlide("iiiiiiii\nMMMMMMMM"));
  const panel = boundingBox(image, (color) => near(color, CODE_BACKGROUND_RGB, 2));
  assert.ok(panel !== null && panel.right - panel.left > SIZE.width * 0.5, "no wide code panel");
  const [narrow, wide] = codeLines(image);
  assert.ok(narrow !== undefined && wide !== undefined, "two code lines");
  // Equal advances: the lines start at one x and the i line's ink ends within a cell of the M line's.
  const cell = (wide.right - wide.left + 1) / 8;
  assert.ok(Math.abs(narrow.left - wide.left) < cell, `lines start at ${narrow.left} and ${wide.left}`);
  assert.ok(Math.abs(narrow.right - wide.right) < cell, `lines end at ${narrow.right} and ${wide.right}`);
  // No code outside the panel.
  assert.equal(
    boundingBox(image, code, {
      x: 0,
      y: panel.bottom + 1,
      ...{ width: SIZE.width, height: SIZE.height - panel.bottom - 1 },
    }),
    null,
  );
});

Deno.test("code keeps its indentation, and a tab is four columns", async () => {
  const image = await renderPixels(codeSlide("xxxxx\n    x"));
  const [first, second] = codeLines(image);
  assert.ok(first !== undefined && second !== undefined);
  // The indented x sits under the fifth x of the line above.
  assert.ok(Math.abs(second.right - first.right) <= 1, `${second.right} vs ${first.right}`);
  assert.ok(second.left > first.left + (first.right - first.left) * 0.6);
  const spaces = await renderSlide(codeSlide("if (a) {\n    b();\n}"));
  const tab = await renderSlide(codeSlide("if (a) {\n\tb();\n}"));
  assert.deepEqual(tab.png, spaces.png);
});

Deno.test("code too wide shrinks on its own; the title keeps its size", async () => {
  const short = await renderPixels(codeSlide("let x = 1;"));
  const long = await renderPixels(codeSlide(`let x = ${"1 + ".repeat(20)}1;`));
  const height = (image: Pixels) => {
    const [line] = codeLines(image);
    return line!.bottom - line!.top;
  };
  assert.ok(height(long) < height(short) * 0.9, `code ${height(long)} px vs ${height(short)} px tall`);
  const title = (image: Pixels) => boundingBox(image, text, { x: 0, y: 0, ...SIZE })!;
  assert.equal(title(long).right - title(long).left, title(short).right - title(short).left);
  assert.equal(boundingBox(long, ink, { x: SIZE.width - 20, y: 0, width: 20, height: SIZE.height }), null);
});

Deno.test("code that does not fit even at half size is an overflow error, or cut with an ellipsis", async () => {
  const wide = {
    ...SIZE,
    kind: "code" as const,
    title: "Wide",
    bullets: [],
    code: `x = 1\n${"y".repeat(300)}`,
  };
  const fit = await checkSlideFits(wide);
  assert.equal(
    fit.message,
    "The slide text does not fit a 640x360 slide even at half size: the end of 1 of the code's 2 lines would be cut",
  );
  const long = { ...wide, code: Array.from({ length: 60 }, (_, index) => `line ${index}`).join("\n") };
  assert.match(
    (await checkSlideFits(long)).message ?? "",
    /: (\d+) of the code's 60 lines would be cut$/,
  );
  await assert.rejects(renderSlide(codeSlide(wide.code)), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.message, fit.message);
    return true;
  });
  const cut = await renderSlide(codeSlide(wide.code), { allowOverflow: true });
  assert.deepEqual(cut.warnings, [
    "The slide text does not fit a 640x360 slide even at half size: the end of 1 of the code's 2 lines was cut, " +
    "ending in an ellipsis",
  ]);
});

Deno.test("a code slide uses the theme's code colours, and shows bullets above the code", async () => {
  const spec = { ...slideSpec(SIZE, { kind: "code", title: "T", bullets: ["First"], code: "run()" }) };
  const image = await renderPixels(spec);
  const bullet = boundingBox(image, text, { x: 0, y: 0, ...SIZE })!;
  const [line] = codeLines(image);
  assert.ok(line !== undefined && line.top > bullet.top, "the code is below the title and bullet");
  const recoloured = await renderPixels({ ...spec, codeBackground: "#400000" });
  assert.ok(boundingBox(recoloured, (color) => near(color, [0x40, 0, 0], 2)) !== null, "no #400000 panel");
});
