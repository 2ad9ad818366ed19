/**
 * The `captions` field: bad values named at their path (through the whole workflow's validation), defaults applied
 * in one place, and the shortest cue checked against the longest.
 */
import assert from "node:assert/strict";
import { WorkflowError } from "../../../../../lib/core/errors.ts";
import { resolveCaptions } from "../../../../../lib/jobs/lesson/captions/resolve_captions.ts";
import { DEFAULT_CAPTION_RULES } from "../../../../../lib/media/caption_rules.ts";
import { DEFAULT_CAPTION_STYLE } from "../../../../../lib/media/caption_placement.ts";
import { resolveWorkflow } from "../../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../../lib/workflow/workflow_schema.ts";

const lesson = { formats: ["320x180"], videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }] }] };

async function issuesOf(captions: unknown): Promise<{ path: string; message: string }[]> {
  const input = { ...lesson, captions } as unknown as WorkflowInput;
  const error = await resolveWorkflow(input, { file: "lesson.ts", moduleUrl: "file:///tmp/lesson.ts" }).then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(error instanceof WorkflowError, `expected a WorkflowError, got ${error}`);
  return error.issues.map(({ path, message }) => ({ path, message }));
}

Deno.test("captions: each bad value is named at its path with what was expected", async () => {
  const cases: [unknown, string, RegExp][] = [
    [{ burn: "yes" }, "captions.burn", /Expected a boolean, got a string/],
    [{ style: { size: 0.5 } }, "captions.style.size", /Expected a text size from 0\.02 to 0\.12/],
    [{ style: { color: "white" } }, "captions.style.color", /Expected a colour like #/],
    [{ style: { box: 1 } }, "captions.style.box", /Expected a boolean, got a number/],
    [
      { rules: { maxLineLength: 10 } },
      "captions.rules.maxLineLength",
      /Expected a line length from 16 to 80/,
    ],
    [
      { rules: { maxLineLength: 40.5 } },
      "captions.rules.maxLineLength",
      /Expected a whole number, got 40\.5/,
    ],
    [{ rules: { maxLines: 4 } }, "captions.rules.maxLines", /Expected a number of lines from 1 to 3/],
    [
      { rules: { minDuration: 0.1 } },
      "captions.rules.minDuration",
      /Expected a shortest cue from 0\.5 to 5 s/,
    ],
    [{ rules: { maxDuration: 30 } }, "captions.rules.maxDuration", /Expected a longest cue from 2 to 20 s/],
    [
      { rules: { maxCharsPerSecond: "fast" } },
      "captions.rules.maxCharsPerSecond",
      /Expected a number, got a string/,
    ],
    [{ rules: { minDuration: 4, maxDuration: 3 } }, "captions.rules.minDuration", /longer than the longest/],
  ];
  for (const [captions, path, message] of cases) {
    const issues = await issuesOf(captions);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0]!.path, path, JSON.stringify(captions));
    assert.match(issues[0]!.message, message, JSON.stringify(captions));
  }
});

Deno.test("captions: an unknown field is named", async () => {
  const issues = await issuesOf({ rules: { maxLine: 30 } });
  assert.equal(issues[0]?.path, "captions.rules");
  assert.match(issues[0]!.message, /maxLine/);
});

Deno.test("resolveCaptions(): no field means the default rules and style, not burned", () => {
  const issues: { path: string; message: string }[] = [];
  assert.deepEqual(resolveCaptions(undefined, issues), {
    burn: false,
    style: DEFAULT_CAPTION_STYLE,
    rules: DEFAULT_CAPTION_RULES,
  });
  assert.deepEqual(issues, []);
});

Deno.test("resolveCaptions(): given parts replace the defaults, the rest stay", () => {
  const captions = resolveCaptions({ burn: true, style: { size: 0.08 }, rules: { maxLines: 1 } }, []);
  assert.equal(captions.burn, true);
  assert.deepEqual(captions.style, { ...DEFAULT_CAPTION_STYLE, size: 0.08 });
  assert.deepEqual(captions.rules, { ...DEFAULT_CAPTION_RULES, maxLines: 1 });
});

Deno.test("captions: burned lines too long for a narrow format are named, with the length that fits; not burned, they pass", async () => {
  // Before: 80 characters a line on 180 × 320 made the captions 3 px high, drawn without a word.
  const narrow = { ...lesson, formats: ["320x180", "180x320"] };
  const issues = async (captions: unknown) => {
    const input = { ...narrow, captions } as unknown as WorkflowInput;
    return await resolveWorkflow(input, { file: "lesson.ts", moduleUrl: "file:///tmp/lesson.ts" }).then(
      () => [],
      (error: unknown) =>
        error instanceof WorkflowError
          ? error.issues.map(({ path, message }) => ({ path, message }))
          : [String(error)],
    );
  };
  assert.deepEqual(await issues({ burn: true, rules: { maxLineLength: 80, maxLines: 3 } }), [{
    path: "captions.rules.maxLineLength",
    message: "Burned captions would be 3 px high on 180x320 (a line of 80 characters must fit its width): " +
      "at most 62 characters a line keep them readable there",
  }]);
  assert.deepEqual(await issues({ burn: true, rules: { maxLineLength: 62 } }), []);
  assert.deepEqual(await issues({ burn: false, rules: { maxLineLength: 80 } }), []);
  // On a full-size 9:16 frame 80 characters a line are 23 px: small for the frame, readable, kept.
  const full = { ...lesson, formats: ["9:16"], captions: { burn: true, rules: { maxLineLength: 80 } } };
  await resolveWorkflow(full as unknown as WorkflowInput, {
    file: "lesson.ts",
    moduleUrl: "file:///tmp/lesson.ts",
  });
});
