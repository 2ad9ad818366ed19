import assert from "node:assert/strict";
import { InputError, WorkflowError } from "../../../lib/core/errors.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import { ID_MAX_LENGTH } from "../../../lib/schema/fields.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { writeWorkflowFile } from "../../_support/workflows.ts";

const where = { file: "workflows/lesson.ts", moduleUrl: "file:///work/workflows/lesson.ts" };

async function issuesOf(
  value: unknown,
  from: { file: string; moduleUrl: string } = where,
): Promise<{ path: string; message: string }[]> {
  try {
    await resolveWorkflow(value, from);
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    assert.equal(error.file, from.file);
    return [...error.issues];
  }
  throw new Error("expected a WorkflowError");
}

const section = { title: "T", narration: "N" };

Deno.test('resolveWorkflow() names the values a montage\'s layout may take (zod said only "Invalid input")', async () => {
  const issues = await issuesOf({ montages: [{ id: "m", layout: "grd", items: ["a.png"] }] });
  assert.deepEqual(issues, [{
    path: "montages[0].layout",
    message: 'Expected "grid" or "scroll" (did you mean "grid"?)',
  }]);
  // nt: a value no name is near is listed alone.
  assert.deepEqual(await issuesOf({ montages: [{ id: "m", layout: "mosaic", items: ["a.png"] }] }), [{
    path: "montages[0].layout",
    message: 'Expected "grid" or "scroll"',
  }]);
});

Deno.test("resolveWorkflow() refuses half of a character in a montage's caption, at its path", async () => {
  // rv: lessons' text was checked, a montage's caption (drawn by drawtext) not.
  const issues = await issuesOf({
    montages: [{ id: "m", layout: "grid", items: [{ file: "a.png", caption: "Rain \ud83c" }] }],
  });
  assert.deepEqual(issues, [{
    path: "montages[0].items[0].caption",
    message: "Caption holds half of a character (U+D83C, a surrogate without its pair)",
  }]);
});

Deno.test("resolveWorkflow() names a lesson voice's unknown provider or flite voice once, where it is written", async () => {
  // The section sets only its rate: before, the same mistake was named again at the section's voice.
  const rateOnly = { title: "T", narration: "Hello there.", voice: { rate: 150 } };
  const provider = await issuesOf({
    voice: { provider: "flit" },
    videos: [{ id: "a", sections: [rateOnly] }],
  });
  assert.deepEqual(provider.map((issue) => issue.path), ["voice.provider"]);
  const name = await issuesOf({
    voice: { provider: "flite", voice: "rmz" },
    videos: [{ id: "a", sections: [rateOnly] }],
  });
  assert.deepEqual(name.map((issue) => issue.path), ["voice.voice"]);
  // A section's own mistake is still named in the section.
  const own = await issuesOf({
    videos: [{ id: "a", sections: [{ ...rateOnly, voice: { provider: "flite", voice: "rmz" } }] }],
  });
  assert.deepEqual(own.map((issue) => issue.path), ["videos[0].sections[0].voice.voice"]);
});

Deno.test("resolveWorkflow() names a misspelled field with its path and a suggestion, once", async () => {
  // The required field it stands for is not reported missing besides: one mistake, one message.
  const issues = await issuesOf({
    videos: [{ id: "a", sections: [section, section, { title: "T", narraton: "typo" }] }],
  });
  assert.deepEqual(issues, [{
    path: "videos[0].sections[2]",
    message: 'Unknown field "narraton" (did you mean "narration"?)',
    field: "narraton",
  }]);
  // A required field missing for another reason is still named.
  const other = await issuesOf({
    videos: [{ id: "a", sections: [section, { title: "T", voicce: { rate: 1 } }] }],
  });
  assert.deepEqual(other.map((issue) => [issue.path, issue.message]), [
    ["videos[0].sections[1].narration", "Required field is missing"],
    ["videos[0].sections[1]", 'Unknown field "voicce" (did you mean "voice"?)'],
  ]);
});

Deno.test("resolveWorkflow() rejects shown text of invisible characters only, or holding control characters, at its path", async () => {
  // Before: a title of U+200B drew an empty slide, a narration of it made a silent third of a second, and BEL or
  // ESC went raw into the subtitles.
  const issues = await issuesOf({
    videos: [{
      id: "a",
      sections: [
        { title: "\u200b", narration: "N" },
        { title: "T", narration: "\u200b\u2060 \u200b" },
        { title: "T", narration: "Ring\u0007 the bell." },
        { title: "T", bullets: ["A", "\u001b[31mred"], narration: "N" },
        { title: "Tabs\tand\nlines are fine", narration: "So are accents: café, and 雨, and \u{1F327}." },
        { title: "x\ud800y", narration: "Rain \udc00 falls." },
      ],
    }],
  });
  assert.deepEqual(issues, [
    {
      path: "videos[0].sections[0].title",
      message: "Title must not be empty (it has only invisible characters)",
    },
    {
      path: "videos[0].sections[1].narration",
      message: "Narration must not be empty (it has only invisible characters)",
    },
    { path: "videos[0].sections[2].narration", message: "Narration holds a control character (U+0007)" },
    { path: "videos[0].sections[3].bullets[1]", message: "Bullet holds a control character (U+001B)" },
    {
      path: "videos[0].sections[5].title",
      message: "Title holds half of a character (U+D800, a surrogate without its pair)",
    },
    {
      path: "videos[0].sections[5].narration",
      message: "Narration holds half of a character (U+DC00, a surrogate without its pair)",
    },
  ]);
});

Deno.test("resolveWorkflow() rejects an empty narration at its path", async () => {
  const issues = await issuesOf({
    videos: [{ id: "a", sections: [section, { title: "T", narration: "   " }] }],
  });
  assert.deepEqual(issues, [{
    path: "videos[0].sections[1].narration",
    message: "Narration must not be empty",
  }]);
});

Deno.test("resolveWorkflow() says and captions a narration's markdown as its words, as slides read their text", async () => {
  const narrations = [
    "**Rain** falls on `roofs`: see [the notes](http://x.org), 2**8 and *args.",
    "Press * then 5 * 3 * 2.",
  ];
  const resolved = await resolveWorkflow({
    videos: [{ id: "a", sections: narrations.map((narration) => ({ title: "T", narration })) }],
  }, where);
  // Before: as written, the asterisks said by flite ("asterisk asterisk rain") and shown in the captions.
  assert.deepEqual(resolved.jobs.lesson!.videos[0]!.sections.map((section) => section.narration), [
    "Rain falls on roofs: see the notes, 2**8 and *args.",
    "Press * then 5 * 3 * 2.",
  ]);
  // Markup alone is nothing to say, and said so (rv40: marks around a link without words too).
  for (const narration of ["[](http://x.org)", "**[](x)**", "_[](x)_"]) {
    assert.deepEqual(await issuesOf({ videos: [{ id: "a", sections: [{ title: "T", narration }] }] }), [{
      path: "videos[0].sections[0].narration",
      message: "The narration has nothing to speak: markdown alone (a link without words, marks)",
    }]);
  }
  // Markup around nothing to say is still nothing to say.
  assert.deepEqual(
    await issuesOf({ videos: [{ id: "a", sections: [{ title: "T", narration: "**...**" }] }] }),
    [{
      path: "videos[0].sections[0].narration",
      message: "The narration has nothing to speak: only punctuation or symbols",
    }],
  );
});

Deno.test("resolveWorkflow() rejects a narration its voice would say nothing of; before, a silent flash of a section, exit 0", async () => {
  const espeak = { provider: "espeak", voice: "en-us" };
  const issues = await issuesOf({
    videos: [{
      id: "a",
      sections: [
        { title: "T", narration: "..." },
        { title: "T", narration: "?! — …", voice: espeak },
        { title: "T", narration: "Привет, как дела?" },
        { title: "T", narration: "🙂🙂🙂" },
        // Spoken: espeak-ng says Russian with its voice, and names emoji; flite says English around a foreign word.
        { title: "T", narration: "Привет, как дела?", voice: { provider: "espeak", voice: "ru" } },
        { title: "T", narration: "🙂", voice: espeak },
        { title: "T", narration: "The word 雨 means rain." },
        { title: "T", narration: "42" },
        { title: "T", narration: "שלום עולם" },
      ],
    }],
  });
  const nothing = "The narration has nothing to speak: only punctuation or symbols";
  assert.deepEqual(issues.map((issue) => [issue.path, issue.message.replace(/:.*/s, "")]), [
    ["videos[0].sections[0].narration", nothing.replace(/:.*/s, "")],
    ["videos[0].sections[1].narration", nothing.replace(/:.*/s, "")],
    [
      "videos[0].sections[2].narration",
      'flite speaks English only and would say nothing of this narration ("Привет"…)',
    ],
    ["videos[0].sections[3].narration", "flite speaks English only and would say nothing of this narration"],
    [
      "videos[0].sections[8].narration",
      'flite speaks English only and would say nothing of this narration ("שלום"…)',
    ],
  ]);
  assert.match(issues[2]!.message, /use an espeak voice of its language .*voice: "ru" }` for Russian/);
  // nt15: emoji alone, and Hebrew, were offered Russian.
  assert.match(issues[3]!.message, /use espeak, which names emoji \(`voice: \{ provider: "espeak" \}`\)/);
  assert.match(issues[4]!.message, /voice: "he"/);
});

Deno.test("resolveWorkflow() rejects a narration without a Latin letter for an espeak voice of a Latin-written language, which spells it", async () => {
  const said = (narration: string, voice: string) => ({
    title: "T",
    narration,
    voice: { provider: "espeak", voice },
  });
  const issues = await issuesOf({
    videos: [{
      id: "a",
      sections: [
        said("שלום עולם", "en-us"),
        said("Привет 42", "fr-fr"),
        // Spoken: the voice's own script, a foreign word among Latin ones, emoji, a voice of a Cyrillic language.
        said("Привет, как дела?", "ru"),
        said("The word 雨 means rain.", "en-us"),
        said("🙂", "en"),
        said("Привіт, світ", "uk"),
        // rv32: maths it reads ("pi equals three point one four", "alpha beta gamma").
        said("π = 3.14", "en-us"),
        said("αβγ, Δ = 5", "en-us+f3"),
        // A Greek word is spelled as any other; a script without a plain voice names none.
        said("Καλημέρα κόσμε", "en"),
        said("வணக்கம்", "en"),
        // A voice named with its family, and an mbrola voice of English: their language is read as the captions'.
        said("שלום", "gmw/en-US+f3"),
        said("שלום", "mb-en1"),
      ],
    }],
  });
  const spelled = (section: number, voice: string, word: string) => [
    `videos[0].sections[${section}].narration`,
    `espeak-ng's "${voice}" voice would spell this narration letter by letter ("${word}"…)`,
  ];
  assert.deepEqual(issues.map((issue) => [issue.path, issue.message.replace(/: use .*/s, "")]), [
    spelled(0, "en-us", "שלום"),
    spelled(1, "fr-fr", "Привет"),
    spelled(8, "en", "Καλημέρα"),
    spelled(9, "en", "வணக்கம்"),
    spelled(10, "gmw/en-us+f3", "שלום"),
    spelled(11, "mb-en1", "שלום"),
  ]);
  assert.match(issues[2]!.message, /voice: "el" \}`; `espeak-ng --voices` lists them\)/);
  assert.match(
    issues[3]!.message,
    /: use an espeak voice of its language \(`espeak-ng --voices` lists them\) or an API voice$/,
  );
  assert.match(
    issues[0]!.message,
    /use an espeak voice of its language \(`voice: \{ provider: "espeak", voice: "he" \}`;/,
  );
  assert.match(issues[1]!.message, /voice: "ru" \}` for Russian;/);
});

Deno.test("resolveWorkflow() rejects bad formats, colours, limits and duplicate ids", async () => {
  const issues = await issuesOf({
    formats: ["4:3", "321x181"],
    limits: { videos: 0 },
    videos: [{ id: "a", sections: [{ ...section, background: "red" }] }, { id: "a", sections: [section] }],
  });
  const paths = issues.map((issue) => issue.path);
  assert.ok(paths.includes("formats[0]"), paths.join());
  assert.ok(paths.includes("limits.videos"), paths.join());
  assert.ok(paths.some((path) => path.startsWith("videos[0].sections[0].background")), paths.join());
  // nt2: an odd size was found after the fields' problems were fixed (`fps: 29.97` hid it); it is said with them.
  const second = await issuesOf({
    formats: ["321x181", { name: "odd", width: 90, height: 161 }],
    fps: 29.97,
    videos: [{ id: "a", sections: [section] }],
  });
  assert.deepEqual(second.map((issue) => issue.path).sort(), ["formats[0]", "formats[1]", "fps"]);
  assert.deepEqual(second.filter((issue) => issue.path.startsWith("formats")).map((issue) => issue.message), [
    "Width and height must be even (got 321x181)",
    "Width and height must be even (got 90x161)",
  ]);
});

Deno.test("resolveWorkflow() fills every default once", async () => {
  const resolved = await resolveWorkflow({ videos: [{ id: "a", sections: [section] }] }, {
    ...where,
    cores: 3,
  });
  assert.deepEqual(resolved.jobs.lesson!.formats.map((format) => format.name), ["16x9", "9x16", "1x1"]);
  assert.equal(resolved.limits.workers, 3);
  assert.equal(resolved.jobs.lesson!.videos[0]!.sections[0]!.id, "s1");
  assert.deepEqual(resolved.jobs.lesson!.videos[0]!.sections[0]!.bullets, []);
  assert.equal(resolved.jobs.lesson!.videos[0]!.sections[0]!.background.image, null);
  assert.equal(resolved.name, "lesson");
});

Deno.test("loadWorkflow() reports a file that throws on import with its name", async () => {
  const file = await writeWorkflowFile('throw new Error("boom at import");');
  await assert.rejects(loadWorkflow(file), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.file, file);
    assert.match(error.message, /Importing the file threw: .*boom at import/);
    return true;
  });
});

Deno.test("loadWorkflow() tells once when a workflow's code is slow to load, and not when it loads in time", async () => {
  // Its top-level await settles when the test says so: the notice must come while it waits. The gate is a
  // promise set before loading (not an event), so a module that starts evaluating late, under load, still sees
  // the release the test gave before it got there.
  const gate = Promise.withResolvers<void>();
  Object.assign(globalThis, { reelSlowWorkflowGate: gate.promise });
  const file = await writeWorkflowFile(
    "await (globalThis as unknown as { reelSlowWorkflowGate: Promise<void> }).reelSlowWorkflowGate;\n" +
      'export default workflow({ videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] });',
  );
  const notices: string[] = [];
  const told = Promise.withResolvers<void>();
  const loading = loadWorkflow(file, {
    slowAfterMs: 20,
    onSlow: (message) => {
      notices.push(message);
      told.resolve();
    },
  });
  await told.promise;
  gate.resolve();
  assert.equal((await loading).jobs.lesson?.videos.length, 1);
  assert.deepEqual(notices, [
    `Still loading ${file} after 0 s: its imports or its code are still loading (a top-level await that waits for something?); Ctrl-C stops`,
  ]);
  // A workflow that loads at once is not told about.
  const quick: string[] = [];
  await loadWorkflow("workflows/lesson.ts", {
    slowAfterMs: 60_000,
    onSlow: (message) => quick.push(message),
  });
  assert.deepEqual(quick, []);
});

Deno.test("loadWorkflow() reports a missing default export and a missing file", async () => {
  const file = await writeWorkflowFile("export const notDefault = 1;");
  await assert.rejects(loadWorkflow(file), /no default export/);
  await assert.rejects(loadWorkflow(`${file}.missing.ts`), /Workflow file not found/);
  // A file that is no workflow at all: named as such, not with Deno's words at a line of reel's loader.
  await assert.rejects(loadWorkflow("README.md"), (error: unknown) => {
    assert.ok(error instanceof InputError && !(error instanceof WorkflowError));
    assert.equal(
      error.message,
      "README.md is not a workflow file: reel reads .ts, .js, .json, .yaml and .yml workflows",
    );
    // nt9: the hint named the repository's example, and an outline not at all.
    assert.match(error.hint ?? "", /parseOutline/);
    return true;
  });
  await assert.rejects(loadWorkflow("deno.lock"), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.hint ?? "", /^Give a workflow file: a \.ts module whose default export is workflow/);
    return true;
  });
  // nt22: a file without an extension was imported as JavaScript ("hi is not defined").
  const bare = `${file.slice(0, file.lastIndexOf("/"))}/afile`;
  await Deno.writeTextFile(bare, "hi\n");
  await assert.rejects(loadWorkflow(bare), (error: unknown) => {
    assert.ok(error instanceof InputError && !(error instanceof WorkflowError), String(error));
    assert.equal(
      error.message,
      `${bare} is not a workflow file: reel reads .ts, .js, .json, .yaml and .yml workflows`,
    );
    return true;
  });
});

Deno.test("resolveWorkflow() names the expected type and the type it got, and still calls a missing field missing", async () => {
  const issues = await issuesOf({
    videos: [{
      id: "a",
      sections: [
        section,
        { title: 5, narration: "N" },
        { title: null, narration: ["N"] },
        { title: "T", narration: "N", bullets: "one", background: true },
        { title: "T", narration: {}, voice: { rate: 1.5 } },
        { title: "T" },
      ],
    }],
  });
  assert.deepEqual(issues, [
    { path: "videos[0].sections[1].title", message: "Expected a string, got a number" },
    { path: "videos[0].sections[2].title", message: "Expected a string, got null" },
    { path: "videos[0].sections[2].narration", message: "Expected a string, got an array" },
    {
      path: "videos[0].sections[3].bullets",
      message: 'Expected an array, got a string: write a list, such as ["one"]',
    },
    { path: "videos[0].sections[3].background", message: "Expected a string or an object, got a boolean" },
    { path: "videos[0].sections[4].narration", message: "Expected a string, got an object" },
    { path: "videos[0].sections[4].voice.rate", message: "Expected a whole number, got 1.5" },
    { path: "videos[0].sections[5].narration", message: "Required field is missing" },
  ]);
});

Deno.test("resolveWorkflow() reports a wrong type inside the one branch of a union the value matches", async () => {
  const issues = await issuesOf({
    formats: [{ name: "wide", width: "1920", height: 1080 }],
    videos: [{ id: "a", sections: [{ ...section, background: { image: 5 } }] }],
  });
  assert.deepEqual(issues, [
    { path: "videos[0].sections[0].background.image", message: "Expected a string, got a number" },
    { path: "formats[0].width", message: "Expected a number, got a string" },
  ]);
  const whole = await issuesOf([]);
  assert.deepEqual(whole, [{ path: "", message: "Expected an object, got an array" }]);
});

Deno.test("resolveWorkflow() reports a folder given as a background image at its path", async () => {
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/images`);
  const issues = await issuesOf(
    { videos: [{ id: "a", sections: [{ ...section, background: { image: "images/" } }] }] },
    { file: "lesson.ts", moduleUrl: `file://${dir}/lesson.ts` },
  );
  assert.deepEqual(issues, [{
    path: "videos[0].sections[0].background.image",
    message: `Expected an image file, got a folder: ${dir}/images/`,
    file: `${dir}/images/`,
  }]);
});

Deno.test("resolveWorkflow() caps ids and format names, which name output files, before any work is done", async () => {
  const long = "v".repeat(ID_MAX_LENGTH + 1);
  const tooLong = "Expected at most 100 characters (ids name output files)";
  const issues = await issuesOf({
    formats: [{ name: long, width: 160, height: 90 }],
    videos: [{ id: long, sections: [{ ...section, id: long }] }],
    transcribe: [{ id: long, input: "talk.wav" }],
    montages: [{ id: long, layout: "grid", items: ["*.png"] }],
  });
  assert.deepEqual(issues.sort((a, b) => a.path.localeCompare(b.path)), [
    { path: "formats[0].name", message: tooLong },
    { path: "montages[0].id", message: tooLong },
    { path: "transcribe[0].id", message: tooLong },
    { path: "videos[0].id", message: tooLong },
    { path: "videos[0].sections[0].id", message: tooLong },
  ]);
  const longest = "v".repeat(ID_MAX_LENGTH);
  await resolveWorkflow({
    formats: [{ name: longest, width: 160, height: 90 }],
    videos: [{ id: longest, sections: [section] }],
  }, where);
});

Deno.test("resolveWorkflow() refuses a size no encoder takes, written or as an object, naming it", async () => {
  // Before, 00x180 passed (read as 0 pixels wide) and reel stopped at the first slide with a stack trace, exit 1;
  // 02x02 rendered a 2×2 video.
  const issues = await issuesOf({
    formats: ["00x180", "02x02", "4x3", "100000x100000", "322x181"],
    videos: [{ id: "a", sections: [section] }],
  });
  assert.deepEqual(issues, [
    { path: "formats[0]", message: "Expected 16 to 7680 pixels a side (got 0x180)" },
    { path: "formats[1]", message: "Expected 16 to 7680 pixels a side (got 2x2)" },
    { path: "formats[2]", message: "Expected 16 to 7680 pixels a side (got 4x3)" },
    { path: "formats[3]", message: "Expected 16 to 7680 pixels a side (got 100000x100000)" },
    { path: "formats[4]", message: "Width and height must be even (got 322x181)" },
  ]);
  const objects = await issuesOf({
    formats: [{ name: "nil", width: 0, height: 90 }],
    videos: [{ id: "a", sections: [section] }],
  });
  assert.deepEqual(objects, [{
    path: "formats[0].width",
    message: "Expected 16 to 7680 pixels a side (got 0)",
  }]);
});

Deno.test("resolveWorkflow() says which preset a format written as its outputs are named (16x9) means", async () => {
  const issues = await issuesOf({
    formats: ["16x9", "1x1", "4x3", "16:9", "constructor"],
    videos: [{ id: "a", sections: [section] }],
  });
  assert.deepEqual(issues, [
    {
      path: "formats[0]",
      message: 'Expected "16:9", "9:16", "1:1" or a size like "1280x720" (did you mean "16:9"?)',
    },
    {
      path: "formats[1]",
      message: 'Expected "16:9", "9:16", "1:1" or a size like "1280x720" (did you mean "1:1"?)',
    },
    // A size no encoder takes is said with them (it was said once they were fixed).
    { path: "formats[2]", message: "Expected 16 to 7680 pixels a side (got 4x3)" },
    // A name every object has is no preset (before: "Width and height must be even (got undefinedxundefined)").
    { path: "formats[4]", message: 'Expected "16:9", "9:16", "1:1" or a size like "1280x720"' },
  ]);
});

Deno.test("resolveWorkflow() says a montage's or a recipe's value that is none of the allowed ones as a lesson's, with the guess", async () => {
  // nt: zod's `Invalid option: expected one of "linear"|"ease-in"|…`, where lessons say `Expected "in", "out"…`.
  assert.deepEqual(
    await issuesOf({ montages: [{ id: "m", layout: "scroll", easing: "lenear", items: ["a.png"] }] }),
    [{
      path: "montages[0].easing",
      message: 'Expected "linear", "ease-in", "ease-out" or "ease-in-out" (did you mean "linear"?)',
    }],
  );
});

Deno.test("resolveWorkflow() guesses the provider meant by a voice's or an image's unknown one", async () => {
  // nt4: "espek" and "Espeak" got two different messages, neither with a guess.
  const issues = await issuesOf({
    providers: { openai: { api: "openai" } },
    voice: { provider: "espek" },
    videos: [{
      id: "a",
      sections: [
        { ...section, image: { provider: "opanai", prompt: "p" } },
        { ...section, voice: { provider: "openia" } },
      ],
    }],
  });
  assert.deepEqual(issues.map((issue) => [issue.path, issue.message]), [
    [
      "voice.provider",
      'Unknown voice provider "espek" (did you mean "espeak"?): expected "flite", "espeak" or the name of a ' +
      "provider in `providers`",
    ],
    [
      "videos[0].sections[0].image.provider",
      'Unknown image provider "opanai" (did you mean "openai"?): add it to providers',
    ],
    [
      "videos[0].sections[1].voice.provider",
      'Unknown voice provider "openia" (did you mean "openai"?): expected "flite", "espeak" or the name of a ' +
      "provider in `providers`",
    ],
  ]);
  // A name no provider can have is said the same way, with the field's other mistakes.
  const capital = await issuesOf({
    voice: { provider: "Espeak" },
    videos: [{ id: "a", sections: [section] }],
  });
  assert.deepEqual(capital.map((issue) => issue.path), ["voice.provider"]);
  assert.match(
    capital[0]!.message,
    /^Unknown voice provider "Espeak" \(did you mean "espeak"\?\): expected "flite"/,
  );
});

Deno.test("resolveWorkflow() says which characters an id, a format's name or a provider's name may have", async () => {
  const issues = await issuesOf({
    providers: { "My API": { api: "openai" } },
    formats: [{ name: "Wide Screen", width: 320, height: 180 }],
    videos: [{ id: "Part 2", sections: [section] }],
    steps: [{ id: "My Notes", run: () => 1 }],
  });
  const characters = "(small letters a-z, digits, - and _, a letter or digit first)";
  assert.deepEqual(issues, [
    { path: "providers.My API", message: `Expected a provider name like openai-images ${characters}` },
    { path: "videos[0].id", message: `Expected a lowercase id like intro or part-2 ${characters}` },
    { path: "formats[0].name", message: `Expected a format name like 16x9 or story ${characters}` },
    {
      path: "steps[0].id",
      message:
        "Expected an id like prepare or notes/merge (small letters a-z, digits, - _ / . and @, a letter or digit first)",
    },
  ]);
});
