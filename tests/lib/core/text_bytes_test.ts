import assert from "node:assert/strict";
import { decodeText, NotTextError } from "../../../lib/core/text_bytes.ts";

/** What decodeText throws for `bytes`: its message and place. */
function refusal(bytes: number[]): { message: string; line: number; column: number } {
  try {
    decodeText(new Uint8Array(bytes));
  } catch (error) {
    assert.ok(error instanceof NotTextError, String(error));
    return { message: error.message, ...error.place };
  }
  assert.fail("decoded");
}

const text = (value: string) => [...new TextEncoder().encode(value)];

Deno.test("decodeText() reads UTF-8, a byte order mark kept, and another encoding's bytes as U+FFFD", () => {
  assert.equal(decodeText(new Uint8Array(text("café — 雨 🌧️"))), "café — 雨 🌧️");
  assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...text("a: 1")])), "\uFEFFa: 1");
  assert.equal(decodeText(new Uint8Array()), "");
  // Latin-1's "é": its field is refused where it holds it (see `shownText`), a comment holding it is no matter.
  assert.equal(
    decodeText(new Uint8Array([...text("# caf"), 0xe9, ...text("\nid: a")])),
    "# caf\uFFFD\nid: a",
  );
});

Deno.test("decodeText() tells a program or a picture by its NUL byte, at its line and column", () => {
  // "é" before it on its line counts as one column.
  assert.deepEqual(refusal([...text("id: a\ncafé "), 0x00]), {
    message: "The file is not text: it holds a NUL byte, as programs, pictures and archives do",
    line: 2,
    column: 6,
  });
  // An MP4's first bytes, a NUL first: line 1 (rv44: the last line of the file, searched from its end).
  assert.deepEqual(refusal([0x00, 0x00, 0x00, 0x18, ...text("ftypisom\n\n\nabc\n")]).line, 1);
  assert.deepEqual(refusal([0x00, 0x00, 0x00, 0x18, ...text("ftypisom\n\n\nabc\n")]).column, 1);
  assert.equal(refusal([0xff, 0xfe, 0x61, 0x00]).message, "The file is UTF-16 text, not UTF-8");
});
