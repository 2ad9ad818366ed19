/**
 * The ASS script written for burning captions, read back as libass reads it: the style's font size, outline and
 * margins are those `captionPlacement` gives each format; each cue is one event with its lines and times, burned
 * in its own direction.
 */
import assert from "node:assert/strict";
import { type AssOptions, formatAss } from "../../../lib/media/ass_subtitles.ts";
import { captionFont } from "../../../lib/media/caption_font.ts";
import { captionPlacement, DEFAULT_CAPTION_STYLE } from "../../../lib/media/caption_placement.ts";
import { escapeFilterOption } from "../../../lib/media/escape_filter_option.ts";
import { joiningWordFonts } from "../../../lib/providers/local/slides/font_for_text.ts";
import { inkStartAtEnds } from "../../_support/media.ts";

/** A script's sections: for each, its `Key: value` lines ("Format" lines name the fields of the others). */
function parseAss(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] = [];
  for (const line of text.split("\n")) {
    const header = line.match(/^\[(.+)\]$/);
    if (header) sections.set(header[1]!, current = []);
    else if (line.includes(": ")) {
      const at = line.indexOf(": ");
      current.push([line.slice(0, at), line.slice(at + 2)]);
    }
  }
  return sections;
}

/** The records of one kind in a section, as objects keyed by its Format line's fields. */
function records(section: [string, string][], kind: string): Record<string, string>[] {
  const fields = section.find(([key]) => key === "Format")![1].split(",").map((field) => field.trim());
  return section.filter(([key]) => key === kind).map(([, value]) => {
    const parts = value.split(",");
    // The last field (Text) may hold commas.
    const head = parts.slice(0, fields.length - 1);
    return Object.fromEntries([...head.map((part, i) => [fields[i]!, part]), [
      fields[fields.length - 1]!,
      parts.slice(fields.length - 1).join(","),
    ]]);
  });
}

const FORMATS = [
  { width: 1920, height: 1080 },
  { width: 1080, height: 1080 },
  { width: 1080, height: 1920 },
  { width: 64, height: 36 },
];

Deno.test("formatAss(): the style's size, outline and margins are the format's placement", () => {
  for (const frame of FORMATS) {
    const ass = parseAss(formatAss([], { ...frame, style: DEFAULT_CAPTION_STYLE, maxLineLength: 42 }));
    const info = Object.fromEntries(ass.get("Script Info")!);
    assert.equal(info.PlayResX, String(frame.width));
    assert.equal(info.PlayResY, String(frame.height));
    const [style] = records(ass.get("V4+ Styles")!, "Style");
    const place = captionPlacement(frame, { style: DEFAULT_CAPTION_STYLE, maxLineLength: 42 });
    assert.equal(style!.Name, "Caption");
    assert.equal(style!.Fontname, "DejaVu Sans");
    assert.equal(Number(style!.Fontsize), place.fontSize);
    assert.equal(Number(style!.Outline), place.outline);
    assert.equal(Number(style!.MarginL), place.side);
    assert.equal(Number(style!.MarginR), place.side);
    assert.equal(Number(style!.MarginV), place.bottom);
    assert.equal(style!.Alignment, "2"); // bottom centre
    assert.equal(style!.BorderStyle, "1"); // outline
  }
});

Deno.test("formatAss(): a 9:16 frame lifts captions above the apps' bottom band; 16:9 keeps them near the bottom", () => {
  const margin = (frame: { width: number; height: number }) => {
    const ass = parseAss(formatAss([], { ...frame, style: DEFAULT_CAPTION_STYLE, maxLineLength: 42 }));
    return Number(records(ass.get("V4+ Styles")!, "Style")[0]!.MarginV) / frame.height;
  };
  assert.ok(margin({ width: 1080, height: 1920 }) >= 0.2);
  assert.ok(margin({ width: 1920, height: 1080 }) < 0.1);
});

Deno.test("formatAss(): a full line of 42 characters fits between the side margins of a portrait frame", () => {
  const frame = { width: 1080, height: 1920 };
  const place = captionPlacement(frame, {
    style: { ...DEFAULT_CAPTION_STYLE, size: 0.12 },
    maxLineLength: 42,
  });
  // DejaVu Sans' widest mixed-case text averages about 0.52 of the font size a character.
  assert.ok(42 * 0.52 * place.fontSize <= frame.width - 2 * place.side);
  assert.ok(place.fontSize < 0.12 * frame.height);
});

Deno.test("formatAss(): colours in &HAABBGGRR, a box as border style 3", () => {
  const style = { size: 0.05, color: "#ff8000", outline: "#102030", box: true };
  const ass = parseAss(formatAss([], { width: 640, height: 360, style, maxLineLength: 42 }));
  const caption = records(ass.get("V4+ Styles")!, "Style")[0]!;
  assert.equal(caption.PrimaryColour, "&H000080FF");
  assert.equal(caption.OutlineColour, "&H40302010");
  assert.equal(caption.BorderStyle, "3");
});

Deno.test("formatAss(): one event per cue with its times and lines, markup made literal", () => {
  const cues = [
    { start: 0.2, end: 2.345, text: "Hello, world,\nand welcome." },
    { start: 3661.5, end: 3663, text: "{\\b1}bold{\\b0} \\N" },
  ];
  const ass = parseAss(
    formatAss(cues, { width: 64, height: 36, style: DEFAULT_CAPTION_STYLE, maxLineLength: 42 }),
  );
  const events = records(ass.get("Events")!, "Dialogue");
  assert.deepEqual(events.map((event) => [event.Start, event.End, event.Style, event.Text]), [
    ["0:00:00.20", "0:00:02.35", "Caption", "Hello, world,\\Nand welcome."],
    ["1:01:01.50", "1:01:03.00", "Caption", "(⧵b1)bold(⧵b0) ⧵N"],
  ]);
});

/** The script's one cue burned by libass (ffmpeg's `subtitles`) on a black 640x360 frame: its grey pixels. */
async function burnedCue(
  text: string,
  options: Partial<AssOptions> = {},
): Promise<{ width: number; lit: (x: number, y: number) => boolean; frame: Uint8Array }> {
  const { width = 640, height = 360 } = options;
  const font = await captionFont();
  assert.ok(font !== null, "DejaVu Sans is installed");
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/cue.ass`;
    await Deno.writeTextFile(
      script,
      formatAss([{ start: 0, end: 1, text }], {
        width,
        height,
        style: DEFAULT_CAPTION_STYLE,
        maxLineLength: 42,
        ...options,
      }),
    );
    const fontsDir = font.path.slice(0, font.path.lastIndexOf("/"));
    const { code, stdout, stderr } = await new Deno.Command("ffmpeg", {
      args: [
        ...["-v", "error", "-f", "lavfi", "-i", `color=c=black:s=${width}x${height}:d=0.5`],
        ...[
          "-vf",
          `subtitles=filename=${escapeFilterOption(script)}:fontsdir=${escapeFilterOption(fontsDir)}`,
        ],
        ...["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    return { width, lit: (x, y) => stdout[y * width + x]! > 128, frame: stdout };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Where the ink of a burned cue of one line starts at its ends (see {@linkcode inkStartAtEnds}). */
async function endsOfCue(text: string): Promise<{ left: number; right: number }> {
  const { width, lit } = await burnedCue(text);
  return inkStartAtEnds(lit, { x: 0, y: 0, width, height: 360 });
}

Deno.test("formatAss(): libass sets a Hebrew or Arabic cue right to left, its dots at the left end", async () => {
  // Words with no letter reaching below the line, closed by dots: where the dots are, the ink starts low.
  // nw2: a cue opening with an English name is Hebrew still.
  for (const text of ["אוויר חם........", "ثلاث كلمات........", "Python שפה טובה........"]) {
    const ends = await endsOfCue(text);
    assert.ok(ends.left > 0.6 && ends.right < 0.4, `${text}: ${JSON.stringify(ends)}`);
  }
  const english = await endsOfCue("Hot air........");
  assert.ok(english.right > 0.6 && english.left < 0.4, JSON.stringify(english));
});

Deno.test("formatAss(): a word of joining letters the font lacks is drawn whole, as large, in order", async () => {
  // nw2: libass looked for a font for each letter DejaVu Sans lacks apart, and drew Urdu's ہ and ے as boxes. nw3:
  // drawn in Noto Sans Arabic, such a word was half as large, and its line's words out of order.
  const font = (await captionFont())!.path;
  const line = "And یہ کتاب means";
  const wordFonts = await joiningWordFonts([line], font);
  assert.deepEqual([...wordFonts.keys()], ["یہ"]);
  assert.ok(wordFonts.get("یہ")!.scale > 1.5, JSON.stringify(wordFonts.get("یہ")));
  // Its words, at 1280x720, apart where the ink leaves a gap of a space (12 px at this size; letters stand closer).
  const size = { width: 1280, height: 720 };
  const words = async (options: Partial<AssOptions>) => {
    const { lit } = await burnedCue(line, { ...size, ...options });
    const inked = Array.from({ length: size.width }, (_, x) => {
      const column = Array.from({ length: size.height }, (_, y) => y).filter((y) => lit(x, y));
      return column.length === 0 ? null : { top: Math.min(...column), bottom: Math.max(...column) };
    });
    const blobs: { left: number; right: number; top: number; bottom: number }[] = [];
    let blank = Infinity;
    for (const [x, ink] of inked.entries()) {
      if (ink === null) {
        blank++;
        continue;
      }
      const last = blobs.at(-1);
      if (last !== undefined && blank < 9) {
        Object.assign(last, {
          right: x,
          top: Math.min(last.top, ink.top),
          bottom: Math.max(last.bottom, ink.bottom),
        });
      } else blobs.push({ left: x, right: x, ...ink });
      blank = 0;
    }
    return blobs;
  };
  const drawn = await words({ wordFonts });
  assert.equal(drawn.length, 4, JSON.stringify(drawn));
  // Left to right: "And", then the Urdu read from the right ("کتاب", then "یہ"), then "means".
  const [, book, it] = drawn;
  assert.ok(book!.right - book!.left > 1.5 * (it!.right - it!.left), JSON.stringify(drawn));
  // "یہ" (no tall letter) over half as tall as "کتاب" (its ک and ا tall), where it was a third.
  const height = (blob: typeof book) => blob!.bottom - blob!.top;
  assert.ok(height(it) > 0.5 * height(book), JSON.stringify(drawn));
  // Without its font named, the word is drawn otherwise (its ہ a box).
  assert.notDeepEqual(
    (await burnedCue(line, size)).frame,
    (await burnedCue(line, { ...size, wordFonts })).frame,
  );
});
