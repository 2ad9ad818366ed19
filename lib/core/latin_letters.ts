/**
 * A name's letters as ASCII where they have a plain Latin form, for file names and ids: accents dropped (`é` → `e`)
 * and the letters Unicode does not decompose spelled out (`ß` → `ss`, `ø` → `o`, `æ` → `ae`).
 * @module
 */

/** Latin letters with no decomposition, and their plain spelling. */
const SPELLED: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "Th",
  ı: "i",
};

/**
 * Drops accents and spells out the Latin letters that have none to drop; other characters are left as they are.
 *
 * @param text The name.
 * @returns The name, its Latin letters plain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainLatin } from "./latin_letters.ts";
 * assert.equal(plainLatin("Ünï Cödé"), "Uni Code");
 * assert.equal(plainLatin("Straße, Ørsted"), "Strasse, Orsted");
 * assert.equal(plainLatin("講義"), "講義");
 * ```
 */
export function plainLatin(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").replace(
    /[ßæÆœŒøØłŁđĐðÐþÞı]/g,
    (char) => SPELLED[char]!,
  );
}
