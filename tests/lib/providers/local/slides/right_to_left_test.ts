/**
 * Slides in Hebrew and Arabic: set from the right, each line in its own direction (before, every line was set from
 * the left as left-to-right text: a sentence's full stop on its right end, the markers and title bar on the left).
 */
import assert from "node:assert/strict";
import { fitSlide } from "../../../../../lib/providers/local/slides/_fit_slide.ts";
import { boundingBox, near, pixelAt, type Pixels, type Rgb, rowBands } from "./_pixels.ts";
import { inkStartAtEnds } from "../../../../_support/media.ts";
import { ACCENT_RGB, renderPixels, slideSpec, text } from "./_slide_specs.ts";

const [WIDTH, HEIGHT] = [640, 360];
const accent = (color: Rgb) => near(color, ACCENT_RGB, 60);

/** Where the ink of one line of text starts at its ends (see {@linkcode inkStartAtEnds}). */
function inkEnds(image: Pixels, band: { top: number; bottom: number }) {
  const lit = (x: number, y: number) => text(pixelAt(image, x, y));
  return inkStartAtEnds(lit, { x: 0, y: band.top, width: WIDTH, height: band.bottom - band.top + 1 });
}

Deno.test("a Hebrew section is set from the right: markers and bar on the right, dots at the left", async () => {
  const image = await renderPixels(slideSpec({ width: WIDTH, height: HEIGHT }, {
    kind: "section",
    title: "שלום עולם",
    bullets: ["מים", "אוויר חם........"],
  }));
  const margin = WIDTH * 0.07;
  const all = boundingBox(image, text)!;
  assert.ok(Math.abs(all.right - (WIDTH - margin)) < 6, `the text ends at x=${all.right}`);
  assert.ok(all.left > WIDTH / 2, `text at x=${all.left}, in the left half`);
  const marks = boundingBox(image, accent)!;
  assert.ok(marks.left > WIDTH / 2, `a marker or the bar at x=${marks.left}`);
  const bands = rowBands(image, text);
  assert.equal(bands.length, 3, JSON.stringify(bands));
  for (const band of bands.slice(1)) {
    const row = { x: 0, y: band.top, width: WIDTH, height: band.bottom - band.top + 1 };
    const [bullet, marker] = [boundingBox(image, text, row)!, boundingBox(image, accent, row)!];
    assert.ok(marker.left > bullet.right, `a marker at x=${marker.left}, its bullet to x=${bullet.right}`);
  }
  // The last bullet ends with dots: read from the right, they are its left end, and the letters (none reaching
  // below the line) its right end.
  const last = inkEnds(image, bands[2]!);
  assert.ok(last.left > 0.6 && last.right < 0.4, JSON.stringify(last));
});

Deno.test("an English section keeps its dots at the right and its text from the left margin", async () => {
  const image = await renderPixels(slideSpec({ width: WIDTH, height: HEIGHT }, {
    kind: "section",
    title: "Hello world",
    bullets: ["Water", "Air and cold........"],
  }));
  assert.ok(Math.abs(boundingBox(image, text)!.left - WIDTH * 0.07) < 6);
  const bands = rowBands(image, text);
  const last = inkEnds(image, bands[2]!);
  assert.ok(last.right > 0.6 && last.left < 0.4, JSON.stringify(last));
});

/** The blank stretches between inked columns of a 1280x720 section's one bullet, in pixels. */
async function bulletGaps(bullet: string): Promise<number[]> {
  const [width, height] = [1280, 720];
  const image = await renderPixels(
    slideSpec({ width, height }, { kind: "section", title: "", bullets: [bullet] }),
  );
  const band = rowBands(image, text)[0]!;
  const gaps: number[] = [];
  let blank = -1;
  for (let x = 0; x < width; x++) {
    let ink = false;
    for (let y = band.top; y <= band.bottom && !ink; y++) ink = text(pixelAt(image, x, y));
    if (ink && blank > 0) gaps.push(blank);
    blank = ink ? 0 : blank < 0 ? -1 : blank + 1;
  }
  return gaps;
}

Deno.test("a Hebrew line keeps its spaces where its style or font changes: its words drawn apart", async () => {
  // Before: the space ending a right-to-left stretch (or a fallback font's piece of one, rv18) was drawn at its
  // right end, and "שלום" touched "עולם" (and "✅" touched "עולם"). At 40 px a space is 12 px wide and letters
  // stand at most 6 px apart.
  const words = async (bullet: string) => (await bulletGaps(bullet)).filter((gap) => gap >= 9).length + 1;
  assert.equal(await words("שלום **עולם** טוב"), 3);
  assert.equal(await words("שלום ✅ עולם"), 3);
});

Deno.test("an Urdu word DejaVu Sans lacks a letter of is drawn whole in one font, measured as it is drawn", async () => {
  // nw2: "شکریہ" was drawn in two fonts, its ہ apart from the rest, and a fallback font's letters were measured
  // unjoined (half as wide again as drawn), which left gaps.
  const spec = slideSpec({ width: WIDTH, height: HEIGHT }, {
    kind: "section",
    title: "",
    bullets: ["شکریہ"],
  });
  const { layout, fonts } = await fitSlide(spec);
  const [run] = layout.runs;
  const pieces = fonts.faces[run!.style.face].runs(run!.text, run!.size);
  assert.deepEqual(pieces.map((piece) => piece.text), ["شکریہ"]);
  assert.match(pieces[0]!.family ?? "", /^Noto /);
  // Its ink spans what the layout measured.
  const ink = boundingBox(await renderPixels(spec), text)!;
  const right = run!.x + fonts.faces[run!.style.face].getAdvanceWidth(run!.text, run!.size);
  assert.ok(
    Math.abs(ink.left - run!.x) < 4 && Math.abs(ink.right - right) < 4,
    `ink from x=${ink.left} to ${ink.right}, measured from ${run!.x} to ${right}`,
  );
});

Deno.test("a right-to-left line orders its stretches by the bidirectional algorithm; code reads so", async () => {
  const { layout } = await fitSlide({
    width: WIDTH,
    height: HEIGHT,
    kind: "code",
    title: "שלום עולם",
    bullets: ["שלום **Deno** runtime עולם.", "English, left to right.", "עוד שורה בעברית כאן"],
    code: "const x = 1;",
  });
  const first = layout.runs.filter((run) => run.y === layout.runs.find((r) => r.text === "Deno")?.y)
    .sort((a, b) => a.x - b.x);
  // Drawn left to right: the full stop and the last Hebrew word, then the English words in their own order (the
  // bold one first), then the first Hebrew word at the right end.
  assert.deepEqual(first.map((run) => [run.text, run.rtl, run.style.face]), [
    ["עולם.", true, "sans"],
    [" ", true, "sans"],
    ["Deno", false, "sansBold"],
    [" runtime", false, "sans"],
    [" ", true, "sans"],
    ["שלום", true, "sans"],
  ]);
  // On a slide mostly in Hebrew: the Hebrew bullet that names Deno reads from the right, the English one from the
  // left.
  const english = layout.runs.find((run) => run.text.startsWith("English"))!;
  assert.equal(english.rtl, false);
  // The English bullet is set from the right too, its marker right of it: the slide reads from the right.
  const marker = layout.markers[1]!;
  assert.ok(marker.cx > english.x, `marker at ${marker.cx}, bullet from ${english.x}`);
  const code = layout.runs.find((run) => run.text.startsWith("const"))!;
  const panel = layout.rects.find((rect) => rect.fill === "code")!;
  assert.ok(code.x < panel.x + panel.width / 4, `code at x=${code.x}: not from the panel's left`);
});

Deno.test("a Hebrew title card is centred, its closing dots at the left end", async () => {
  // rv18: the test checked the run's text alone.
  const image = await renderPixels(
    slideSpec({ width: WIDTH, height: HEIGHT }, { kind: "title", title: "אוויר חם........", subtitle: "" }),
  );
  const box = boundingBox(image, text)!;
  assert.ok(Math.abs((box.left + box.right) / 2 - WIDTH / 2) < 4, JSON.stringify(box));
  const ends = inkEnds(image, { top: box.top, bottom: box.bottom });
  assert.ok(ends.left > 0.6 && ends.right < 0.4, JSON.stringify(ends));
});

Deno.test("a slide mostly in Hebrew or Arabic reads from the right, whatever it opens with", async () => {
  // nw2: a Hebrew slide titled "React" was set from the left; an Arabic bullet opening with "Python" was read left
  // to right, its full stop on the right; inline code inside Arabic had its marks moved ("()print").
  const image = await renderPixels(slideSpec({ width: WIDTH, height: HEIGHT }, {
    kind: "section",
    title: "React",
    bullets: ["ספרייה לבניית ממשקים", "פותחה על ידי Meta"],
  }));
  assert.ok(boundingBox(image, accent)!.left > WIDTH / 2, "the bar and the markers on the right");
  const { layout } = await fitSlide({
    width: WIDTH,
    height: HEIGHT,
    kind: "section",
    title: "لغات البرمجة",
    bullets: ["Python لغة برمجة سهلة.", "استدع `print()` هنا."],
  });
  const line = (first: string) => {
    const y = layout.runs.find((run) => run.text.includes(first))!.y;
    return layout.runs.filter((run) => run.y === y).sort((a, b) => a.x - b.x).map((run) => run.text);
  };
  assert.deepEqual(line("Python"), ["لغة برمجة سهلة.", " ", "Python"]);
  assert.deepEqual(line("print"), ["هنا.", " ", "print()", " ", "استدع"]);
});

Deno.test("an emoji joined by a zero-width joiner beside an Arabic word is no letter of it", async () => {
  // rv19: the emoji joined the word, whose letters were then looked for in the emoji's font and named missing.
  const spec = slideSpec({ width: WIDTH, height: HEIGHT }, {
    kind: "section",
    title: "",
    bullets: ["شكرا👨‍👩‍👧 جدا"],
  });
  const { fonts, fit } = await fitSlide(spec);
  assert.deepEqual(fit.warnings, []);
  const pieces = fonts.faces.sans.runs("شكرا👨‍👩‍👧 جدا", 20);
  assert.equal(pieces.find((piece) => piece.text.startsWith("شكرا"))?.family, null, JSON.stringify(pieces));
});

Deno.test("a piece of an Urdu word cut to fit is drawn in the word's font", async () => {
  // rv19: a word cut between lines was looked up by its pieces, found in no font and drawn in DejaVu, its ہ missing.
  const word = "شکریہ".repeat(40);
  const { layout, fonts } = await fitSlide({
    width: 320,
    height: 180,
    kind: "section",
    title: "",
    bullets: [word],
  });
  assert.ok(layout.runs.length > 1, "the word is cut");
  for (const run of layout.runs) {
    const pieces = fonts.faces[run.style.face].runs(run.text, run.size);
    assert.ok(pieces.every((piece) => /^Noto /.test(piece.family ?? "")), JSON.stringify(pieces));
  }
});

Deno.test("a fallback font opentype.js cannot shape measures by its advances, not failing the slide", async () => {
  // rv19: with Noto Nastaliq Urdu the only fallback (REEL_FONT_DIR), measuring threw "lookupType: 5 - substFormat: 1
  // is not yet supported" and the render failed; rv20: a "۔" it shapes alone, before the word, let it through. Its
  // own process: the fonts' folders are read once a process.
  const dir = await Deno.makeTempDir();
  try {
    for (
      const file of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"]
    ) {
      await Deno.symlink(`/usr/share/fonts/truetype/dejavu/${file}`, `${dir}/${file}`);
    }
    await Deno.symlink("/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf", `${dir}/Nastaliq.ttf`);
    const module = new URL("../../../../../lib/providers/local/slides/_fit_slide.ts", import.meta.url).href;
    const script = `const { fitSlide } = await import(${JSON.stringify(module)});
const spec = { width: 640, height: 360, kind: "section", title: "", bullets: ["۔ شکریہ"] };
const { layout, fonts } = await fitSlide(spec);
const [run] = layout.runs;
console.log(JSON.stringify(fonts.faces.sans.runs(run.text, run.size)));`;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", script],
      env: { REEL_FONT_DIR: dir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const pieces = JSON.parse(new TextDecoder().decode(stdout));
    assert.match(pieces[0].family, /Nastaliq/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
