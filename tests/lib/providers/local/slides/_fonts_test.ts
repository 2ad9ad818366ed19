/**
 * The slide fonts' measuring: each text's glyphs looked up once, every width still opentype.js's own to the last bit
 * (a width a hair off could move a line break, and the slide's bytes with it).
 */
import assert from "node:assert/strict";
import opentype from "opentype.js/dist/opentype.module.js";
import { SYSTEM_FONT_DIRS } from "../../../../../lib/media/font_dirs.ts";
import {
  FACE_NAMES,
  loadShapingFont,
  loadSlideFonts,
} from "../../../../../lib/providers/local/slides/_fonts.ts";

const TEXTS = [
  "Step 1 of photosynthesis, part 1",
  "AVA To Wa fi ffl WAVE Tr Ty",
  "",
  " ",
  "Água — «ça» ñ 日本",
  "مرحبا بالعالم",
  "ہے",
];

/** Compares `ours` with opentype.js's parse of the same file at many sizes, each text measured twice. */
async function assertSameWidths(ours: { getAdvanceWidth(text: string, size: number): number }, path: string) {
  const bytes = await Deno.readFile(path);
  const theirs = opentype.parse(bytes.buffer, { lowMemory: true });
  for (const text of TEXTS) {
    for (let size = 1; size < 90; size += 0.37) {
      for (let round = 0; round < 2; round++) {
        assert.ok(
          Object.is(ours.getAdvanceWidth(text, size), theirs.getAdvanceWidth(text, size)),
          `${path}: "${text}" at ${size}`,
        );
      }
    }
  }
}

Deno.test("slide fonts measure every text as opentype.js does, to the last bit, at all sizes and again", async () => {
  const fonts = await loadSlideFonts(SYSTEM_FONT_DIRS.primary);
  for (const name of FACE_NAMES) await assertSameWidths(fonts[name].font, fonts[name].path);
  // Fonts opentype.js kerns (DejaVu's kerning it does not read), and one it shapes.
  for (
    const file of ["noto/NotoSans-Regular.ttf", "dejavu/DejaVuSerif.ttf", "noto/NotoSansArabic-Regular.ttf"]
  ) {
    const path = `/usr/share/fonts/truetype/${file}`;
    await assertSameWidths(await loadShapingFont(path), path);
  }
});

Deno.test("slide fonts measure as opentype.js does with options, at its default size, any units per em", async () => {
  const path = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  // deno-lint-ignore no-explicit-any -- opentype.js ships no types; the options and the default size are its own
  const ours = await loadShapingFont(path) as any;
  const theirs = opentype.parse((await Deno.readFile(path)).buffer, { lowMemory: true });
  for (const options of [{ kerning: false }, { letterSpacing: 0.1 }]) {
    assert.equal(ours.getAdvanceWidth("AV To", 20, options), theirs.getAdvanceWidth("AV To", 20, options));
  }
  assert.equal(ours.getAdvanceWidth("AV To"), theirs.getAdvanceWidth("AV To"));
  // 1 / 49 * 49 is not 1: the glyphs' units are not summed at a scale of 1 then.
  ours.unitsPerEm = theirs.unitsPerEm = 49;
  for (const size of [7, 12.5, 33]) {
    assert.ok(Object.is(ours.getAdvanceWidth("AV To", size), theirs.getAdvanceWidth("AV To", size)));
  }
});
