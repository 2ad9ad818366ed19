/**
 * Where a TypeScript workflow's values are written: the literal of its default export, followed through builders,
 * constants and spreads; what code makes is placed at that code.
 */
import assert from "node:assert/strict";
import { BUILDERS, placesOfCode } from "../../../lib/workflow/_code_places.ts";
import * as builders from "../../../lib/workflow/builders.ts";

/** The line and column of the first `marker` in `text` (the marker's first character). */
function at(text: string, marker: string): { line: number; column: number } {
  const offset = text.indexOf(marker);
  assert.ok(offset >= 0, `no ${marker} in the text`);
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

Deno.test("placesOfCode() follows the default export's literal past comments, strings, templates and regexes", () => {
  const text = [
    'import { workflow } from "reel";',
    "// a comment with { a brace and a [ bracket",
    "/* and one with } */",
    "export default workflow({",
    '  "formats": ["16:9" as const],',
    "  videos: [",
    "    {",
    '      id: "a",',
    "      sections: [",
    "        { title: `Tem${`p{`}late }`, narration: 'It\\'s ] here.', pattern: /[}\\]]+/g },",
    "        { title: 'Second', narration: 5 },",
    "      ],",
    "    },",
    "  ],",
    "});",
  ].join("\n");
  const placeOf = placesOfCode(text);
  assert.deepEqual(placeOf("formats[0]"), at(text, '"16:9"'));
  assert.deepEqual(placeOf("videos[0].id"), at(text, '"a"'));
  assert.deepEqual(placeOf("videos[0].sections[0].narration"), at(text, "'It"));
  assert.deepEqual(placeOf("videos[0].sections[1].narration"), at(text, "5 }"));
  assert.deepEqual(placeOf("videos[0].sections[1].image"), at(text, "{ title: 'Second'"), "a missing field");
  assert.deepEqual(
    placeOf("videos[0].sections[5].title"),
    at(text, "[\n        {"),
    "past the end: the list",
  );
  assert.deepEqual(placeOf("videos[0].sections[0]"), at(text, "pattern"), "an unknown field");
  assert.equal(placeOf(""), null, "the whole file");
  assert.equal(placeOf("limits.videos"), null, "nothing of the path is written");
});

Deno.test("placesOfCode() follows the file's constants, builders, shorthands and spreads of constants", () => {
  const text = [
    'import { section, video, workflow, type WorkflowInput } from "reel";',
    'const intro = section({ id: "intro", title: "Hi", narration: "Hello." });',
    'const more = [{ id: "b", title: "B", narration: "Bee." }];',
    'const base = { title: "Base", narration: "Base." };',
    'const sections = [intro, ...more, { ...base, id: "c", title: "C" }];',
    "const lesson: WorkflowInput = workflow({",
    '  videos: [video({ id: "v", sections })],',
    "});",
    "export default lesson;",
  ].join("\n");
  const placeOf = placesOfCode(text);
  assert.deepEqual(placeOf("videos[0].id"), at(text, '"v"'));
  assert.deepEqual(placeOf("videos[0].sections[0].title"), at(text, '"Hi"'));
  assert.deepEqual(placeOf("videos[0].sections[1].narration"), at(text, '"Bee."'), "a spread list's item");
  assert.deepEqual(
    placeOf("videos[0].sections[2].narration"),
    at(text, '"Base."'),
    "a spread object's field",
  );
  assert.deepEqual(
    placeOf("videos[0].sections[2].title"),
    at(text, '"C"'),
    "the field after the spread wins",
  );
});

Deno.test("placesOfCode() places a value made by code at that code, and reads nothing from a file it cannot", () => {
  const text = [
    'import { workflow } from "reel";',
    'import { imported } from "./other.ts";',
    'const titles = ["A", "B"];',
    "export default workflow({",
    '  videos: [{ id: "v", sections: titles.map((title) => ({ title, narration: title })) }],',
    "  limits: imported,",
    "  formats: [...imported, 5],",
    "});",
  ].join("\n");
  const placeOf = placesOfCode(text);
  assert.deepEqual(placeOf("videos[0].sections[1].title"), at(text, "titles.map"));
  assert.deepEqual(placeOf("limits.videos"), at(text, "imported,"), "an imported name");
  assert.deepEqual(placeOf("formats[1]"), at(text, "[...imported"), "after a spread of what is not known");
  assert.equal(placesOfCode("export const x = { a: 1 };\n")("a"), null, "no default export");
  assert.equal(
    placesOfCode("export default workflow({ a: [1 });\n")("a"),
    null,
    "brackets that do not pair up",
  );
  assert.equal(
    placesOfCode("export default workflow({ a: 'open });\n")("a"),
    null,
    "a string that does not end",
  );
});

Deno.test("BUILDERS names every builder a workflow file may call", () => {
  const functions = Object.entries(builders).filter(([, value]) => typeof value === "function").map((
    [name],
  ) => name);
  assert.deepEqual([...BUILDERS].sort(), functions.sort());
});

Deno.test("placesOfCode() gives no place where code changed what was written: an item added, moved or replaced, a scalar set", () => {
  // nt10: a title set to 99 by code was placed at the "Base" it replaced; a video pushed, at the list of the others.
  // rv16: a list reversed by code was placed at the item its index had been written at.
  const text = [
    'import { workflow } from "reel";',
    'const base = { title: "Base", narration: "Base." };',
    "const lesson = workflow({",
    '  videos: [{ id: "a", sections: [base, { title: "B", narration: 5 }] }],',
    "});",
    "export default lesson;",
  ].join("\n");
  const sections = [{ title: "Base", narration: "Base." }, { title: "B", narration: 5 }];
  const given = (list: unknown[]) => ({ videos: [{ id: "a", sections: list }, { id: "a", sections: [] }] });
  const placeOf = placesOfCode(text, { given: given(sections) });
  assert.deepEqual(placeOf("videos[0].sections[1].narration"), at(text, "5 }"), "as written");
  assert.deepEqual(placeOf("videos[0].sections[5]"), at(text, "[base"), "past the end of what is given too");
  assert.equal(placeOf("videos[1].id"), null, "an item pushed");
  const changed = [{ title: 99, narration: "Base." }, sections[1]];
  assert.equal(
    placesOfCode(text, { given: given(changed) })("videos[0].sections[0].title"),
    null,
    "a scalar set",
  );
  // An object code changed is not the one written: none of its fields is placed there.
  assert.equal(placesOfCode(text, { given: given(changed) })("videos[0].sections[0].narration"), null);
  const reversed = placesOfCode(text, { given: given([...sections].reverse()) });
  assert.equal(reversed("videos[0].sections[0].narration"), null, "moved");
  const replaced = placesOfCode(text, { given: given([{ narration: "Base." }, sections[1]]) });
  assert.equal(replaced("videos[0].sections[0].title"), null, "replaced: its written field is gone");
  // What cannot be read without running code (a getter, a Proxy) is not placed, and neither is run.
  let ran = 0;
  const getter = Object.defineProperty({ narration: "Base." }, "title", {
    get: () => ++ran,
    enumerable: true,
  });
  assert.equal(
    placesOfCode(text, { given: given([getter, sections[1]]) })("videos[0].sections[0].title"),
    null,
  );
  const proxy = new Proxy({ title: "Base", narration: "Base." }, {
    get: () => ++ran,
    getOwnPropertyDescriptor: () => {
      ran++;
      return undefined;
    },
  });
  assert.equal(
    placesOfCode(text, { given: given([proxy, sections[1]]) })("videos[0].sections[0].title"),
    null,
  );
  assert.equal(ran, 0, "no getter or trap ran");
});

Deno.test("placesOfCode() follows constants only, once each, drops fields a spread of code may replace, and skips a BOM", () => {
  // rv15: `var a = [a, a]` was expanded 2^200 times (a minute, then out of memory); a `let` given 5 later was
  // placed at its first value; a field before `...extra()` at its own value, which the spread replaced.
  const text = [
    "\uFEFFimport { workflow } from 'reel';",
    "var a = [a, a];",
    'let title: string | number = "ok";',
    "title = 5;",
    "const extra = (): Record<string, unknown> => ({ narration: 5 });",
    ...Array.from({ length: 300 }, (_, i) => `const c${i} = [c${i + 1}, c${i + 1}];`),
    "const c300 = { id: 'deep' };",
    "export default workflow({ videos: a, formats: c0, limits: { narration: 'x', ...extra(), title } });",
  ].join("\n");
  const placeOf = placesOfCode(text);
  const last = text.split("\n").length;
  const column = (marker: string) => text.split("\n").at(-1)!.indexOf(marker) + 1;
  assert.deepEqual(placeOf("videos[0]"), { line: last, column: column("a,") }, "a var: not followed");
  assert.deepEqual(placeOf("limits.title"), { line: last, column: column("title }") }, "a let: its name");
  assert.deepEqual(
    placeOf("limits.narration"),
    { line: last, column: column("{ narration") },
    "replaced by a spread",
  );
  // Shared constants are read once: 2^300 paths through 301 values, placed at the deepest followed.
  assert.ok(placeOf(`formats${"[1]".repeat(150)}`) !== null);
  // A byte order mark is no column: the first line's places count from the character after it.
  assert.deepEqual(placesOfCode("\uFEFFexport default { fps: 'x' };")("fps"), { line: 1, column: 23 });
});

Deno.test("placesOfCode() reads templates without ${}, negative numbers and every escape as the values they are", () => {
  // rv17: a template or a -1 changed by code was placed at what was written; "\v" or a line continuation made a
  // section written as it is not fit its own value, and lose its places.
  const text = [
    "export default {",
    "  videos: [{",
    '    id: "a",',
    "    sections: [{ title: `Intro`, narration: 'tab\\vX \\b\\f\\",
    "end', volume: -1 }, { title: 'B', narration: 'N' }],",
    "  }],",
    "};",
  ].join("\n");
  const section = { title: "Intro", narration: "tab\vX \b\fend", volume: -1 };
  const given = (sections: unknown[]) => ({ videos: [{ id: "a", sections }] });
  const placeOf = placesOfCode(text, { given: given([section, { title: "B", narration: "N" }]) });
  assert.deepEqual(placeOf("videos[0].sections[0].volume"), at(text, "-1"));
  assert.deepEqual(placeOf("videos[0].sections[0].narration"), at(text, "'tab"));
  const changed = (fields: object) => placesOfCode(text, { given: given([{ ...section, ...fields }]) });
  assert.equal(changed({ title: 99 })("videos[0].sections[0].title"), null, "a template's text changed");
  assert.equal(changed({ volume: -2 })("videos[0].sections[0].volume"), null, "a negative number changed");
  // A list code emptied or cut is not the one written; one it added to still is, up to what was written.
  assert.equal(placesOfCode(text, { given: given([]) })("videos[0].sections"), null);
});

Deno.test("placesOfCode(): an unknown field not written in its object has no place, not another unknown field's", () => {
  // rv24: a field a spread brought was placed at the unknown field written beside it.
  const placeOf = placesOfCode(
    'import { workflow } from "reel";\nimport { extra } from "./extra.ts";\nexport default workflow({\n' +
      "  ...extra,\n  formt: 1,\n  videos: [],\n});\n",
  );
  assert.deepEqual(placeOf("", "formt"), { line: 5, column: 3 });
  assert.equal(placeOf("", "bar"), null);
});
