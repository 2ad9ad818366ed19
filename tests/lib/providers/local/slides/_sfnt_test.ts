import assert from "node:assert/strict";
import opentype from "opentype.js/dist/opentype.module.js";
import { InputError } from "../../../../../lib/core/errors.ts";
import { SYSTEM_FONT_DIRS } from "../../../../../lib/media/font_dirs.ts";
import { readSfntFaces } from "../../../../../lib/providers/local/slides/_sfnt.ts";

const dejavu = `${Deno.env.get("REEL_FONT_DIR") ?? SYSTEM_FONT_DIRS.primary}/DejaVuSans.ttf`;

Deno.test("readSfntFaces() reads a font's family, weight, characters and advances like opentype.js", async () => {
  const [face, ...more] = await readSfntFaces(dejavu);
  assert.equal(more.length, 0);
  assert.equal(face!.family, "DejaVu Sans");
  assert.equal(face!.weight, 400);
  assert.equal(face!.italic, false);
  assert.equal(face!.outlines, true);
  const bytes = await Deno.readFile(dejavu);
  const reference = opentype.parse(bytes.buffer);
  for (const char of ["A", "é", "Ж", "€", "😀", "中"]) {
    const glyph = reference.charToGlyphIndex(char);
    assert.equal(face!.glyphOf(char.codePointAt(0)!), glyph, char);
    if (glyph !== 0) assert.equal(face!.advanceOf(glyph), reference.glyphs.get(glyph).advanceWidth, char);
  }
});

Deno.test("readSfntFaces() reads every face of a collection", async () => {
  const faces = await readSfntFaces("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
  assert.ok(faces.length >= 4, `${faces.length} faces`);
  assert.deepEqual(faces.slice(0, 2).map((face) => [face.family, face.weight]), [
    ["Noto Sans CJK JP", 700],
    ["Noto Sans CJK KR", 700],
  ]);
  assert.ok(faces.every((face) => face.glyphOf(0x4e2d) !== 0 && face.outlines));
});

const colorEmoji = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";

Deno.test({
  name: "readSfntFaces() tells a bitmap-only colour font from one with outlines",
  // fonts-noto-color-emoji is not one of reel's packages; the test runs where it is installed.
  ignore: !await exists(colorEmoji),
  fn: async () => {
    const [emoji] = await readSfntFaces(colorEmoji);
    assert.equal(emoji!.outlines, false);
    assert.notEqual(emoji!.glyphOf(0x1f44d), 0);
  },
});

Deno.test("readSfntFaces() rejects a file that is not a font with InputError naming it", async () => {
  const file = await Deno.makeTempFile({ suffix: ".ttf" });
  try {
    await Deno.writeTextFile(file, "not a font, just some text");
    await assert.rejects(readSfntFaces(file), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.where, file);
      assert.match(error.message, /^Cannot read the font .*: it is not a TrueType or OpenType font$/);
      return true;
    });
  } finally {
    await Deno.remove(file);
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return false;
  }
}
