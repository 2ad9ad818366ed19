import assert from "node:assert/strict";
import { WorkflowError } from "../../../../lib/core/errors.ts";
import { preflightLesson } from "../../../../lib/jobs/lesson/lesson_preflight.ts";
import { findFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";

const where = { file: "lesson.ts", moduleUrl: "file:///lesson.ts" };

async function lesson() {
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    videos: [{ id: "v", sections: [{ title: "Fine", narration: "Short." }] }],
  }, where);
  return workflow.jobs.lesson!;
}

Deno.test("preflightLesson() checks a stored slide by the fit its step recorded, a new one by laying it out", async () => {
  const ffmpeg = await findFfmpeg();
  const context = { ffmpeg, allowOverflow: false, file: "lesson.ts" };
  // Laid out now: a short title fits.
  assert.deepEqual(await preflightLesson(await lesson(), context), []);
  // The store holds the slide with a recorded fit: that record is what is checked (a made-up cut here).
  const recorded = { message: "The slide text would be cut", warnings: ["A character no font has"] };
  const asked: string[] = [];
  const stored = (id: string) => {
    asked.push(id);
    return id === "v/s1/slide@160x90" ? { width: 160, height: 90, warnings: [], fit: recorded } : undefined;
  };
  await assert.rejects(preflightLesson(await lesson(), { ...context, stored }), (error) => {
    assert.ok(error instanceof WorkflowError);
    assert.match(error.message, /The slide text would be cut/);
    return true;
  });
  // The slides and the voices are checked at once: each asked once, in either order.
  assert.deepEqual(asked.toSorted(), ["v/s1/slide@160x90", "v/s1/speech"]);
  const allowed = await preflightLesson(await lesson(), { ...context, stored, allowOverflow: true });
  assert.deepEqual(allowed, [
    "videos[0].sections[0] (160x90): A character no font has",
    "videos[0].sections[0]: The slide text would be cut; it will be cut (--allow-overflow)",
  ]);
});

Deno.test("preflightLesson() fits the slides while espeak-ng lists the voices, and tells both mistakes, each with its hint", async () => {
  const ffmpeg = await findFfmpeg();
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    voice: { provider: "espeak", voice: "xx-no-such-voice" },
    videos: [{ id: "v", sections: [{ title: "Fine", narration: "Short." }] }],
  }, where);
  // The fit runs while the voices are listed: it has begun before the voice's error comes.
  let fitting = false;
  const fits =
    (fit: { fits: boolean; scale: number; message: string | null; warnings: string[] }) =>
    (_slides: unknown, _signal?: AbortSignal) => {
      fitting = true;
      return Promise.resolve([fit]);
    };
  const fine = { fits: true, scale: 1, message: null, warnings: [] };
  await assert.rejects(
    preflightLesson(workflow.jobs.lesson!, {
      ffmpeg,
      allowOverflow: false,
      file: "lesson.ts",
      fitSlides: fits(fine),
    }),
    (error) => {
      assert.ok(error instanceof WorkflowError);
      assert.deepEqual(error.issues.map((issue) => issue.path), ["voice.voice"]);
      assert.match(error.message, /Unknown espeak-ng voice "xx-no-such-voice"/);
      return true;
    },
  );
  assert.ok(fitting);
  // Both fail: both are told, the voice first, each with its own hint (before: the voice alone, the fit stopped).
  const tooLong = { fits: false, scale: 0.5, message: "The slide text would be cut", warnings: [] };
  await assert.rejects(
    preflightLesson(workflow.jobs.lesson!, {
      ffmpeg,
      allowOverflow: false,
      file: "lesson.ts",
      fitSlides: fits(tooLong),
    }),
    (error) => {
      assert.ok(error instanceof WorkflowError);
      assert.deepEqual(error.issues.map((issue) => issue.path), ["voice.voice", "videos[0].sections[0]"]);
      assert.match(error.issues[0]!.hint ?? "", /espeak-ng --voices/);
      assert.match(error.issues[1]!.hint ?? "", /--allow-overflow/);
      assert.equal(error.hint, null);
      return true;
    },
  );
});

Deno.test("preflightLesson() checks the voice of a narration that will be spoken, not of one the store holds", async () => {
  const ffmpeg = await findFfmpeg();
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    voice: { provider: "espeak", voice: "xx-no-such-voice" },
    videos: [{
      id: "v",
      sections: [{ title: "Fine", narration: "Short." }, { title: "Too", narration: "Also." }],
    }],
  }, where);
  const context = { ffmpeg, allowOverflow: false, file: "lesson.ts" };
  await assert.rejects(preflightLesson(workflow.jobs.lesson!, context), (error) => {
    // Named with the file and where it is written (the lesson's voice), as any other mistake of the file.
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.file, "lesson.ts");
    assert.deepEqual(error.issues.map((issue) => issue.path), ["voice.voice"]);
    // One field speaks for both sections: one mistake, not "and 1 more".
    assert.equal(
      error.issues[0]!.message,
      'Unknown espeak-ng voice "xx-no-such-voice" (spoken by 2 sections)',
    );
    assert.match(error.hint ?? "", /espeak-ng --voices/);
    return true;
  });
  // Spoken before (with a voice espeak-ng had then): nothing to check, and no espeak-ng started to list voices.
  const stored = (id: string) => id === "v/s1/speech" || id === "v/s2/speech" ? { duration: 1 } : undefined;
  assert.deepEqual(await preflightLesson(workflow.jobs.lesson!, { ...context, stored }), []);
  // A section's own voice is named in that section.
  const own = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    videos: [{
      id: "v",
      sections: [
        { title: "Fine", narration: "Short." },
        { title: "Own", narration: "Also.", voice: { provider: "espeak", voice: "xx-no-such-voice" } },
      ],
    }],
  }, where);
  await assert.rejects(preflightLesson(own.jobs.lesson!, context), (error) => {
    assert.ok(error instanceof WorkflowError);
    assert.deepEqual(error.issues.map((issue) => issue.path), ["videos[0].sections[1].voice.voice"]);
    assert.equal(error.issues[0]!.message, 'Unknown espeak-ng voice "xx-no-such-voice"');
    return true;
  });
});

Deno.test("preflightLesson() names an unknown espeak voice at its first field, counting the sections that set it too", async () => {
  const ffmpeg = await findFfmpeg();
  const context = { ffmpeg, allowOverflow: false, file: "lesson.ts" };
  const voice = { provider: "espeak", voice: "xx-no-such-voice" } as const;
  const messages = async (input: Record<string, unknown>) => {
    const workflow = await resolveWorkflow({ formats: ["160x90"], titleCard: false, ...input }, where);
    const error = await preflightLesson(workflow.jobs.lesson!, context).then(() => null, (error) => error);
    assert.ok(error instanceof WorkflowError);
    return error.issues.map(({ path, message }) => `${message} → at ${path}`);
  };
  const section = (title: string, own?: typeof voice) => ({ title, narration: "Short.", voice: own });
  // Two sections, each naming it: the first named, the other counted.
  assert.deepEqual(
    await messages({ videos: [{ id: "v", sections: [section("A", voice), section("B", voice)] }] }),
    ['Unknown espeak-ng voice "xx-no-such-voice" (1 more section sets it too) → at videos[0].sections[0].voice.voice'],
  );
  // The lesson's voice speaks for two, a third section names it too.
  assert.deepEqual(
    await messages({
      voice,
      videos: [{ id: "v", sections: [section("A"), section("B"), section("C", voice)] }],
    }),
    [
      'Unknown espeak-ng voice "xx-no-such-voice" (spoken by 2 sections; 1 more section sets it too) → at voice.voice',
    ],
  );
});

Deno.test("preflightLesson() says when two formats have one size: each video is written twice, the same bytes", async () => {
  // nt: `["16:9", "1920x1080"]` wrote two equal MP4s without a word (`["16:9", "16:9"]` is refused).
  const workflow = await resolveWorkflow({
    formats: ["160x90", { name: "small", width: 160, height: 90 }, "90x160"],
    titleCard: false,
    videos: [{ id: "v", sections: [{ title: "Fine", narration: "Short." }] }],
  }, where);
  const context = { ffmpeg: await findFfmpeg(), allowOverflow: false, file: "lesson.ts" };
  assert.deepEqual(await preflightLesson(workflow.jobs.lesson!, context), [
    'Format "small" (160x90) has the size of format "160x90": each video is written twice, the same bytes under ' +
    "both names (formats in lesson.ts)",
  ]);
});
