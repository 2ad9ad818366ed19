import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import {
  renderSlide,
  type SlideColors,
  type SlideImages,
} from "../../../../../lib/providers/local/slides/render_slide.ts";
import type { SlideFrame } from "../../../../../lib/providers/local/slides/check_slide_fit.ts";
import type { SectionSlide } from "../../../../../lib/providers/local/slides/slide_content.ts";
import { PRIMARY_FILES } from "../../../../../lib/providers/local/slides/_fonts.ts";
import { slideFontDirs } from "../../../../../lib/media/font_dirs.ts";
import {
  boundingBox,
  countBands,
  decodePng,
  hexToRgb,
  near,
  pixelAt,
  type Pixels,
  pngSize,
  type Rgb,
} from "./_pixels.ts";
import { tempDir, tempFile } from "../../../../_support/temp_dir.ts";
import { jpegWithOrientation } from "../../../../_support/test_video.ts";
import { interlacedPng } from "../../../../_support/damaged_images.ts";

const BACKGROUND = "#1b2a41";
const FOREGROUND = "#f5f7fa";
const ACCENT = "#ffb703";

/** A section slide's spec. */
type SectionSpec = SlideFrame & SectionSlide & SlideColors & SlideImages;

function spec(overrides: Partial<SectionSpec> = {}): SectionSpec {
  return {
    width: 320,
    height: 180,
    title: "Rate limits",
    bullets: ["Each provider has a budget", "Retries back off"],
    background: BACKGROUND,
    imagePath: null,
    foreground: FOREGROUND,
    accent: ACCENT,
    ...overrides,
  };
}

async function render(overrides: Partial<SectionSpec> = {}, allowOverflow = false): Promise<Pixels> {
  return await decodePng((await renderSlide(spec(overrides), { allowOverflow })).png);
}

const BACKGROUND_RGB = hexToRgb(BACKGROUND);
const FOREGROUND_RGB = hexToRgb(FOREGROUND);
const ACCENT_RGB = hexToRgb(ACCENT);

/** Anything that is not the background: text, markers, the accent bar. */
const ink = (color: Rgb) => !near(color, BACKGROUND_RGB);
/** Text pixels: close to the foreground colour (anti-aliased edges included). */
const text = (color: Rgb) => near(color, FOREGROUND_RGB, 90);

Deno.test("renderSlide() returns a PNG of exactly the requested size", async () => {
  for (const [width, height] of [[320, 180], [180, 320], [180, 180], [1920, 1080]] as const) {
    const { png, warnings } = await renderSlide(spec({ width, height }));
    assert.deepEqual(pngSize(png), { width, height });
    assert.deepEqual(warnings, []);
    const image = await decodePng(png);
    assert.equal(image.rgb.length, width * height * 3);
  }
});

Deno.test("renderSlide() keeps the corners and a margin all around in the background colour", async () => {
  const bullets = Array.from({ length: 8 }, (_, index) => `Point ${index} `.repeat(12));
  for (const [width, height] of [[320, 180], [180, 320], [180, 180], [1920, 1080]] as const) {
    const image = await render({ width, height, title: "A long title ".repeat(6), bullets }, true);
    for (const [x, y] of [[2, 2], [width - 3, 2], [2, height - 3], [width - 3, height - 3]] as const) {
      assert.deepEqual(pixelAt(image, x, y), BACKGROUND_RGB, `${width}x${height} at (${x}, ${y})`);
    }
    const bandX = Math.ceil(width * 0.04);
    const bandY = Math.ceil(height * 0.04);
    for (
      const region of [
        { x: 0, y: 0, width, height: bandY },
        { x: 0, y: height - bandY, width, height: bandY },
        { x: 0, y: 0, width: bandX, height },
        { x: width - bandX, y: 0, width: bandX, height },
      ]
    ) {
      assert.equal(
        boundingBox(image, ink, region),
        null,
        `${width}x${height} ink in ${JSON.stringify(region)}`,
      );
    }
  }
});

Deno.test("renderSlide() draws the title in the foreground colour above the accent bar and markers", async () => {
  for (const [width, height] of [[320, 180], [1920, 1080]] as const) {
    const image = await render({ width, height });
    const exact = boundingBox(image, (color) => near(color, FOREGROUND_RGB));
    assert.ok(exact !== null && exact.count > 10, `${width}x${height}: no foreground pixels`);
    const accent = boundingBox(image, (color) => near(color, ACCENT_RGB, 8));
    assert.ok(accent !== null && accent.count > 10, `${width}x${height}: no accent pixels`);
    // The title's first row is above every accent mark (the bar under it, the bullets' markers).
    assert.ok(exact.top < accent.top, `${width}x${height}: title at ${exact.top}, accent at ${accent.top}`);
  }
});

Deno.test("renderSlide() wraps a long bullet inside the right margin", async () => {
  const short = await render({ width: 640, height: 360, bullets: ["A short point"] });
  const long = await render({
    width: 640,
    height: 360,
    bullets: [
      "This bullet keeps on going well past the width of the slide so that it has to wrap ".repeat(2),
    ],
  });
  const shortRows = boundingBox(short, text)!.rows;
  const longRows = boundingBox(long, text)!.rows;
  assert.ok(longRows > shortRows * 1.5, `long bullet covers ${longRows} rows, short ${shortRows}`);
  const margin = Math.ceil(640 * 0.05);
  assert.equal(boundingBox(long, ink, { x: 640 - margin, y: 0, width: margin, height: 360 }), null);
});

Deno.test("renderSlide() breaks a word wider than the slide", async () => {
  const image = await render({ width: 640, height: 360, bullets: ["W".repeat(80)] });
  const margin = Math.ceil(640 * 0.05);
  assert.equal(boundingBox(image, ink, { x: 640 - margin, y: 0, width: margin, height: 360 }), null);
  const oneLine = await render({ width: 640, height: 360, bullets: ["WWW"] });
  assert.ok(
    boundingBox(image, text)!.rows > boundingBox(oneLine, text)!.rows * 1.5,
    "the word was not broken",
  );
});

Deno.test("renderSlide() lays out portrait and landscape differently", async () => {
  const landscape = await render({ width: 320, height: 180, title: "Hello", bullets: [] });
  const portrait = await render({ width: 180, height: 320, title: "Hello", bullets: [] });
  const l = boundingBox(landscape, text)!;
  const p = boundingBox(portrait, text)!;
  const relativeWidth = (box: typeof l, image: Pixels) => (box.right - box.left + 1) / image.width;
  assert.ok(
    relativeWidth(p, portrait) > relativeWidth(l, landscape) * 1.3,
    `title spans ${relativeWidth(p, portrait)} of the portrait width, ${
      relativeWidth(l, landscape)
    } of landscape`,
  );
  assert.ok(p.left / portrait.width > l.left / landscape.width, "portrait has the larger side margin");
});

Deno.test("renderSlide() escapes markup in the text", async () => {
  const image = await render({
    title: `<b>"A & B"</b> 'quoted'`,
    bullets: ["x < y && y > z", "</text><svg>"],
  });
  assert.ok(boundingBox(image, text) !== null);
});

Deno.test("renderSlide() covers the frame with the background image", async () => {
  const dir = await tempDir();
  try {
    const red = `${dir}/red.png`;
    const ffmpeg = new Deno.Command("ffmpeg", {
      args: ["-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x48", "-frames:v", "1", red],
    });
    assert.equal((await ffmpeg.output()).code, 0);
    for (const [width, height] of [[320, 180], [180, 320]] as const) {
      const image = await render({ width, height, imagePath: red, background: "#000000" });
      for (const [x, y] of [[2, 2], [width - 3, 2], [2, height - 3], [width - 3, height - 3]] as const) {
        const [r, g, b] = pixelAt(image, x, y);
        assert.ok(r > 200 && g < 50 && b < 50, `${width}x${height} at (${x}, ${y}) is ${[r, g, b]}`);
      }
      assert.ok(boundingBox(image, text) !== null, "text over the image");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderSlide() rejects a missing, unsupported, truncated or corrupt image naming the file", async () => {
  const dir = await tempDir();
  try {
    const notImage = `${dir}/notes.txt`;
    await Deno.writeTextFile(notImage, "hello");
    const truncated = `${dir}/cut.png`;
    const { png: whole } = await renderSlide(spec());
    await Deno.writeFile(truncated, whole.subarray(0, whole.length - 40));
    const corrupt = `${dir}/corrupt.png`;
    const flipped = whole.slice();
    flipped[100] = flipped[100]! ^ 0xff;
    await Deno.writeFile(corrupt, flipped);
    for (const path of [`${dir}/missing.png`, notImage, truncated, corrupt]) {
      await assert.rejects(renderSlide(spec({ imagePath: path })), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.ok(error.message.includes(path), error.message);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderSlide() rejects bad sizes and colours, and honours an aborted signal", async () => {
  await assert.rejects(renderSlide(spec({ width: 0 })), RangeError);
  await assert.rejects(renderSlide(spec({ height: 10.5 })), RangeError);
  await assert.rejects(renderSlide(spec({ background: "red" })), TypeError);
  await assert.rejects(renderSlide(spec({ accent: "#12345" })), TypeError);
  const { png } = await renderSlide(spec({ background: "#abc" }));
  assert.deepEqual(pixelAt(await decodePng(png), 2, 2), [0xaa, 0xbb, 0xcc]);
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(renderSlide(spec(), { signal: controller.signal }), { message: "stop" });
});

Deno.test("renderSlide() throws InputError with an install hint when the fonts are missing", async () => {
  const emptyDir = await tempDir();
  const script = await tempFile(".ts");
  try {
    const module = new URL("../../../../../lib/providers/local/slides/render_slide.ts", import.meta.url).href;
    const errors = new URL("../../../../../lib/core/errors.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { renderSlide } from "${module}";\nimport { InputError } from "${errors}";\n` +
        `try { await renderSlide(${JSON.stringify(spec())}); console.log("{}"); }\n` +
        `catch (e) { console.log(JSON.stringify({ input: e instanceof InputError, message: e.message, hint: e.hint })); }`,
    );
    const config = new URL("../../../../../deno.json", import.meta.url).pathname;
    const render = async (fonts: string) => {
      const { code, stdout } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--config", config, script],
        env: { REEL_FONT_DIR: fonts },
        stdout: "piped",
        stderr: "inherit",
      }).output();
      assert.equal(code, 0);
      return JSON.parse(new TextDecoder().decode(stdout));
    };
    const result = await render(emptyDir);
    assert.equal(result.input, true);
    assert.equal(
      result.message.replace("-Bold", ""),
      `Cannot find the slide font DejaVuSans.ttf in ${emptyDir}, which REEL_FONT_DIR names`,
    );
    // nt17: told to set REEL_FONT_DIR, which was set.
    assert.match(result.hint, /^Point REEL_FONT_DIR at a folder holding DejaVuSans\.ttf.*or unset it/);
    // fi22: a folder whose links loop stopped the render with Deno's FilesystemLoop and a trace.
    await Deno.symlink(`${emptyDir}/loop-b`, `${emptyDir}/loop-a`);
    await Deno.symlink(`${emptyDir}/loop-a`, `${emptyDir}/loop-b`);
    const looped = await render(`${emptyDir}/loop-a`);
    assert.equal(looped.input, true);
    assert.match(
      looped.message,
      /^Cannot read the slide font DejaVuSans(-Bold)?\.ttf in .*loop-a, .* \(its links loop\)$/,
    );
  } finally {
    await Deno.remove(emptyDir, { recursive: true });
    await Deno.remove(script);
  }
});

/** Lines of `words` words, so each bullet wraps to several lines. */
function longBullets(count: number, words: number): string[] {
  return Array.from({ length: count }, (_, index) => `Point ${index + 1} `.repeat(words).trim());
}

Deno.test("renderSlide() throws InputError saying what does not fit even at half size", async () => {
  const bullets = longBullets(8, 60);
  await assert.rejects(
    renderSlide(spec({ width: 640, height: 360, title: "", bullets })),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /^The slide text does not fit a 640x360 slide even at half size: [1-8] of 8 bullets( \(bullet \d in part\))? would be cut$/,
      );
      assert.match(error.hint ?? "", /allowOverflow: true/);
      return true;
    },
  );
  await assert.rejects(
    renderSlide(spec({ width: 320, height: 180, title: "A very long title ".repeat(80), bullets: ["One"] })),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /: \d+ of the title's \d+ lines and 1 of 1 bullet would be cut$/);
      return true;
    },
  );
});

Deno.test("renderSlide() with allowOverflow cuts what does not fit and says so in a warning", async () => {
  for (const [width, height] of [[640, 360], [360, 640]] as const) {
    const bullets = longBullets(8, 60);
    const { png, warnings } = await renderSlide(spec({ width, height, title: "", bullets }), {
      allowOverflow: true,
    });
    assert.deepEqual(pngSize(png), { width, height });
    assert.equal(warnings.length, 1);
    const cut = new RegExp(
      `^The slide text does not fit a ${width}x${height} slide even at half size: ` +
        `(\\d) of 8 bullets( \\(bullet \\d in part\\))? (was|were) cut, ending in an ellipsis$`,
    ).exec(warnings[0]!);
    assert.ok(cut !== null, warnings[0]);
    // Each bullet shown has its marker: the ones not cut, plus the one cut in part.
    const shown = 8 - Number(cut[1]) + (cut[2] === undefined ? 0 : 1);
    const image = await decodePng(png);
    const markers = countBands(image, (color) => near(color, ACCENT_RGB, 40), {
      x: 0,
      y: 0,
      width: Math.round(width * 0.13),
      height,
    });
    assert.equal(markers, shown, `${width}x${height}: ${warnings[0]}`);
  }
});

/** The share of a shape's ink in the middle half of its bounding box: 0 for the hollow box of a missing glyph. */
function middleInk(image: Pixels): number {
  const box = boundingBox(image, text)!;
  const width = box.right - box.left + 1;
  const height = box.bottom - box.top + 1;
  const middle = boundingBox(image, text, {
    x: box.left + Math.round(width / 4),
    y: box.top + Math.round(height / 4),
    width: Math.round(width / 2),
    height: Math.round(height / 2),
  });
  return (middle?.count ?? 0) / box.count;
}

const ownFonts = Deno.env.get("REEL_FONT_DIR") !== undefined;

Deno.test({
  name: "renderSlide() draws Chinese, Japanese, Korean and emoji with fallback fonts, not empty boxes",
  // REEL_FONT_DIR replaces the system's fallback fonts, which this test is about.
  ignore: ownFonts,
  fn: async () => {
    const box = await renderSlide(spec({ width: 480, height: 270, title: "\uE000", bullets: [] }));
    assert.equal(box.warnings.length, 1);
    assert.match(
      box.warnings[0]!,
      /^No installed font has "\uE000" \(U\+E000\), so it shows as an empty box/,
    );
    assert.ok(middleInk(await decodePng(box.png)) < 0.05, "a missing glyph is a hollow box");
    for (const char of ["中", "あ", "한", "👍", "🦄"]) {
      const { png, warnings } = await renderSlide(
        spec({ width: 480, height: 270, title: char, bullets: [] }),
      );
      assert.deepEqual(warnings, [], char);
      const share = middleInk(await decodePng(png));
      assert.ok(share > 0.15, `${char}: ${share} of the ink in the middle, like an empty box`);
    }
    const mixed = await renderSlide(
      spec({ title: "速率 limits 👍", bullets: ["日本語 and English", "한국어 🦄"] }),
    );
    assert.deepEqual(mixed.warnings, []);
  },
});

Deno.test({
  name: "renderSlide() wraps Japanese text, which has no spaces, inside the right margin",
  ignore: ownFonts,
  fn: async () => {
    const short = await render({ width: 640, height: 360, bullets: ["日本語"] });
    const long = await render({
      width: 640,
      height: 360,
      bullets: ["日本語の文章には空白がないので、文字と文字の間で折り返します。".repeat(2)],
    });
    assert.ok(boundingBox(long, text)!.rows > boundingBox(short, text)!.rows * 1.5, "the text did not wrap");
    const margin = Math.ceil(640 * 0.05);
    assert.equal(boundingBox(long, ink, { x: 640 - margin, y: 0, width: margin, height: 360 }), null);
  },
});

/** Runs `code` (which may import `renderSlide` and `checkSlideFits`) in a fresh Deno; returns what it printed. */
async function runIsolated(
  code: string,
  options: { env?: Record<string, string>; allowRead?: string[] } = {},
): Promise<unknown> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const slides = new URL("../../../../../lib/providers/local/slides/", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { renderSlide } from "${slides}render_slide.ts";\n` +
        `import { checkSlideFits } from "${slides}check_slide_fit.ts";\n${code}`,
    );
    const config = new URL("../../../../../deno.json", import.meta.url).pathname;
    const read = options.allowRead === undefined
      ? "--allow-read"
      : `--allow-read=${options.allowRead.join(",")}`;
    const { code: exit, stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-env", read, "--config", config, script],
      env: options.env ?? {},
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.equal(exit, 0);
    return JSON.parse(new TextDecoder().decode(stdout));
  } finally {
    await Deno.remove(script);
  }
}

Deno.test({
  name: "renderSlide() reads no fallback font for text DejaVu Sans has",
  ignore: ownFonts,
  fn: async () => {
    // Only DejaVu Sans and resvg's wasm may be read: a fallback font (or its folder listing) would be refused.
    const dejavu = PRIMARY_FILES.map((file) => `${slideFontDirs().primary}/${file}`);
    const wasm = new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")).pathname;
    const slide = JSON.stringify(spec({ title: "Plain English", bullets: ["Café, naïve, “quotes” — fine"] }));
    const result = await runIsolated(
      `const outcome = async (work) => { try { await work(); return "ok"; } catch (e) { return e.name; } };\n` +
        `const slide = ${slide};\n` +
        `console.log(JSON.stringify({\n` +
        `  english: await outcome(() => renderSlide(slide)),\n` +
        `  check: await outcome(() => checkSlideFits(slide)),\n` +
        `  chinese: await outcome(() => renderSlide({ ...slide, bullets: ["中文"] })),\n` +
        `}));`,
      { allowRead: [...dejavu, wasm] },
    );
    assert.deepEqual(result, { english: "ok", check: "ok", chinese: "NotCapable" });
  },
});

Deno.test("renderSlide() parses a monospace face only for a slide that sets code in it", async () => {
  // The mono faces here are not fonts at all: a plain slide never reads them, a code slide names the one it needs.
  const dir = await Deno.makeTempDir();
  try {
    for (const file of PRIMARY_FILES) {
      if (file.includes("Mono")) await Deno.writeTextFile(`${dir}/${file}`, "not a font");
      else await Deno.copyFile(`${slideFontDirs().primary}/${file}`, `${dir}/${file}`);
    }
    const plain = JSON.stringify(spec());
    const code = JSON.stringify({ ...spec(), kind: "code", bullets: [], code: "const x = 1;" });
    const result = await runIsolated(
      `const plain = await renderSlide(${plain});\n` +
        `const fit = await checkSlideFits(${plain});\n` +
        `let code = null;\n` +
        `try { await renderSlide(${code}); } catch (e) { code = e.message; }\n` +
        `console.log(JSON.stringify({ plain: plain.png.length > 0, fits: fit.fits, code }));`,
      { env: { REEL_FONT_DIR: dir } },
    );
    const { code: message, ...rest } = result as { code: string | null };
    assert.deepEqual(rest, { plain: true, fits: true });
    // The file named with its folder, and what it starts with in hex (opentype quotes the bytes as characters,
    // control characters and garbage: before, they were printed as they came).
    assert.match(
      message ?? "",
      /^Cannot read the slide font .*\/DejaVuSansMono\.ttf: not a font file \((it starts with the bytes( [0-9a-f]{2}){1,4}|[\x20-\x7e]*)\)$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderSlide() warns naming the characters no font in REEL_FONT_DIR has, and still renders", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const file of PRIMARY_FILES) {
      await Deno.copyFile(`${slideFontDirs().primary}/${file}`, `${dir}/${file}`);
    }
    const slide = JSON.stringify(spec({ title: "Hello 中文", bullets: ["👍"] }));
    const result = await runIsolated(
      `const { png, warnings } = await renderSlide(${slide});\n` +
        `console.log(JSON.stringify({ png: png.length > 0, warnings }));`,
      { env: { REEL_FONT_DIR: dir } },
    );
    assert.deepEqual(result, {
      png: true,
      warnings: [
        `No installed font has "中" (U+4E2D), "文" (U+6587), "👍" (U+1F44D), so they show as empty boxes: ` +
        `install fonts-noto-core, fonts-noto-cjk and fonts-symbola, or put a font that has them in REEL_FONT_DIR`,
      ],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderSlide() turns a JPEG as its EXIF orientation says, as viewers show it; before, a phone's photo lay on its side", async () => {
  const dir = await tempDir();
  try {
    // Stored 320x180: the left half blue, the right half red.
    const ffmpeg = new Deno.Command("ffmpeg", {
      args: [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=160x180[l];color=c=red:s=160x180[r];[l][r]hstack",
        "-frames:v",
        "1",
        `${dir}/stored.jpg`,
      ],
    });
    assert.equal((await ffmpeg.output()).code, 0);
    const stored = await Deno.readFile(`${dir}/stored.jpg`);
    const [blue, red] = [(c: Rgb) => c[2] > 180 && c[0] < 80, (c: Rgb) => c[0] > 180 && c[2] < 80];
    // Each orientation's frame, and which colour its four corners show (top left, top right, bottom left, right).
    const cases = [
      [1, 320, 180, [blue, red, blue, red]],
      [3, 320, 180, [red, blue, red, blue]], // turned half way
      [6, 180, 320, [blue, blue, red, red]], // a quarter clockwise: the left half on top
      [8, 180, 320, [red, red, blue, blue]], // a quarter anticlockwise
      [2, 320, 180, [red, blue, red, blue]], // mirrored
    ] as const;
    for (const [orientation, width, height, corners] of cases) {
      const path = `${dir}/o${orientation}.jpg`;
      await Deno.writeFile(path, jpegWithOrientation(stored, orientation));
      const image = await render({ width, height, imagePath: path, background: "#000000" });
      const points = [[2, 2], [width - 3, 2], [2, height - 3], [width - 3, height - 3]] as const;
      for (const [i, [x, y]] of points.entries()) {
        const pixel = pixelAt(image, x, y);
        assert.ok(corners[i]!(pixel), `orientation ${orientation} at (${x}, ${y}): ${pixel}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderSlide() draws the images the preflight has ffmpeg decode: a progressive JPEG, grey, palette, 16-bit and interlaced PNGs", async () => {
  const dir = await tempDir();
  try {
    const [blue, red] = [(c: Rgb) => c[2] > 180 && c[0] < 80, (c: Rgb) => c[0] > 180 && c[2] < 80];
    const grey = (c: Rgb) => c.every((v) => Math.abs(v - 128) < 24);
    // Left half red, right half blue (mozjpeg, progressive: a scan for each band of coefficients).
    await Deno.copyFile(
      new URL("../../../../fixtures/progressive.jpg", import.meta.url),
      `${dir}/progressive.jpg`,
    );
    await Deno.writeFile(`${dir}/interlaced.png`, interlacedPng(64, 48));
    const cases: [string, string | null, (c: Rgb) => boolean, (c: Rgb) => boolean][] = [
      ["progressive.jpg", null, red, blue],
      ["grey.png", "gray", grey, grey],
      ["palette.png", "pal8", red, red],
      ["deep.png", "rgb48be", red, red],
      ["interlaced.png", null, grey, grey],
    ];
    for (const [name, pixFmt, left, right] of cases) {
      if (pixFmt !== null) {
        // Red (or, in grey, the grey of 50% white).
        const colour = pixFmt === "gray" ? "0x808080" : "red";
        const args = ["-v", "error", "-f", "lavfi", "-i", `color=c=${colour}:s=64x48`, "-frames:v", "1"];
        const made = await new Deno.Command("ffmpeg", {
          args: [...args, "-pix_fmt", pixFmt, `${dir}/${name}`],
        })
          .output();
        assert.equal(made.code, 0);
      }
      const image = await render({ imagePath: `${dir}/${name}`, background: "#000000" });
      for (const [x, y] of [[2, 2], [2, 177]] as const) {
        assert.ok(left(pixelAt(image, x, y)), `${name} at (${x}, ${y})`);
      }
      for (const [x, y] of [[317, 2], [317, 177]] as const) {
        assert.ok(right(pixelAt(image, x, y)), `${name} at (${x}, ${y}): ${pixelAt(image, x, y)}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
