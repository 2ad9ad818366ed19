import assert from "node:assert/strict";
import { decodeText, NotTextError, readText } from "../../../lib/core/text_bytes.ts";
import { tempDir } from "../../_support/temp_dir.ts";

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
  // Latin-1's "é": a text field holding it is said by the lesson's checks (`replacedBytes`), a comment is no matter.
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

Deno.test("readText() reads a text file past 64 KiB whole, and refuses one whose start holds a NUL", async () => {
  const dir = await tempDir("reel-text-bytes-");
  const long = `${"é".repeat(40_000)}\nend`;
  await Deno.writeTextFile(`${dir}/long.yaml`, long);
  assert.equal(await readText(`${dir}/long.yaml`), long);
  // A transport stream named `clip.ts`: its packets begin with 0x47 and hold NULs (rv45: read whole to be refused).
  const stream = new Uint8Array(1024 * 1024);
  stream[0] = 0x47;
  await Deno.writeFile(`${dir}/clip.ts`, stream);
  await assert.rejects(readText(`${dir}/clip.ts`), (error: unknown) => {
    assert.ok(error instanceof NotTextError);
    assert.deepEqual(error.place, { line: 1, column: 2 });
    return true;
  });
});
