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

Deno.test("slide fonts measure every text as opentype.js does, to the last bit, at every size and again", async () => {
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
