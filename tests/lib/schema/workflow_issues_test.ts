import assert from "node:assert/strict";
import { z } from "zod";
import { toWorkflowIssues } from "../../../lib/schema/workflow_issues.ts";

function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value, { reportInput: true });
  return toWorkflowIssues(result.error?.issues ?? [], schema).map(({ path, message }) =>
    `${path}: ${message}`
  );
}

Deno.test("toWorkflowIssues() says a number out of range with its field's whole range, not zod's notation", () => {
  const schema = z.strictObject({
    retries: z.number().int().min(0).max(20).optional(),
    speed: z.number().min(0.25).max(4).optional(),
    requests: z.number().int().min(1).optional(),
    duration: z.number().positive().optional(),
    below: z.number().max(10).optional(),
    pair: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
    list: z.array(z.strictObject({ gain: z.number().min(-30).max(30) })).optional(),
  });
  assert.deepEqual(messages(schema, { retries: 50, speed: 0.1 }), [
    "retries: Expected a whole number from 0 to 20, got 50",
    "speed: Expected a number from 0.25 to 4, got 0.1",
  ]);
  assert.deepEqual(messages(schema, { requests: 0, duration: 0, below: 11 }), [
    "requests: Expected a whole number of at least 1, got 0",
    "duration: Expected a number above 0, got 0",
    "below: Expected a number of at most 10, got 11",
  ]);
  assert.deepEqual(messages(schema, { pair: [0.5, 2], list: [{ gain: 0 }, { gain: -31 }] }), [
    "pair[1]: Expected a number from 0 to 1, got 2",
    "list[1].gain: Expected a number from -30 to 30, got -31",
  ]);
});

Deno.test("toWorkflowIssues() says a text or a list out of range with its length", () => {
  const schema = z.strictObject({
    caption: z.string().max(5).optional(),
    renditions: z.array(z.number()).min(1).max(2).optional(),
    inputs: z.array(z.number()).min(1).optional(),
  });
  assert.deepEqual(messages(schema, { caption: "abcdefg", renditions: [] }), [
    "caption: Expected at most 5 characters, got 7",
    "renditions: Expected 1 to 2 items, got 0",
  ]);
  assert.deepEqual(messages(schema, { renditions: [1, 2, 3], inputs: [] }), [
    "renditions: Expected 1 to 2 items, got 3",
    "inputs: Expected at least 1 item, got 0",
  ]);
});

Deno.test("toWorkflowIssues() keeps a range message the schema gives, a number's with the number given", () => {
  const fps = "Expected 24 to 60 frames per second";
  const schema = z.strictObject({
    fps: z.number().min(24, fps).max(60, fps),
    bullets: z.array(z.string()).max(1, "At most 1 bullet fits").optional(),
    side: z.number().max(10, "Expected 10 pixels at most (got more)").optional(),
  });
  // nt6: without the number, where reel's own range messages say it.
  assert.deepEqual(messages(schema, { fps: 61 }), [`fps: ${fps}, got 61`]);
  assert.deepEqual(messages(schema, { fps: 1, bullets: ["a", "b"], side: 11 }), [
    `fps: ${fps}, got 1`,
    "bullets: At most 1 bullet fits",
    // One that says what it got already: not said twice.
    "side: Expected 10 pixels at most (got more)",
  ]);
});

Deno.test("toWorkflowIssues() says a range as the form of the object that the value is written as", () => {
  const seconds = "Expected 1 to 3600 seconds";
  const schema = z.strictObject({
    montages: z.array(z.discriminatedUnion("layout", [
      z.strictObject({ layout: z.literal("grid"), duration: z.number().positive().max(3600).optional() }),
      z.strictObject({
        layout: z.literal("scroll"),
        duration: z.number().min(1, seconds).max(3600, seconds),
      }),
    ])),
  });
  const montages = [{ layout: "grid", duration: 4000 }, { layout: "scroll", duration: 0.5 }];
  // nt5: before, the scroll form's 0.5 was said as out of the grid's range, "above 0, at most 3600".
  assert.deepEqual(
    toWorkflowIssues(schema.safeParse({ montages }, { reportInput: true }).error?.issues ?? [], schema, {
      input: { montages },
    }).map(({ path, message }) => `${path}: ${message}`),
    [
      "montages[0].duration: Expected a number above 0, at most 3600, got 4000",
      `montages[1].duration: ${seconds}, got 0.5`,
    ],
  );
});

Deno.test("toWorkflowIssues() says a range as the form that knows every field given, where no tag tells them apart", () => {
  const schema = z.strictObject({
    overlay: z.union([
      z.strictObject({ text: z.string(), size: z.number().min(0.01).max(0.5).optional() }),
      z.strictObject({ image: z.string(), size: z.number().min(0.01).max(1).optional() }),
    ]),
  });
  const overlay = { image: "logo.png", size: 1.5 };
  const issues = schema.safeParse({ overlay }, { reportInput: true }).error?.issues ?? [];
  // rv8: said with the text overlay's range, "from 0.01 to 0.5".
  assert.deepEqual(toWorkflowIssues(issues, schema, { input: { overlay } }).map(({ message }) => message), [
    "Expected a number from 0.01 to 1, got 1.5",
  ]);
  // With a field neither form knows too (rv9: both forms kept, the text overlay's range said).
  const also = { image: "logo.png", size: 1.5, opacty: 1 };
  const more = schema.safeParse({ overlay: also }, { reportInput: true }).error?.issues ?? [];
  assert.ok(
    toWorkflowIssues(more, schema, { input: { overlay: also } }).some(({ message }) =>
      message === "Expected a number from 0.01 to 1, got 1.5"
    ),
  );
  // A union of a boolean and an object (rv9: the boolean's form kept alone, zod's own words said).
  const normalize = z.strictObject({
    normalize: z.union([z.boolean(), z.strictObject({ loudness: z.number().min(-70).max(-5) })]),
  });
  const loud = { normalize: { loudness: -100, bogus: 1 } };
  const loudIssues = normalize.safeParse(loud, { reportInput: true }).error?.issues ?? [];
  assert.ok(
    toWorkflowIssues(loudIssues, normalize, { input: loud }).some(({ message }) =>
      message === "Expected a number from -70 to -5, got -100"
    ),
    JSON.stringify(toWorkflowIssues(loudIssues, normalize, { input: loud })),
  );
});

Deno.test("toWorkflowIssues() says an unknown field that an object above has is that object's", () => {
  const schema = z.strictObject({
    timeout: z.number().optional(),
    videos: z.array(z.strictObject({
      voice: z.string().optional(),
      sections: z.array(z.strictObject({ title: z.string() })),
    })),
  });
  // nt5: a workflow's `timeout` written in a job was only "Unknown field".
  assert.deepEqual(
    messages(schema, { videos: [{ timeout: 5, sections: [{ title: "a", voice: "x", colour: 1 }] }] }),
    [
      // One issue a field, each placed at its own (nt13).
      'videos[0].sections[0]: Unknown field "voice" (a field of videos[0])',
      'videos[0].sections[0]: Unknown field "colour"',
      'videos[0]: Unknown field "timeout" (a field of the workflow itself)',
    ],
  );
  // Of the form the object above is written as (rv8: a grid's `rows` was said to be a scroll montage's).
  const montages = z.strictObject({
    montages: z.array(z.discriminatedUnion("layout", [
      z.strictObject({ layout: z.literal("grid"), rows: z.number().optional(), style: z.strictObject({}) }),
      z.strictObject({ layout: z.literal("scroll"), style: z.strictObject({}) }),
    ])),
  });
  const input = {
    montages: [{ layout: "scroll", style: { rows: 2 } }, { layout: "grid", style: { rows: 2 } }],
  };
  const issues = montages.safeParse(input, { reportInput: true }).error?.issues ?? [];
  assert.deepEqual(
    toWorkflowIssues(issues, montages, { input }).map(({ path, message }) => `${path}: ${message}`),
    [
      'montages[0].style: Unknown field "rows"',
      'montages[1].style: Unknown field "rows" (a field of montages[1])',
    ],
  );
});

Deno.test("toWorkflowIssues() says an unknown field that an object one field below takes for such a value is that object's", () => {
  const image = z.strictObject({ prompt: z.string(), file: z.custom<never>(() => false).optional() });
  const schema = z.strictObject({
    limits: z.strictObject({ sections: z.number().optional() }).optional(),
    videos: z.array(z.strictObject({
      id: z.string(),
      sections: z.array(z.strictObject({
        title: z.string(),
        picture: z.strictObject({ file: z.string() }).optional(),
        image: image.optional(),
      })),
    })).optional(),
    montages: z.array(z.strictObject({ id: z.string() })).optional(),
  });
  const sections = [{ title: "a" }];
  const input = { sections };
  const issues = schema.safeParse(input, { reportInput: true }).error?.issues ?? [];
  // nt6: "Unknown field" alone; a list of sections is a video's, not the limits' number.
  assert.deepEqual(toWorkflowIssues(issues, schema, { input }).map(({ message }) => message), [
    'Unknown field "sections" (a field of videos[i])',
  ]);
  // nt6: a picture written as its file's path.
  assert.deepEqual(
    messages(schema, { videos: [{ id: "v", sections: [{ title: "a", picture: "images/a.png" }] }] }),
    [
      'videos[0].sections[0].picture: Expected an object, got a string: write { file: "images/a.png" }',
    ],
  );
  // rv10: not for an object whose `file` is refused (a generated image's), nor for a blank path.
  assert.deepEqual(
    messages(schema, { videos: [{ id: "v", sections: [{ title: "a", image: "a.png", picture: " " }] }] }),
    [
      "videos[0].sections[0].picture: Expected an object, got a string",
      "videos[0].sections[0].image: Expected an object, got a string",
    ],
  );
  // rv10: `id`, a field of videos and of montages, is said to be neither's.
  const ids = { id: "x" };
  assert.deepEqual(
    toWorkflowIssues(schema.safeParse(ids, { reportInput: true }).error?.issues ?? [], schema, { input: ids })
      .map(({ message }) => message),
    ['Unknown field "id"'],
  );
});

Deno.test("toWorkflowIssues() names a class instance by its class and a record's undefined value as undefined", () => {
  const schema = z.strictObject({
    params: z.record(z.string(), z.union([z.string(), z.number(), z.record(z.string(), z.number())])),
    name: z.string(),
  });
  // Before: "got an object" (after "Expected … an object") and "Required field is missing" for a key that is there.
  assert.deepEqual(
    messages(schema, { params: { when: new Date(0), map: new Map(), u: undefined }, name: "n" }),
    [
      "params.when: Expected a string, a number or an object, got a Date",
      "params.map: Expected a string, a number or an object, got a Map",
      "params.u: Expected a string, a number or an object, got undefined",
    ],
  );
  // A field the schema requires is still missing, and a plain object is still an object.
  assert.deepEqual(messages(schema, { params: {} }), ["name: Required field is missing"]);
  assert.deepEqual(messages(schema, { params: {}, name: { a: 1 } }), [
    "name: Expected a string, got an object",
  ]);
});

Deno.test("toWorkflowIssues() says a field of another form of a union is that form's, not 'did you mean' itself", () => {
  const schema = z.strictObject({
    montage: z.discriminatedUnion("layout", [
      z.strictObject({ layout: z.literal("grid"), columns: z.number().optional() }),
      z.strictObject({ layout: z.literal("scroll"), speed: z.number().optional() }),
    ]),
  });
  // Before: 'Unknown field "speed" (did you mean "speed"?)'.
  assert.deepEqual(messages(schema, { montage: { layout: "grid", speed: 400 } }), [
    'montage: Unknown field "speed" (a field of layout: "scroll" only)',
  ]);
  assert.deepEqual(messages(schema, { montage: { layout: "grid", colums: 2 } }), [
    'montage: Unknown field "colums" (did you mean "columns"?)',
  ]);
});

Deno.test("toWorkflowIssues() tells a union of objects by the form that knows every field given", () => {
  // Before: "Invalid input" at overlay, for a text overlay whose position was misspelled.
  const overlay = z.union([
    z.strictObject({
      text: z.string(),
      position: z.enum(["top", "center"]).optional(),
      color: z.string().optional(),
    }),
    z.strictObject({ image: z.string(), position: z.enum(["top", "center"]).optional() }),
  ]);
  const schema = z.object({ overlay });
  const result = schema.safeParse({ overlay: { text: "x", position: "middle" } }, { reportInput: true });
  assert.deepEqual(toWorkflowIssues(result.error?.issues ?? [], schema), [
    { path: "overlay.position", message: 'Invalid option: expected one of "top"|"center"' },
  ]);
  // The form that knows the most fields: a misspelled position is a text overlay's (before: "Invalid input").
  const misspelled = schema.safeParse({ overlay: { text: "x", positon: "top" } }, { reportInput: true });
  assert.deepEqual(toWorkflowIssues(misspelled.error?.issues ?? [], schema), [
    { path: "overlay", message: 'Unknown field "positon" (did you mean "position"?)', field: "positon" },
  ]);
  // No form nearer than another: the fields that tell them apart, and what no form knows.
  for (
    const [given, said] of [
      [{}, ['overlay: Give "text" or "image"']],
      [{ txt: "x" }, [
        'overlay: Give "text" or "image"',
        'overlay: Unknown field "txt" (did you mean "text"?)',
      ]],
      // An image overlay: a text overlay's field is not suggested for its misspelling, and is said to be another's.
      [{ image: "l.png", colour: "#fff" }, ['overlay: Unknown field "colour"']],
      [{ image: "l.png", color: "#fff" }, [
        'overlay: Unknown field "color" (a field of another form of this object)',
      ]],
      [{ text: "x", image: "l.png" }, ['overlay: Give "image" or "text", not both']],
    ] as const
  ) {
    const parsed = schema.safeParse({ overlay: given }, { reportInput: true });
    assert.deepEqual(
      toWorkflowIssues(parsed.error?.issues ?? [], schema).map((issue) => `${issue.path}: ${issue.message}`),
      said,
    );
  }
});

Deno.test("toWorkflowIssues() says how to write a list of texts given as one text, and only for texts", () => {
  // nt10: `bullets: "One, two"` was said "Expected an array, got a string" alone.
  const schema = z.strictObject({
    bullets: z.array(z.string()).optional(),
    videos: z.array(z.strictObject({ id: z.string() })).optional(),
  });
  assert.deepEqual(messages(schema, { bullets: "One, two", videos: "intro" }), [
    'bullets: Expected an array, got a string: write a list, such as ["One", "two"]',
    "videos: Expected an array, got a string",
  ]);
  // rv17: one text, or nothing, is suggested as it is; items are trimmed.
  assert.deepEqual(messages(schema, { bullets: "" }), [
    'bullets: Expected an array, got a string: write a list, such as [""]',
  ]);
  assert.deepEqual(messages(schema, { bullets: "One ,two" }), [
    'bullets: Expected an array, got a string: write a list, such as ["One", "two"]',
  ]);
});
