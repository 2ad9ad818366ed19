/**
 * A PNG whose chunks are whole but whose side chunks the slide renderer's decoder refuses (resvg leaves the image
 * out of the slide without a word) is named, for a slide only; what the renderer draws passes. Each case is drawn
 * through resvg too, so the rules and the renderer cannot drift apart unseen.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { deflateSync } from "node:zlib";
import { Resvg } from "@resvg/resvg-wasm";
import { imageProblem } from "../../../lib/media/image_problem.ts";
import { encodePng, encodeRgbaPng, pngChunk } from "../../../lib/media/png_encoder.ts";
import { borrowPixels, ensureResvg } from "../../../lib/providers/local/slides/_resvg.ts";
import { concatBytes } from "../../../lib/core/concat_bytes.ts";

const RED = encodePng(new Uint8Array(4 * 4 * 4).map((_, at) => at % 4 === 0 || at % 4 === 3 ? 255 : 0), 4, 4);
const RED_RGBA = encodeRgbaPng(
  new Uint8Array(4 * 4 * 4).map((_, at) => at % 4 === 0 || at % 4 === 3 ? 255 : 0),
  4,
  4,
);
/** Signature and IHDR: where side chunks go, before the image data. */
const HEADER = 8 + 25;

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new Uint8Array([...value].map((char) => char.charCodeAt(0)));
const u32 = (value: number) => bytes(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);

/** `png` with chunks before its image data and, optionally, after it (before IEND). */
function withChunks(
  before: [string, Uint8Array][],
  options: { after?: [string, Uint8Array][]; png?: Uint8Array } = {},
): Uint8Array {
  const { after = [], png = RED } = options;
  const chunks = (list: [string, Uint8Array][]) => list.map(([type, data]) => pngChunk(type, data));
  return concatBytes([
    png.subarray(0, HEADER),
    ...chunks(before),
    png.subarray(HEADER, png.length - 12),
    ...chunks(after),
    png.subarray(png.length - 12),
  ]);
}

/** An fcTL for the whole 4 × 4 image, or the frame given. */
function frame(sequence: number, size = 4): Uint8Array {
  return concatBytes([u32(sequence), u32(size), u32(size), u32(0), u32(0), bytes(0, 1, 0, 1, 0, 0)]);
}

/** Whether resvg draws the PNG: a red picture over a blue ground, its middle pixel read. */
async function drawn(png: Uint8Array): Promise<boolean> {
  await ensureResvg();
  const uri = `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
  const image = new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8">` +
      `<rect width="8" height="8" fill="#0000ff"/>` +
      `<image width="8" height="8" preserveAspectRatio="none" xlink:href="${uri}"/></svg>`,
  ).render();
  try {
    const middle = (4 * 8 + 4) * 4;
    const rgb = [...borrowPixels(image).subarray(middle, middle + 3)];
    if (rgb.join() === "255,0,0") return true;
    assert.deepEqual(rgb, [0, 0, 255], "red or left out");
    return false;
  } finally {
    image.free();
  }
}

const PHYS = concatBytes([u32(2835), u32(2835), bytes(1)]);
const PROFILE = concatBytes([text("icc"), bytes(0, 0), deflateSync(new Uint8Array(200))]);

/** Refused for a slide (the renderer leaves them out), each with the reason named. */
const REFUSED: [string, Uint8Array][] = [
  ["it has two pHYs chunks", withChunks([["pHYs", PHYS], ["pHYs", PHYS]])],
  ["its gAMA chunk holds 1 byte, not 4", withChunks([["gAMA", bytes(1)]])],
  ["it has two gAMA chunks", withChunks([["gAMA", u32(45455)], ["gAMA", u32(45455)]])],
  ["its pHYs chunk holds 8 bytes, not 9", withChunks([["pHYs", PHYS.subarray(0, 8)]])],
  [
    "its pHYs chunk gives unit 2, not 0 or 1",
    withChunks([["pHYs", concatBytes([PHYS.subarray(0, 8), bytes(2)])]]),
  ],
  ["its cHRM chunk holds 31 bytes, not 32", withChunks([["cHRM", new Uint8Array(31)]])],
  ["it has two sRGB chunks", withChunks([["sRGB", bytes(0)], ["sRGB", bytes(0)]])],
  ["its sRGB chunk gives rendering intent 4, not 0 to 3", withChunks([["sRGB", bytes(4)]])],
  ["its tRNS chunk holds 5 bytes, not 6", withChunks([["tRNS", new Uint8Array(5)]])],
  [
    "it has a tRNS chunk, which an image with an alpha channel may not have",
    withChunks([["tRNS", new Uint8Array(6)]], { png: RED_RGBA }),
  ],
  ["its acTL chunk holds 7 bytes, not 8", withChunks([["acTL", new Uint8Array(7)]])],
  ["its fcTL chunk has sequence number 1, not 0", withChunks([["fcTL", frame(1)]])],
  [
    "its fcTL chunk frames 2 × 2 pixels at 0, 0, not the whole 4 × 4 image",
    withChunks([["fcTL", frame(0, 2)]]),
  ],
  ["it has an fdAT chunk (an animation frame) before its image data", withChunks([["fdAT", u32(1)]])],
  ["its tEXt chunk has an empty keyword", withChunks([["tEXt", text("\0hello")]])],
  ["its tEXt chunk has no null byte after its keyword", withChunks([["tEXt", text("Title")]])],
  [
    "its tEXt chunk has a keyword of 80 bytes, more than 79",
    withChunks([["tEXt", text(`${"K".repeat(80)}\0x`)]]),
  ],
  ["its zTXt chunk gives compression method 1, not 0", withChunks([["zTXt", text("Title\0\x01x")]])],
  [
    "its iTXt chunk gives compression flag 2, not 0 or 1",
    withChunks([["iTXt", text("Title\0\x02\0en\0T\0x")]]),
  ],
  ["its iTXt chunk's text is not UTF-8", withChunks([["iTXt", text("Title\0\0\0en\0T\0\xff")]])],
  [
    "its iCCP chunk's colour profile is not zlib data (incorrect header check)",
    withChunks([["iCCP", text("icc\0\0\x01\x02\x03")]]),
  ],
  ["it has two iCCP chunks", withChunks([["iCCP", PROFILE], ["iCCP", PROFILE]])],
  [
    "its tEXt chunk holds 1,048,577 bytes, more than the 1 MiB (1,048,576 bytes) slides read before the image data",
    withChunks([["tEXt", concatBytes([text("T\0"), new Uint8Array((1 << 20) - 1).fill(65)])]]),
  ],
];

/** Unusual but drawn: the renderer skips what it does not know, an empty chunk, a chunk after the image data. */
const PASSED: [string, Uint8Array][] = [
  ["a private side chunk", withChunks([["prVt", text("private data")]])],
  [
    "text chunks",
    withChunks([["tEXt", text("Title\0é")], [
      "zTXt",
      concatBytes([text("Author\0\0"), deflateSync(text("me"))]),
    ], ["iTXt", concatBytes([text("Title\0\0\0en\0"), new TextEncoder().encode("Titre\0été")])]]),
  ],
  [
    "a tEXt of 79-byte keyword, twice",
    withChunks([["tEXt", text(`${"K".repeat(79)}\0x`)], ["tEXt", text(`${"K".repeat(79)}\0y`)]]),
  ],
  [
    "chunks it does not read, twice",
    withChunks([["tIME", bytes(7, 232, 1, 2, 3, 4, 5)], ["tIME", bytes(1)], ["bKGD", bytes(1)], [
      "sBIT",
      bytes(8, 8, 8),
    ], ["sBIT", bytes(8, 8, 8)]]),
  ],
  ["an empty gAMA, then a whole one", withChunks([["gAMA", new Uint8Array()], ["gAMA", u32(45455)]])],
  ["a gAMA longer than 4 bytes", withChunks([["gAMA", concatBytes([u32(45455), bytes(0)])]])],
  [
    "malformed chunks after the image data",
    withChunks([], { after: [["gAMA", bytes(1)], ["pHYs", PHYS], ["pHYs", PHYS], ["tEXt", text("\0")]] }),
  ],
  [
    "a colour profile, sRGB, cHRM and pHYs",
    withChunks([["iCCP", PROFILE], ["sRGB", bytes(0)], ["cHRM", new Uint8Array(32)], ["pHYs", PHYS]]),
  ],
  [
    "an animation whose first frame is the image",
    withChunks([["acTL", concatBytes([u32(1), u32(0)])], ["fcTL", frame(0)]]),
  ],
  ["a private chunk of 1 MiB", withChunks([["prVt", new Uint8Array(1 << 20)]])],
];

Deno.test("imageProblem() refuses, for a slide, a PNG whose side chunks the renderer refuses, naming the chunk; resvg leaves each out", async () => {
  for (const [reason, png] of REFUSED) {
    assert.equal(
      imageProblem(png, { slide: true, pixels: false }),
      `the PNG is malformed (${reason}), which slides cannot draw: save it again from an image editor`,
    );
    assert.equal(
      imageProblem(png, { slide: true }),
      imageProblem(png, { slide: true, pixels: false }),
      reason,
    );
    // ffmpeg (montages, overlays) reads the chunks it needs: not refused there.
    assert.equal(imageProblem(png), null, reason);
    assert.equal(await drawn(png), false, `resvg draws the PNG refused as: ${reason}`);
  }
});

Deno.test("imageProblem() passes, for a slide, a PNG with unusual side chunks that the renderer draws", async () => {
  assert.equal(await drawn(RED), true);
  for (const [name, png] of PASSED) {
    assert.equal(imageProblem(png, { slide: true }), null, name);
    assert.equal(await drawn(png), true, `resvg leaves out the PNG passed with ${name}`);
  }
});

Deno.test("imageProblem() refuses, for a slide, image data split by another chunk (the renderer stops at it), not a late IDAT after the whole of it", async () => {
  const data = RED.subarray(HEADER + 8, RED.length - 12 - 4);
  const split = concatBytes([
    RED.subarray(0, HEADER),
    pngChunk("IDAT", data.subarray(0, 5)),
    pngChunk("prVt", new Uint8Array()),
    pngChunk("IDAT", data.subarray(5)),
    RED.subarray(RED.length - 12),
  ]);
  assert.match(imageProblem(split, { slide: true }) ?? "", /\(its IDAT chunks are split by a prVt chunk\)/);
  assert.equal(await drawn(split), false);
  const joined = concatBytes([
    RED.subarray(0, HEADER),
    pngChunk("IDAT", data.subarray(0, 5)),
    pngChunk("IDAT", data.subarray(5)),
    RED.subarray(RED.length - 12),
  ]);
  assert.equal(imageProblem(joined, { slide: true }), null);
  assert.equal(await drawn(joined), true);
  // Once its image data is whole, the renderer reads no further: a chunk, then an IDAT (empty, or not), after it
  // is drawn, and passes.
  for (const late of [new Uint8Array(), bytes(1, 2, 3, 4)]) {
    const after = concatBytes([
      RED.subarray(0, HEADER),
      pngChunk("IDAT", data),
      pngChunk("tEXt", text("T\0x")),
      pngChunk("IDAT", late),
      RED.subarray(RED.length - 12),
    ]);
    assert.equal(imageProblem(after, { slide: true }), null);
    assert.equal(await drawn(after), true);
  }
});
