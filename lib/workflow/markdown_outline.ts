/**
 * Reading a lesson from a markdown outline (workflows/outline.md is one): `# title`, then `## section` headings, each with
 * `-` bullets (its slide) and paragraphs (its narration). Text under the title, before the first section, is
 * the introduction. `parseOutline` is reel's (`import { parseOutline } from "reel"`); workflows/outline.ts uses it.
 * @module
 */

/** One section of an outline. */
export interface OutlineSection {
  /** A lowercase id made from the title (`two-bulges-two-tides`). */
  id: string;
  title: string;
  bullets: string[];
  /** The paragraphs, joined by spaces, their markup as written (a lesson says and captions it as its words). */
  narration: string;
}

/** A lesson read from an outline: its title, and its introduction as the first section. */
export interface Outline {
  /** A lowercase id made from the title. */
  id: string;
  title: string;
  sections: OutlineSection[];
}

/**
 * Reads an outline.
 *
 * @param markdown The outline's text.
 * @param source Its file's name, for messages (`outline.md line 7: …`). @default "the outline"
 * @returns The lesson's title and sections, the introduction first (with the lesson's title).
 * @throws {Error} When the outline has no `#` title, a heading has no title or is not `#` or `##`, or a section
 * (the introduction included) has no paragraph: the message names the file and the line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOutline } from "./markdown_outline.ts";
 * const outline = parseOutline("# Rain\n\nWater falls.\n\n## Clouds\n- Droplets\n\nClouds are droplets.\n");
 * assert.deepEqual(outline.sections.map((section) => section.id), ["intro", "clouds"]);
 * const alike = parseOutline("# Дождь\n\nRain.\n\n## Облака\n\nA.\n\n## Снег\n\nB.\n\n## Intro\n\nC.\n## Ağaç\n\nD.\n", "rain.md");
 * assert.deepEqual(alike.sections.map((section) => section.id), ["intro", "section", "section-2", "intro-2", "agac"]);
 * assert.throws(() => parseOutline("# Rain\n\nWater.\n\n##\nText.\n", "rain.md"), /rain\.md line 5: /);
 * assert.throws(() => parseOutline("# Rain\n\n## Clouds\nText.\n", "rain.md"), /line 1: the title "Rain" has no introduction/);
 * // Markup is kept (a lesson says it as its words, see `spoken_text.ts`); a numbered item is a bullet; a closing
 * // `#` is no part of a title.
 * const marked = parseOutline("# Rain #\n\nSee **this** in\n[the notes](http://x.org).\n1. One\n");
 * assert.equal(marked.title, "Rain");
 * assert.equal(marked.sections[0]!.narration, "See **this** in [the notes](http://x.org).");
 * assert.deepEqual(marked.sections[0]!.bullets, ["One"]);
 * assert.throws(() => parseOutline("# Rain\n\nWater.\n~~~\nx = 1\n~~~\n", "rain.md"), /line 4: a code block/);
 * assert.equal(parseOutline(`# ${"word ".repeat(40)}\n\nA.\n`).id.length <= 60, true);
 * ```
 */
export function parseOutline(markdown: string, source = "the outline"): Outline {
  let title: string | null = null;
  const sections: { title: string; line: number; bullets: string[]; paragraphs: string[][] }[] = [];
  let paragraph: string[] | null = null;
  const fail = (line: number, message: string) => new Error(`${source} line ${line}: ${message}`);
  for (const [index, raw] of markdown.split("\n").entries()) {
    const line = raw.trim();
    const number = index + 1;
    const current = sections.at(-1);
    // A closing run of `#` is no part of the title (nt15: `# Tides #` kept it).
    const heading = /^(#+)(?:\s+(.*?))?(?:\s+#+)?$/.exec(line);
    if (/^(```|~~~)/.test(line)) {
      // Code is not read aloud well, nor shown (nt15: a fenced block was spoken, its backticks in the captions).
      throw fail(number, "a code block is not narrated: leave it out, or say what it does in a paragraph");
    } else if (line === "") {
      paragraph = null;
    } else if (heading !== null) {
      const [, marks, text = ""] = heading;
      if (marks!.length > 2 || (marks!.length === 1 && title !== null)) {
        throw fail(number, `only one "# " title and "## " sections are read, not: ${line}`);
      }
      if (text.trim() === "") throw fail(number, `a heading with no title: ${line}`);
      if (marks!.length === 1) title = text.trim();
      else if (title === null) throw fail(number, `the outline must start with a "# " title, not: ${line}`);
      sections.push({ title: text.trim(), line: number, bullets: [], paragraphs: [] });
      paragraph = null;
    } else if (current === undefined) {
      throw fail(number, `the outline must start with a "# " title, not: ${line}`);
    } else if (/^(?:[-*+]|\d+[.)]) /.test(line)) {
      // A numbered item is a bullet too (nt15: it was narrated).
      current.bullets.push(line.replace(/^(?:[-*+]|\d+[.)]) /, "").trim());
      paragraph = null;
    } else {
      if (paragraph === null) current.paragraphs.push(paragraph = []);
      paragraph.push(line);
    }
  }
  if (title === null) throw new Error(`${source} has no "# " title`);
  const ids = new Set<string>();
  // Two titles may slug alike ("Clouds!" and "Clouds?", or two in another script): the later one gets -2, -3…
  const unique = (id: string) => {
    let taken = id;
    for (let n = 2; ids.has(taken); n++) taken = `${id}-${n}`;
    ids.add(taken);
    return taken;
  };
  return {
    id: slug(title),
    title,
    sections: sections.map((section, i) => {
      if (section.paragraphs.length === 0) {
        throw fail(
          section.line,
          i === 0
            ? `the title "${section.title}" has no introduction to narrate: write a paragraph under it`
            : `section "${section.title}" has no paragraph to narrate`,
        );
      }
      return {
        id: unique(i === 0 ? "intro" : slug(section.title)),
        title: section.title,
        bullets: section.bullets,
        narration: section.paragraphs.map((lines) => lines.join(" ")).join(" "),
      };
    }),
  };
}

/** The longest id made from a title: ids name output files, and one past 100 characters is refused. */
const SLUG_MAX = 60;

/**
 * An id from a title: its letters without their accents (`Ağaç` → `agac`), lower case, other runs `-`; a long
 * title's cut at a word (nt15: a long title made an id reel then refused, at a field the outline never wrote).
 */
function slug(text: string): string {
  const whole = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "") || "section";
  if (whole.length <= SLUG_MAX) return whole;
  const cut = whole.slice(0, SLUG_MAX + 1);
  return cut.slice(0, cut.lastIndexOf("-") > 0 ? cut.lastIndexOf("-") : SLUG_MAX);
}
