/**
 * A lesson's slide fields through the whole resolution: themes, code, pictures with Ken Burns, cards, and clear
 * messages at their paths for what is wrong.
 */
import assert from "node:assert/strict";
import { WorkflowError } from "../../../../lib/core/errors.ts";
import { SLIDE_THEMES } from "../../../../lib/providers/local/slides/slide_themes.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const section = { title: "T", narration: "N" };

async function folderWithPicture(): Promise<{ dir: string; where: { file: string; moduleUrl: string } }> {
  const dir = await tempDir();
  const ffmpeg = new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", `${dir}/red.png`],
  });
  assert.equal((await ffmpeg.output()).code, 0);
  return { dir, where: { file: "lesson.ts", moduleUrl: `file://${dir}/lesson.ts` } };
}

async function lessonOf(value: unknown, where = { file: "lesson.ts", moduleUrl: "file:///work/lesson.ts" }) {
  return (await resolveWorkflow(value, where)).jobs.lesson!;
}

async function issuesOf(value: unknown, where = { file: "lesson.ts", moduleUrl: "file:///work/lesson.ts" }) {
  try {
    await resolveWorkflow(value, where);
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    return [...error.issues];
  }
  throw new Error("expected a WorkflowError");
}

Deno.test("themes: dark by default, a built-in by name, fields over a built-in", async () => {
  const videos = [{ id: "a", sections: [section] }];
  assert.deepEqual((await lessonOf({ videos })).theme, { name: "dark", ...SLIDE_THEMES.dark });
  assert.deepEqual((await lessonOf({ videos, theme: "chalk" })).theme, {
    name: "chalk",
    ...SLIDE_THEMES.chalk,
  });
  const custom = await lessonOf({ videos, theme: { name: "light", accent: "#ff0000", textScale: 1.2 } });
  assert.deepEqual(custom.theme, { ...SLIDE_THEMES.light, name: "light", accent: "#ff0000", textScale: 1.2 });
  // The old colour keys alone still work, over the dark theme; a section's background follows the theme.
  const colours = await lessonOf({ videos, theme: { background: "#000000" } });
  assert.equal(colours.theme.foreground, SLIDE_THEMES.dark.foreground);
  assert.equal(colours.videos[0]!.sections[0]!.background.color, "#000000");
});

Deno.test("themes: a bad name, colour or text scale is named at its path", async () => {
  const videos = [{ id: "a", sections: [section] }];
  assert.deepEqual(await issuesOf({ videos, theme: "blue" }), [
    {
      path: "theme",
      message: 'Expected "dark", "light", "chalk" or a theme\'s fields ({ background, ... })',
    },
  ]);
  assert.deepEqual(
    await issuesOf({ videos, theme: { name: "neon", codeBackground: "black", textScale: 5 } }),
    [
      { path: "theme.name", message: 'Expected "dark", "light" or "chalk"' },
      { path: "theme.codeBackground", message: "Expected a colour like #1e3a5f" },
      { path: "theme.textScale", message: "Expected a text scale from 0.5 to 2, got 5" },
    ],
  );
});

Deno.test("code: resolved with its language, text kept as written; empty code is refused", async () => {
  const text = "def f():\n    return 1\n";
  const lesson = await lessonOf({
    videos: [{ id: "a", sections: [{ ...section, code: { language: "py", text } }] }],
  });
  assert.deepEqual(lesson.videos[0]!.sections[0]!.code, { language: "py", text });
  assert.equal(lesson.videos[0]!.sections[0]!.picture, null);
  assert.deepEqual(
    await issuesOf({ videos: [{ id: "a", sections: [{ ...section, code: { text: " \n " } }] }] }),
    [
      { path: "videos[0].sections[0].code.text", message: "Code text must not be empty" },
    ],
  );
});

Deno.test("pictures: the file read and digested, defaults filled, Ken Burns resolved to start and end views", async () => {
  const { dir, where } = await folderWithPicture();
  const lesson = await lessonOf({
    videos: [{
      id: "a",
      sections: [
        { ...section, picture: { file: "red.png" } },
        { ...section, picture: { file: "red.png", fit: "cover", caption: false, kenBurns: true } },
        { ...section, picture: { file: "red.png", kenBurns: { zoom: 1.25, direction: "left" } } },
      ],
    }],
  }, where);
  const [plain, pushed, panned] = lesson.videos[0]!.sections.map((s) => s.picture!);
  assert.equal(plain!.path, `${dir}/red.png`);
  assert.match(plain!.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual({ ...plain, path: "", sha256: "" }, {
    path: "",
    sha256: "",
    fit: "contain",
    caption: true,
    kenBurns: null,
  });
  assert.deepEqual(pushed!.kenBurns, {
    zoom: 1.1,
    direction: "in",
    from: { zoom: 1, x: 0.5, y: 0.5 },
    to: { zoom: 1.1, x: 0.5, y: 0.5 },
  });
  assert.equal(pushed!.fit, "cover");
  assert.equal(pushed!.caption, false);
  // Panning left at 1.25: the view's centre moves from the right edge (1 − 0.4) to the left (0.4).
  assert.deepEqual(panned!.kenBurns, {
    zoom: 1.25,
    direction: "left",
    from: { zoom: 1.25, x: 0.6, y: 0.5 },
    to: { zoom: 1.25, x: 0.4, y: 0.5 },
  });
});

Deno.test("pictures: a missing file, a bad fit or zoom, and a generated image given a file are named clearly", async () => {
  const { dir, where } = await folderWithPicture();
  const issues = await issuesOf({
    videos: [{
      id: "a",
      sections: [
        { ...section, picture: { file: "missing.png" } },
        {
          ...section,
          picture: { file: "red.png", fit: "stretch", kenBurns: { zoom: 3, direction: "sideways" } },
        },
        { ...section, image: { file: "red.png" } },
        { ...section, picture: { provider: "openai", file: "red.png" } },
        // A generated image's fields given as a picture: its file is not said missing either.
        { ...section, picture: { provider: "openai", prompt: "rain" } },
      ],
    }],
  }, where);
  assert.deepEqual(issues, [
    {
      path: "videos[0].sections[1].picture.fit",
      message: 'Expected "cover" (fill the frame) or "contain" (show it whole)',
    },
    {
      path: "videos[0].sections[1].picture.kenBurns.zoom",
      message: "Expected a zoom from 1.01 to 2 (1.1 is a slow push), got 3",
    },
    {
      path: "videos[0].sections[1].picture.kenBurns.direction",
      message: 'Expected "in", "out", "left", "right", "up" or "down"',
    },
    {
      path: "videos[0].sections[2].image.file",
      message:
        "image is generated by a provider ({ provider, prompt }); show a local image file with picture: " +
        "{ file, fit }, or behind the slide with background: { image }",
    },
    // Not also its provider and prompt "missing": the file was meant for a picture (before, three issues for one).
    {
      path: "videos[0].sections[3].picture.provider",
      message:
        "picture is a local image file ({ file, fit }); an image a provider generates goes in image: { provider, prompt }",
    },
    {
      path: "videos[0].sections[4].picture.provider",
      message:
        "picture is a local image file ({ file, fit }); an image a provider generates goes in image: { provider, prompt }",
    },
    { path: "videos[0].sections[4].picture", message: 'Unknown field "prompt"', field: "prompt" },
  ]);
  const missing = await issuesOf({
    videos: [{ id: "a", sections: [{ ...section, picture: { file: "missing.png" } }] }],
  }, where);
  // nt21: a file named as a section's image, which a provider draws, says where a file goes (before: "Expected an
  // object, got a string" alone).
  const named = await issuesOf(
    { videos: [{ id: "a", sections: [{ ...section, image: "red.png" }] }] },
    where,
  );
  assert.deepEqual(named, [{
    path: "videos[0].sections[0].image",
    message:
      "Expected an object, got a string: image is generated by a provider ({ provider, prompt }); show a " +
      "local image file with picture: { file, fit }, or behind the slide with background: { image }",
  }]);
  // The file too, which a watch waits for.
  assert.deepEqual(missing, [{
    path: "videos[0].sections[0].picture.file",
    message: `Image not found: ${dir}/missing.png`,
    file: `${dir}/missing.png`,
  }]);
});

Deno.test("a section may not combine a picture with bullets, code or a generated image", async () => {
  const { where } = await folderWithPicture();
  const providers = { api: { api: "openai", baseUrl: "http://127.0.0.1:9" } };
  const issues = await issuesOf({
    providers,
    videos: [{
      id: "a",
      sections: [
        { ...section, bullets: ["One"], code: { text: "x" }, picture: { file: "red.png" } },
        { ...section, picture: { file: "red.png" }, image: { provider: "api", prompt: "p" } },
        { ...section, code: { text: "x" }, image: { provider: "api", prompt: "p", as: "slide" } },
      ],
    }],
  }, where);
  assert.deepEqual(issues.map((issue) => issue.path), [
    "videos[0].sections[0].code",
    "videos[0].sections[0].bullets",
    "videos[0].sections[1].picture",
    "videos[0].sections[2].code",
  ]);
  assert.match(issues[0]!.message, /put the code in a section of its own/);
  assert.match(
    issues[2]!.message,
    /Give a picture \(a local file\) or an image \(generated by a provider\), not both/,
  );
});

Deno.test("cards: a title card by default, titled from the video or its id; end cards when asked", async () => {
  const lesson = await lessonOf({
    endCard: { text: "See you next time" },
    videos: [
      { id: "how-rain-forms", sections: [section] },
      {
        id: "b",
        title: "Clouds",
        sections: [section],
        titleCard: { subtitle: "Part 2", duration: 4 },
        endCard: false,
      },
      { id: "c", sections: [section], titleCard: false, endCard: { title: "Bye" } },
    ],
  });
  const [first, second, third] = lesson.videos;
  assert.deepEqual(first!.titleCard, { title: "How rain forms", subtitle: null, duration: 3 });
  assert.deepEqual(first!.endCard, { title: "Thanks for watching", text: "See you next time", duration: 3 });
  assert.deepEqual(second!.titleCard, { title: "Clouds", subtitle: "Part 2", duration: 4 });
  assert.equal(second!.endCard, null);
  assert.equal(third!.titleCard, null);
  assert.deepEqual(third!.endCard, { title: "Bye", text: "See you next time", duration: 3 });
  const none = await lessonOf({ titleCard: false, videos: [{ id: "a", sections: [section] }] });
  assert.equal(none.videos[0]!.titleCard, null);
  assert.equal(none.videos[0]!.endCard, null);
});

Deno.test("cards: a bad duration or an empty title is named at its path", async () => {
  assert.deepEqual(
    await issuesOf({
      videos: [{ id: "a", sections: [section], titleCard: { duration: 0 }, endCard: { title: " " } }],
    }),
    [
      { path: "videos[0].titleCard.duration", message: "Expected 0.5 to 30 seconds, got 0" },
      { path: "videos[0].endCard.title", message: "Title must not be empty" },
    ],
  );
});
