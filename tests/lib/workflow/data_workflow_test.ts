import assert from "node:assert/strict";
import { WorkflowError } from "../../../lib/core/errors.ts";
import { placedIssues } from "../../_support/placed_issues.ts";
import { type DataFormat, dataFormatOf } from "../../../lib/workflow/data_format.ts";
import { parseDataWorkflow } from "../../../lib/workflow/data_workflow.ts";

function syntaxIssues(text: string, format: DataFormat): { path: string; message: string }[] {
  try {
    parseDataWorkflow(text, { format, file: `lesson.${format}` });
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    assert.equal(error.file, `lesson.${format}`);
    return placedIssues(error.issues);
  }
  throw new Error(`expected a WorkflowError for ${JSON.stringify(text)}`);
}

Deno.test("dataFormatOf() tells JSON and YAML files by their extension", () => {
  assert.equal(dataFormatOf("a/lesson.json"), "json");
  assert.equal(dataFormatOf("lesson.yaml"), "yaml");
  assert.equal(dataFormatOf("LESSON.YML"), "yaml");
  assert.equal(dataFormatOf("lesson.ts"), null);
  assert.equal(dataFormatOf("json"), null);
});

Deno.test("parseDataWorkflow() names the line and column of every kind of JSON syntax error", () => {
  const cases: [string, string, string][] = [
    [
      '{\n  "videos": [\n    { "id": "a" }\n    { "id": "b" }\n  ]\n}',
      "line 4, column 5",
      "Expected ',' or ']'",
    ],
    // nt21: a comma after the last item, a comment and single quotes, as TypeScript writes them, in reel's words
    // and at the mistake (before: "Expected double-quoted property name" at the brace after it).
    [
      '{\n  "formats": ["16:9",]\n}',
      "line 2, column 21",
      "a comma after the last item, before ]: JSON allows none",
    ],
    ['{\n  "name": "a",\n}', "line 2, column 14", "a comma after the last item, before }: JSON allows none"],
    [
      "{\n  'name': 'a'\n}",
      "line 2, column 3",
      'JSON writes texts and field names between double quotes (")',
    ],
    ['{\n  // a lesson\n  "name": "a"\n}', "line 2, column 3", "JSON has no comments"],
    ['{\n  "name": "tab\there"\n}', "line 2, column 15", "Bad control character in string literal"],
    ['{\n  "name": "a"\n', "line 3, column 1", "Expected ',' or '}' after property value"],
    ['{ "fps": 30 }\nx', "line 2, column 1", "Unexpected non-whitespace character after JSON"],
    ['{ "fps": 01 }', "line 1, column 11", "Unexpected number"],
    ['{ "ok": tru }', "line 1, column 9", "Unexpected token"],
  ];
  for (const [text, path, message] of cases) {
    const issues = syntaxIssues(text, "json");
    assert.equal(issues.length, 1, text);
    assert.equal(issues[0]!.path, path, text);
    assert.ok(issues[0]!.message.startsWith(`Syntax error: ${message}`), `${text}: ${issues[0]!.message}`);
    assert.doesNotMatch(issues[0]!.message, /position|is not valid JSON/, "the offset is given as a place");
  }
});

Deno.test("parseDataWorkflow() says an empty file, or YAML of comments alone, is empty", () => {
  // nt4: "Expected an object, got null" (YAML) and "Unexpected end of JSON input" (JSON).
  for (
    const [text, format] of [["", "json"], [" \n", "json"], ["", "yaml"], ["# to do\n\n", "yaml"]] as const
  ) {
    assert.throws(() => parseDataWorkflow(text, { format, file: "a" }), (error: unknown) => {
      assert.ok(error instanceof WorkflowError);
      assert.deepEqual(error.issues.map((issue) => issue.path), [""]);
      assert.match(error.issues[0]!.message, /^The file is empty: a workflow needs at least one job/);
      return true;
    }, JSON.stringify(text));
  }
  // A null written is a value, said as any other value of the wrong type.
  assert.equal(parseDataWorkflow("null", { format: "yaml", file: "a" }).value, null);
});

Deno.test("parseDataWorkflow() names the line and column of YAML syntax errors, duplicate keys and bad aliases", () => {
  assert.deepEqual(syntaxIssues("videos:\n  - id: a\n    sections: [1, 2\nfps: 30\n", "yaml")[0], {
    path: "line 4, column 1",
    message: "Syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
  });
  // One mistake, one message: the parser's three errors for this line were all said.
  assert.deepEqual(
    syntaxIssues("videos:\n  - id: a\n    narration: 42 # >-\n      Rain falls.\nfps: 30\n", "yaml"),
    [
      {
        path: "line 4, column 7",
        message:
          "Syntax error: All mapping items must start at the same column (this line starts at column 7, " +
          "the key above it at column 5)",
      },
    ],
  );
  // rv11: a block of text above is no key to line up with, and a line of spaces is no line to place at.
  const [block] = syntaxIssues(
    "videos:\n  - id: a\n    narration: |\n        long text\n   title: T\n",
    "yaml",
  );
  assert.equal(block!.path, "line 5, column 4");
  assert.doesNotMatch(block!.message, /the key above/);
  // rv12: nor is a line of text with a colon in it, however deep the block's lines go.
  for (const text of ["Note: long text", "Note: long text\n          More: text"]) {
    const [colon] = syntaxIssues(
      `videos:\n  - id: a\n    narration: >-\n        ${text}\n   title: T\n`,
      "yaml",
    );
    assert.match(colon!.path, /^line \d, column 4$/);
    assert.doesNotMatch(colon!.message, /the key above/, text);
  }
  // rv13: a key after a block of text, in the same item, is a key to line up with.
  const [after] = syntaxIssues(
    "videos:\n  - id: a\n    sections:\n      - narration: |\n          Hi\n        slide:\n          title: T\n" +
      "         bullets: x\n",
    "yaml",
  );
  assert.match(after!.message, /\(this line starts at column 10, the key above it at column 11\)$/);
  // nt4, nt6: a key indented one column short was placed at column 1, in the parser's words alone.
  assert.deepEqual(
    syntaxIssues("videos:\n  - id: a\n    sections:\n      - title: T\n       narration: hi\n", "yaml"),
    [{
      path: "line 5, column 8",
      message:
        "Syntax error: Sequence item without - indicator (this line starts at column 8, the key above it " +
        "at column 9)",
    }],
  );
  assert.deepEqual(syntaxIssues("fps: 30\nname: a\nfps: 24\n", "yaml"), [
    { path: "line 3, column 1", message: "Syntax error: Map keys must be unique" },
  ]);
  // Before: "Source contains multiple documents; please use YAML.parseAllDocuments()", the library's API.
  assert.deepEqual(syntaxIssues("name: a\n---\nname: b\n", "yaml"), [{
    path: "line 2, column 1",
    message:
      "A workflow file holds one YAML document; this one starts a second here (after ---): give it a file of its own",
  }]);
  assert.deepEqual(syntaxIssues("theme: !colour red\n", "yaml"), [
    { path: "line 1, column 8", message: "Unresolved tag: !colour" },
  ]);
  const [alias] = syntaxIssues("theme: *missing\n", "yaml");
  assert.match(alias!.message, /missing/);
});

Deno.test("parseDataWorkflow() reads YAML 1.2: yes and on stay strings, numbers and nulls are typed", () => {
  const { value } = parseDataWorkflow("a: yes\nb: on\nc: 30\nd: 0.5\ne: ~\nf: '30'\ng: 2024-01-01\n", {
    format: "yaml",
    file: "x.yaml",
  });
  assert.deepEqual(value, { a: "yes", b: "on", c: 30, d: 0.5, e: null, f: "30", g: "2024-01-01" });
});

Deno.test("placeOf() finds a value, the key of an empty value, a missing field's object and an unknown field", () => {
  const text = [
    "formats: ['16:9']", // 1
    "providers:", // 2
    "  images.v2: { api: openai, baseUrl: 5 }", // 3
    "videos:", // 4
    "  - id: rain", // 5
    "    sections:", // 6
    "      - title: Rain", // 7
    "        narration:", // 8
    "      - title: Snow", // 9
    "        narraton: It snows.", // 10
    "",
  ].join("\n");
  const { placeOf } = parseDataWorkflow(text, { format: "yaml", file: "x.yaml" });
  assert.deepEqual(placeOf("formats[0]"), { line: 1, column: 11 });
  assert.deepEqual(placeOf("providers.images.v2.baseUrl"), { line: 3, column: 38 }, "a key with a dot");
  assert.deepEqual(placeOf("videos[0].sections[0].narration"), { line: 8, column: 9 }, "an empty value");
  assert.deepEqual(placeOf("videos[0].sections[1].narration"), { line: 9, column: 9 }, "a missing field");
  assert.deepEqual(placeOf("videos[0].sections[1]"), { line: 10, column: 9 }, "an unknown field");
  assert.deepEqual(placeOf("videos[0].sections[7]"), { line: 7, column: 7 }, "past the end: the list");
  assert.equal(placeOf(""), null, "the whole file");
  assert.equal(placeOf("limits.videos"), null, "nothing of the path is written");
});

Deno.test("placeOf() finds values in JSON too, and a top-level unknown field but not $schema", () => {
  const text = '{\n  "$schema": "s.json",\n  "vidoes": [],\n  "fps": "30"\n}\n';
  const { value, placeOf } = parseDataWorkflow(text, { format: "json", file: "x.json" });
  assert.deepEqual(value, { $schema: "s.json", vidoes: [], fps: "30" });
  assert.deepEqual(placeOf("fps"), { line: 4, column: 10 });
  assert.deepEqual(placeOf(""), { line: 3, column: 3 });
});

Deno.test("parseDataWorkflow() refuses a JSON key written twice in one object at its second place, and reads a byte order mark", () => {
  const twice = '{\n  "formats": ["160x90"],\n  "videos": [],\n  "formats": ["16:9"]\n}\n';
  assert.deepEqual(syntaxIssues(twice, "json"), [
    { path: "line 4, column 3", message: 'Field "formats" is written twice in one object' },
  ]);
  // The same key in two objects, or a string value equal to a key, is fine.
  const fine = '{"videos": [{"id": "a"}, {"id": "b"}], "title": "id"}';
  assert.deepEqual(parseDataWorkflow(fine, { format: "json", file: "a.json" }).value, {
    videos: [{ id: "a" }, { id: "b" }],
    title: "id",
  });
  const bom = "\uFEFF" + '{\n  "formats": ["160x90"],\n  "x": 1\n}';
  const { value, placeOf } = parseDataWorkflow(bom, { format: "json", file: "a.json" });
  assert.deepEqual(value, { formats: ["160x90"], x: 1 });
  assert.deepEqual(placeOf("x"), { line: 3, column: 8 });
});

Deno.test("parseDataWorkflow() reads 100 levels of objects and lists and refuses the 101st at its place, in JSON and YAML", () => {
  const message = "Nested too deeply: reel reads at most 100 levels of objects and lists";
  // The outer object is the first level.
  const nested = (levels: number) => `${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}`;
  for (const format of ["json", "yaml"] as const) {
    const text = (levels: number) =>
      format === "json" ? `{"videos": ${nested(levels)}}` : `videos: ${nested(levels)}`;
    const deepest = parseDataWorkflow(text(100), { format, file: `a.${format}` }).value as {
      videos: unknown;
    };
    let depth = 1;
    for (let value: unknown = deepest.videos; Array.isArray(value); value = value[0]) depth++;
    assert.equal(depth, 100, format);
    const column = format === "json" ? 111 : 108;
    assert.deepEqual(
      syntaxIssues(text(101), format),
      [{ path: `line 1, column ${column}`, message }],
      format,
    );
  }
  // In JSON, a bracket inside a string is text, and a text too deep is refused before its syntax error is placed.
  const inString = `{"title": "${"[".repeat(200)}"}`;
  assert.deepEqual(parseDataWorkflow(inString, { format: "json", file: "a.json" }).value, {
    title: "[".repeat(200),
  });
  assert.deepEqual(syntaxIssues(`{"videos": ${"[".repeat(100_000)}`, "json"), [
    { path: "line 1, column 111", message },
  ]);
  // YAML nests by indentation too; a parser whose stack runs out says the same.
  const blocks = `videos:\n${Array.from({ length: 150 }, (_, i) => `${" ".repeat(i + 1)}-\n`).join("")}`;
  assert.deepEqual(syntaxIssues(blocks, "yaml"), [{ path: "line 101, column 101", message }]);
  const flows = syntaxIssues(`videos: ${nested(100_000)}`, "yaml");
  assert.deepEqual(flows.map((issue) => issue.message), [message]);
});

Deno.test("parseDataWorkflow() refuses a YAML item with an indented '- ' line under it, read as one text, at that line", () => {
  // nt9: `- a` with `  - b` under it is the one bullet "a - b" to YAML, and was rendered so, unwarned.
  const lines = [
    "videos:",
    "  - id: a",
    "    sections:",
    "      - title: T",
    "        bullets:",
    "          - one",
    "            - two",
    "          - three",
    "            -\tfour",
    "          - five",
    "            -",
    "        narration: Hello",
    "          - there",
  ];
  const issues = syntaxIssues(lines.join("\n"), "yaml");
  assert.deepEqual(issues.map((issue) => issue.path), [
    "line 7, column 13",
    "line 9, column 13",
    "line 11, column 13",
  ]);
  assert.match(
    issues[0]!.message,
    /^This line, which starts with "-", is read as part of the item above it \("one - two"\)/,
  );
  assert.match(issues[1]!.message, /\("three -\tfour"\)/);
  // A field's text, quoted or a block of text: the dash is the writer's.
  for (
    const narration of [
      "Hello\n          - there",
      '"Hello\n          - there"',
      "|\n          Hello\n          - there",
    ]
  ) {
    const text = [...lines.slice(0, 5), "          - one", `        narration: ${narration}`].join("\n");
    const { value } = parseDataWorkflow(text, { format: "yaml", file: "a.yaml" });
    assert.match(JSON.stringify(value), /Hello.*- there/);
  }
});

Deno.test("parseDataWorkflow() says a YAML list whose items do not line up, at the item, with both columns", () => {
  // nt10: the parser's words ("a block sequence may not be used as an implicit map key"), at column 1.
  const text =
    "videos:\n  - id: a\n    sections:\n      - title: T\n        bullets:\n           - Over\n          - Under\n";
  assert.deepEqual(syntaxIssues(text, "yaml"), [{
    path: "line 7, column 11",
    message:
      "Syntax error: the items of a list line up: this item's - is at column 11, the one above at column 12",
  }]);
  // rv17: a block of text's lines that start with "-" are no items; of two items as near, the outer list's.
  const block =
    "videos:\n  - id: a\n    sections:\n      - title: T\n        narration: |\n          Steps:\n" +
    "          - open the file\n     - title: U\n";
  assert.deepEqual(syntaxIssues(block, "yaml").map((issue) => issue.message), [
    "Syntax error: the items of a list line up: this item's - is at column 6, the one above at column 7",
  ]);
  // rv16: against the item nearest in column, not the line above (a field of that item, or an item inside it).
  for (const last of ["        narration: Hi.", "        bullets:\n          - one"]) {
    const sections = `videos:\n  - id: a\n    sections:\n      - title: T\n${last}\n     - title: U\n`;
    assert.deepEqual(syntaxIssues(sections, "yaml").map((issue) => issue.message), [
      "Syntax error: the items of a list line up: this item's - is at column 6, the one above at column 7",
    ]);
  }
});
