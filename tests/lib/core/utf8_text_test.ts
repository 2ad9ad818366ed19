import assert from "node:assert/strict";
import { decodeUtf8Text, NotTextError } from "../../../lib/core/utf8_text.ts";

/** What decodeUtf8Text throws for `bytes`: its message and place. */
function refusal(bytes: number[]): { message: string; line: number; column: number } {
  try {
    decodeUtf8Text(new Uint8Array(bytes));
  } catch (error) {
    assert.ok(error instanceof NotTextError, String(error));
    return { message: error.message, ...error.place };
  }
  assert.fail("decoded");
}

const text = (value: string) => [...new TextEncoder().encode(value)];

Deno.test("decodeUtf8Text() reads UTF-8 of every length, a byte order mark kept as it is", () => {
  assert.equal(decodeUtf8Text(new Uint8Array(text("café — 雨 🌧️"))), "café — 雨 🌧️");
  assert.equal(decodeUtf8Text(new Uint8Array([0xef, 0xbb, 0xbf, ...text("a: 1")])), "\uFEFFa: 1");
  assert.equal(decodeUtf8Text(new Uint8Array()), "");
});

Deno.test("decodeUtf8Text() names a Latin-1 byte at its line and column, counted in characters", () => {
  // "é" (UTF-8) before it on its line counts as one column.
  const found = refusal([...text("id: a\ntitle: é caf"), 0xe9, ...text("\n")]);
  assert.deepEqual(found, {
    message: "The file is not UTF-8: byte 0xE9 cannot be read as UTF-8",
    line: 2,
    column: 13,
  });
});

Deno.test("decodeUtf8Text() refuses overlong forms, surrogates, code points past U+10FFFF, a cut character", () => {
  for (
    const [bytes, byte] of [
      [[0xc0, 0x80], "C0"],
      [[0xe0, 0x80, 0x80], "E0"],
      [[0xed, 0xa0, 0x80], "ED"],
      [[0xf4, 0x90, 0x80, 0x80], "F4"],
      [[0xf5, 0x80, 0x80, 0x80], "F5"],
      [[0xe2, 0x82], "E2"],
      [[0x80], "80"],
    ] as const
  ) {
    const found = refusal([...text("ab"), ...bytes]);
    assert.deepEqual(found, {
      message: `The file is not UTF-8: byte 0x${byte} cannot be read as UTF-8`,
      line: 1,
      column: 3,
    }, bytes.join(","));
  }
});

Deno.test("decodeUtf8Text() tells a program (a NUL byte) and UTF-16 apart from text in another encoding", () => {
  assert.deepEqual(refusal([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), {
    message: "The file is not text: it holds a NUL byte, as programs, pictures and archives do",
    line: 1,
    column: 8,
  });
  assert.equal(refusal([0xff, 0xfe, 0x61, 0x00]).message, "The file is UTF-16 text, not UTF-8");
});
