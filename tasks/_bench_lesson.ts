/**
 * The benchmark's lesson: its text, written once as files every pipeline reads (sections/NN.title, NN.bullets,
 * NN.txt and formats.txt, the hand-written pipelines' input) and as reel's workflow file with the same content.
 * @module
 */

const SENTENCES = [
  "Light from the sun reaches the leaves of a plant and gives it the energy it needs to grow.",
  "Inside each leaf, tiny green parts called chloroplasts catch that light and start a chain of reactions.",
  "Water travels up from the roots through narrow tubes, while carbon dioxide enters through small pores.",
  "The plant joins water and carbon dioxide together and builds sugar, which stores the energy of the light.",
  "Oxygen is left over from this work, and the leaves release it into the air for us to breathe.",
  "Some of the sugar is used at once, and the rest is stored in roots, fruits and seeds for later.",
];

/** What the benchmark renders. */
export const LESSON_BENCH = {
  sections: 12,
  words: 45,
  scalingWords: 20,
  formats: [
    { name: "16x9", width: 1920, height: 1080 },
    { name: "9x16", width: 1080, height: 1920 },
    { name: "1x1", width: 1080, height: 1080 },
  ],
  scalingFormats: ["320x180", "180x320"],
} as const;

/**
 * About `count` words of narration for a section, ending with a full stop. It opens with the section's number: the
 * sentences repeat every six sections, and a narration said twice would be spoken once by reel (its key) but twice
 * by the hand-written pipelines, which is not equal work.
 */
function narration(section: number, count: number): string {
  const words = ["Step", `${section + 1}.`];
  for (let i = 0; words.length < count; i++) {
    words.push(...SENTENCES[(section + i) % SENTENCES.length]!.split(" "));
  }
  return `${words.slice(0, count).join(" ").replace(/[,.]?$/, ".")}`;
}

/**
 * Writes the lesson's inputs into `dir`: the text files and reel's workflow file (`lesson.ts`).
 *
 * @param dir A folder (made if missing).
 * @param options For the scaling table: that many videos of short sections in small formats, workflow file only.
 * @returns The workflow file's path.
 */
export async function writeLessonInputs(
  dir: string,
  options: { videos?: number; scaling?: boolean } = {},
): Promise<string> {
  const { videos = 1, scaling = false } = options;
  await Deno.mkdir(`${dir}/sections`, { recursive: true });
  const sections = Array.from({ length: LESSON_BENCH.sections }, (_, i) => ({
    id: `s${String(i + 1).padStart(2, "0")}`,
    title: `Step ${i + 1} of photosynthesis`,
    bullets: ["Light gives energy", "Water and carbon dioxide", "Sugar and oxygen"],
    narration: narration(i, scaling ? LESSON_BENCH.scalingWords : LESSON_BENCH.words),
  }));
  if (!scaling) {
    for (const [i, section] of sections.entries()) {
      const n = String(i + 1).padStart(2, "0");
      await Deno.writeTextFile(`${dir}/sections/${n}.title`, section.title);
      await Deno.writeTextFile(`${dir}/sections/${n}.bullets`, section.bullets.join("\n"));
      await Deno.writeTextFile(`${dir}/sections/${n}.txt`, section.narration);
    }
    const formats = LESSON_BENCH.formats.map((f) => `${f.name} ${f.width} ${f.height}`).join("\n");
    await Deno.writeTextFile(`${dir}/formats.txt`, `${formats}\n`);
  }
  const workflow = {
    formats: scaling
      ? LESSON_BENCH.scalingFormats
      // The presets, so that the videos are named as the baselines name theirs (`lesson.16x9.mp4`).
      : LESSON_BENCH.formats.map((f) => f.name.replace("x", ":")),
    voice: { provider: "espeak", voice: "en-us", rate: 165 },
    // The hand-written baselines make no title card and leave the narration's level as it is: equal work
    // (`deno task bench:sound` measures loudness on its own).
    titleCard: false,
    loudness: false,
    videos: Array.from({ length: videos }, (_, v) => ({
      id: videos === 1 ? "lesson" : `lesson-${v + 1}`,
      // Each video's slides and narrations differ, so none is shared between videos by its key: every row of the
      // scaling table does the same work per section. The pipelines' lesson is the text files' lesson as it is.
      sections: scaling
        ? sections.map((section) => ({
          ...section,
          title: `${section.title}, part ${v + 1}`,
          narration: `${section.narration} Part ${v + 1}.`,
        }))
        : sections,
    })),
  };
  const file = `${dir}/lesson.ts`;
  const mod = new URL("../mod.ts", import.meta.url).pathname;
  await Deno.writeTextFile(
    file,
    `import { workflow } from "${mod}";\nexport default workflow(${JSON.stringify(workflow)});\n`,
  );
  // The same lesson with a half-second fade across every join: what transitions cost.
  await Deno.writeTextFile(
    `${dir}/lesson-fade.ts`,
    `import { workflow } from "${mod}";\nexport default workflow(${
      JSON.stringify({ ...workflow, transition: "fade" })
    });\n`,
  );
  return file;
}
