import assert from "node:assert/strict";
import { describeBody } from "../../../../lib/providers/http/describe_body.ts";
import { encodePng } from "../../../../lib/media/png_encoder.ts";

/** Control characters (C0 and C1, DEL), built from their codes. */
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}-${
    String.fromCharCode(0x9f)
  }]`,
);

Deno.test("describeBody() quotes text, blanks collapsed and cut at the limit", () => {
  const text = new TextEncoder().encode("<html>\n  <body>Bad Gateway</body>\n</html>");
  assert.equal(describeBody(text), "<html> <body>Bad Gateway</body> </html>");
  assert.equal(describeBody(text, { limit: 10, quote: true }), '"<html> <bo…"');
  assert.equal(describeBody(new TextEncoder().encode("déjà vu ✓")), "déjà vu ✓");
});

Deno.test('describeBody() says an empty body is empty (it was quoted as "")', () => {
  assert.equal(describeBody(new Uint8Array(0), { quote: true, contentType: "audio/mpeg" }), "an empty body");
});

Deno.test("describeBody() gives a binary body's size and the type its bytes show, never its bytes", () => {
  const png = encodePng(new Uint8Array(64 * 64 * 4), 64, 64);
  const said = describeBody(png, { contentType: "audio/wav", quote: true });
  assert.equal(said, `${png.length.toLocaleString("en-US")} bytes of image/png (sent as audio/wav)`);
  assert.equal(describeBody(png, { contentType: "image/png" }), `${png.length} bytes of image/png`);
  const noise = new Uint8Array(2345).map((_, i) => (i * 37) % 256);
  assert.equal(
    describeBody(noise, { contentType: "application/octet-stream" }),
    "2,345 bytes of application/octet-stream",
  );
  assert.equal(describeBody(new Uint8Array([104, 105, 0, 1, 27])), "5 bytes of binary data");
  for (const body of [png, noise]) assert.doesNotMatch(describeBody(body), CONTROL);
});
