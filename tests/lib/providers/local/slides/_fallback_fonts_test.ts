import assert from "node:assert/strict";
import { findFallbackFace } from "../../../../../lib/providers/local/slides/_fallback_fonts.ts";
import { SYSTEM_FONT_DIRS } from "../../../../../lib/media/font_dirs.ts";

const search = (weight: number) => ({
  weight,
  dirs: SYSTEM_FONT_DIRS.fallbacks,
  excludeFiles: [],
  excludeFamily: "DejaVu Sans",
});

Deno.test("findFallbackFace() finds the Noto CJK face of the wanted weight for a Chinese character", async () => {
  const regular = await findFallbackFace("中", search(400));
  const bold = await findFallbackFace("中", search(700));
  assert.equal(regular?.family, "Noto Sans CJK JP");
  assert.equal(regular?.path, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
  assert.equal(bold?.family, "Noto Sans CJK JP");
  assert.equal(bold?.path, "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
});

Deno.test("findFallbackFace() draws emoji with a monochrome font, never the colour bitmap font", async () => {
  assert.equal((await findFallbackFace("👍", search(400)))?.family, "Noto Sans Symbols2");
  assert.equal((await findFallbackFace("🦄", search(700)))?.family, "Symbola");
});

Deno.test("findFallbackFace() returns null for a character no installed font has", async () => {
  assert.equal(await findFallbackFace("\uE000", search(400)), null);
});

Deno.test("findFallbackFace() prefers a face that has every character of a cluster", async () => {
  // Noto Sans Symbols2 has the thumb but not the skin tone; Symbola has both.
  assert.equal((await findFallbackFace("👍", search(400)))?.family, "Noto Sans Symbols2");
  assert.equal((await findFallbackFace("👍\u{1F3FD}", search(400)))?.family, "Symbola");
});
