/**
 * Reading a lesson from a markdown outline (see outline.md): `# title`, then `## section` headings, each with
 * `-` bullets (its slide) and paragraphs (its narration). Text under the title, before the first section, is
 * the introduction. Used by workflows/outline.ts.
 * @module
 */

/** One section of an outline. */
export interface OutlineSection {
  /** A lowercase id made from the title (`two-bulges-two-tides`). */
  id: string;
  title: string;
  bullets: string[];
  /** The paragraphs, joined by spaces. */
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
 * @returns The lesson's title and sections, the introduction first (with the lesson's title).
 * @throws {Error} When the outline has no `#` title, or a section (the introduction included) has no paragraph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOutline } from "./markdown_outline.ts";
 * const outline = parseOutline("# Rain\n\nWater falls.\n\n## Clouds\n- Droplets\n\nClouds are droplets.\n");
 * assert.deepEqual(outline.sections.map((section) => section.id), ["intro", "clouds"]);
 * ```
 */
export function parseOutline(markdown: string): Outline {
  let title: string | null = null;
  const sections: { title: string; bullets: string[]; paragraphs: string[][] }[] = [];
  let paragraph: string[] | null = null;
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    const current = sections.at(-1);
    if (line === "") {
      paragraph = null;
    } else if (/^# /.test(line) && title === null) {
      title = line.slice(2).trim();
      sections.push({ title, bullets: [], paragraphs: [] });
    } else if (/^## /.test(line)) {
      sections.push({ title: line.slice(3).trim(), bullets: [], paragraphs: [] });
      paragraph = null;
    } else if (current === undefined) {
      throw new Error(`The outline must start with a "# " title, not: ${line}`);
    } else if (/^[-*] /.test(line)) {
      current.bullets.push(line.slice(2).trim());
      paragraph = null;
    } else {
      if (paragraph === null) current.paragraphs.push(paragraph = []);
      paragraph.push(line);
    }
  }
  if (title === null) throw new Error('The outline has no "# " title');
  return {
    id: slug(title),
    title,
    sections: sections.map((section, i) => {
      if (section.paragraphs.length === 0) {
        throw new Error(`Section "${section.title}" of the outline has no paragraph to narrate`);
      }
      return {
        id: i === 0 ? "intro" : slug(section.title),
        title: section.title,
        bullets: section.bullets,
        narration: section.paragraphs.map((lines) => lines.join(" ")).join(" "),
      };
    }),
  };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "section";
}
