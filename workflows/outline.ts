/**
 * A lesson written as a markdown outline (outline.md: `# title`, `## sections`, `-` bullets, paragraphs as
 * narration), read when this file loads, plus a custom step that writes YouTube chapter markers (`0:00 Intro`)
 * from the video's narration: where each section starts, to the frame.
 *
 *   deno task render workflows/outline.ts
 *
 * writes out/how-the-moon-makes-tides.16x9.mp4 (and 9x16, 1x1), its subtitles, and
 * out/how-the-moon-makes-tides.chapters.txt to paste into the video's description. Edit outline.md and render
 * again: only the sections you changed are spoken and drawn again.
 */
import { parseOutline, step, workflow } from "../mod.ts";

const outline = parseOutline(await Deno.readTextFile(new URL("outline.md", import.meta.url)), "outline.md");
const video = outline.id;

/** `m:ss`, or `h:mm:ss` from an hour on, as YouTube reads chapter times. */
function timestamp(seconds: number): string {
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export default workflow({
  name: "outline",
  formats: ["16:9", "9:16", "1:1"],
  theme: { background: "#16324f", foreground: "#ffffff", accent: "#9ad1ff" },
  videos: [{ id: video, title: outline.title, sections: outline.sections }],
  steps: [
    step({
      id: "chapters",
      // The joined narration: `{ fps, frames, lead }`, how many frames each section lasts and the title card before.
      inputs: [`${video}/narration`],
      params: { titles: outline.sections.map((section) => section.title) },
      output: `${video}.chapters.txt`,
      run: async (inputs, { params, outputPath }) => {
        const { fps, frames, lead } = inputs[`${video}/narration`]!.value as {
          fps: number;
          frames: number[];
          lead: number;
        };
        const titles = params.titles as string[];
        if (frames.length !== titles.length) {
          throw new Error(`The narration has ${frames.length} sections, the outline ${titles.length}`);
        }
        // A chapter starts at its section's first frame, rounded down to the second (YouTube's precision); the
        // first at 0:00, as YouTube asks, with the title card in it.
        let start = lead;
        const chapters = titles.map((title, i) => {
          const line = `${timestamp(i === 0 ? 0 : Math.floor(start / fps))} ${title}`;
          start += frames[i]!;
          return line;
        });
        await Deno.writeTextFile(outputPath, `${chapters.join("\n")}\n`);
        return chapters;
      },
    }),
  ],
});
