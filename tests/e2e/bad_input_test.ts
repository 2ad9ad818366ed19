import assert from "node:assert/strict";
import { type CliResult, listFolder, runCli } from "../_support/cli.ts";
import { fakeFfmpegWithoutFlite } from "../_support/fake_ffmpeg.ts";
import { MOD_URL, writeWorkflowFile } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { colourDistance, pixelAt } from "../_support/media.ts";
import { concatBytes } from "../../lib/core/concat_bytes.ts";
import { encodePng, pngChunk } from "../../lib/media/png_encoder.ts";

const good = { formats: ["320x180"], videos: [{ id: "a", sections: [{ title: "T", narration: "Hello." }] }] };

function assertCleanInputError(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.ok(result.stderr.trimStart().startsWith("✖"), result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
}

/** Where `workflowFile` writes each value: on its third line, after two lines of imports (as a regex's source). */
const PLACED = ", line 3, column \\d+";

async function workflowFile(value: unknown): Promise<{ file: string; out: string }> {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(value)});`);
  return { file, out: `${file.slice(0, file.lastIndexOf("/"))}/out` };
}

Deno.test("bad input: a misspelled field names the file and the path, exit 2, nothing written", async () => {
  const { file, out } = await workflowFile({
    formats: ["320x180"],
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }, { title: "U", narraton: "Typo." }] }],
  });
  const result = await runCli(["render", file, "--out", out]);
  assertCleanInputError(result, /✖ Unknown field "narraton" \(did you mean "narration"\?\)/);
  assert.match(result.stderr, new RegExp(`→ at videos\\[0\\]\\.sections\\[1\\]${PLACED} \\(`));
  assert.ok(result.stderr.includes(`(${file})`), result.stderr);
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: --json writes one render:refused line with every issue, and a refused option says so too", async () => {
  // nt4: a reader of `--json` got no line at all, only the message on stderr.
  const { file, out } = await workflowFile({ ...good, formats: ["321x181"], fps: 29.97 });
  const result = await runCli(["render", file, "--out", out, "--json"]);
  assertCleanInputError(result, /✖ Width and height must be even \(got 321x181\)/);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1, result.stdout);
  const refused = JSON.parse(lines[0]!);
  assert.equal(refused.type, "render:refused");
  assert.equal(refused.exitCode, 2);
  // The path alone (before, the line and column were glued to it in words), and the place as numbers.
  assert.deepEqual(refused.issues.map((issue: { file: string; path: string }) => [issue.file, issue.path]), [
    [file, "formats[0]"],
    [file, "fps"],
  ]);
  assert.deepEqual(
    refused.issues.map((issue: { line: number; column: number }) => [issue.line, issue.column]),
    [
      [3, 37],
      [3, 124],
    ],
  );
  // A TypeScript syntax error too: its place as numbers, its path empty (nt22: the place in words as its path).
  await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace('"T",', '"T"'));
  const syntax = JSON.parse((await runCli(["render", file, "--out", out, "--json"])).stdout);
  assert.deepEqual(syntax.issues.map((issue: object) => ({ ...issue, message: undefined })), [
    { file, path: "", line: 3, column: 92, message: undefined },
  ]);
  const option = await runCli(["render", file, "--json", "--no-such-flag"]);
  assert.equal(option.code, 2);
  assert.match(JSON.parse(option.stdout).message, /unknown option '--no-such-flag'/);
  // Said as reel's own refusals are, with the command whose help lists what it takes (nt20: commander's
  // `error: required option …`).
  // As reel runs here: Deno's task (through npx when npx started the tests), there being no `reel` program (nt21).
  const reel = String.raw`(?:deno|npx -y deno@\S+) task reel`;
  assert.match(
    option.stderr.trim(),
    new RegExp(String.raw`^✖ Unknown option '--no-such-flag'\n  See ${reel} render --help$`),
  );
  const gc = await runCli(["cache", "gc"]);
  assert.equal(gc.code, 2);
  assert.match(
    gc.stderr.trim(),
    new RegExp(
      String.raw`^✖ Required option '--max-size <size>' not specified\n  See ${reel} cache gc --help$`,
    ),
  );
  // nt14: a value refused before `--json` was read gave no line (commander reads no option after it).
  const after = await runCli(["render", file, "--global", "abc", "--out", out, "--json"]);
  assert.equal(after.code, 2);
  assert.match(JSON.parse(after.stdout).message, /option '--global <n>' argument 'abc' is invalid/);
  // rv6: `--json` as another option's value (a folder named so) is no request for JSON.
  const value = await runCli(["render", file, "--out", "--json"], {
    cwd: out.slice(0, out.lastIndexOf("/")),
  });
  assert.equal(value.code, 2);
  assert.equal(value.stdout, "");
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: two workflow files' mistakes are told together, each at its file, exit 2", async () => {
  // Before: the second file's mistake was told only once the first file's was mended.
  const first = await workflowFile({ ...good, fps: 29.97 });
  const second = await workflowFile({ ...good, formats: ["321x181"] });
  const result = await runCli(["render", first.file, second.file, "--out", first.out, "--json"]);
  assertCleanInputError(
    result,
    /✖ Expected a whole number, got 29\.97[\s\S]*✖ Width and height must be even/,
  );
  assert.match(result.stderr, new RegExp(`→ at fps${PLACED} \\(${first.file}\\)`));
  assert.match(result.stderr, new RegExp(`→ at formats\\[0\\]${PLACED} \\(${second.file}\\)`));
  const refused = JSON.parse(result.stdout);
  assert.equal(refused.message, `Invalid workflows ${first.file} and ${second.file}`);
  assert.deepEqual(refused.issues.map((issue: { file: string; path: string }) => [issue.file, issue.path]), [
    [first.file, "fps"],
    [second.file, "formats[0]"],
  ]);
  assert.equal(await listFolder(first.out), null);
});

Deno.test("bad input: a control character a message quotes is printed as its code, never sent to the terminal", async () => {
  // Before: a field named "\x1b[2J…" cleared the user's screen as its message was printed.
  const { file, out } = await workflowFile({
    formats: ["320x180"],
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi.", "\x1b[2Jbad\x00\u202e": 1 }] }],
  });
  const result = await runCli(["render", file, "--out", out]);
  // rv6: the bidi override was written `\x202e`, read as a space and "2e".
  assertCleanInputError(result, /✖ Unknown field "\\x1b\[2Jbad\\x00\\u202e"/);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(result.stderr, /[\x00-\x08\x0b-\x1f\u202e]/);
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: an empty narration names its path, exit 2, nothing written", async () => {
  const { file, out } = await workflowFile({
    formats: ["320x180"],
    videos: [{ id: "a", sections: [{ title: "T", narration: "" }] }],
  });
  const result = await runCli(["render", file, "--out", out]);
  assertCleanInputError(
    result,
    /✖ Narration must not be empty\n {2}→ at videos\[0\]\.sections\[0\]\.narration/,
  );
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a frame rate outside 24–60 or not whole is named at fps, exit 2, nothing written", async () => {
  for (
    const [fps, message] of [[1, /✖ Expected 24 to 60 frames per second/], [
      29.97,
      /✖ Expected a whole number/,
    ]] as const
  ) {
    const { file, out } = await workflowFile({ ...good, fps });
    const result = await runCli(["render", file, "--out", out]);
    assertCleanInputError(result, new RegExp(`${message.source}[^\\n]*\\n {2}→ at fps${PLACED} \\(`));
    assert.equal(await listFolder(out), null);
  }
});

Deno.test("bad input: a number out of its range says the range, not zod's notation, at its path, exit 2, nothing written", async () => {
  const section = (voice: unknown) => ({ title: "T", narration: "Hello.", voice });
  for (
    const [value, message, path] of [
      [
        { videos: [{ id: "a", sections: [section({ rate: 5000 })] }] },
        /✖ Expected 80 to 450 words per minute, got 5000/,
        "videos\\[0\\]\\.sections\\[0\\]\\.voice\\.rate",
      ],
      [{ voice: { rate: 10 } }, /✖ Expected 80 to 450 words per minute, got 10/, "voice\\.rate"],
      [
        { providers: { x: { api: "openai", baseUrl: "http://127.0.0.1:9", retries: 50 } } },
        /✖ Expected a whole number from 0 to 20, got 50/,
        "providers\\.x\\.retries",
      ],
    ] as const
  ) {
    const { file, out } = await workflowFile({ ...good, ...value });
    const result = await runCli(["render", file, "--out", out]);
    assertCleanInputError(result, new RegExp(`${message.source}\\n {2}→ at ${path}${PLACED} \\(`));
    assert.doesNotMatch(result.stderr, /Too (big|small)/);
    assert.equal(await listFolder(out), null);
  }
});

Deno.test("bad input: an unknown transition or one too long is named at transition, exit 2, nothing written", async () => {
  for (
    const [transition, message, path] of [
      ["spin", /✖ Expected a transition: fade, fadeblack/, "transition"],
      ["fadee", /✖ Expected a transition: fade, fadeblack.* \(did you mean "fade"\?\)/, "transition"],
      [{ type: "fade", duration: 5 }, /✖ Expected 0\.1 to 2 seconds/, "transition\\.duration"],
    ] as const
  ) {
    const { file, out } = await workflowFile({ ...good, transition });
    const result = await runCli(["render", file, "--out", out]);
    assertCleanInputError(result, new RegExp(`${message.source}[^\\n]*\\n {2}→ at ${path}${PLACED} \\(`));
    assert.equal(await listFolder(out), null);
  }
});

Deno.test("bad input: a missing ffmpeg says how to install it, exit 2, nothing written", async () => {
  const { file, out } = await workflowFile(good);
  const empty = await tempDir();
  const result = await runCli(["render", file, "--out", out], { env: { PATH: empty } });
  assertCleanInputError(result, /✖ Cannot find ffmpeg on PATH\n.*apt-get install ffmpeg/);
  assert.equal(await listFolder(out), null);
  const pointed = await runCli(["render", file, "--out", out], { env: { REEL_FFMPEG: `${empty}/ffmpeg` } });
  assertCleanInputError(pointed, /Cannot find ffmpeg at .*\/ffmpeg \(from REEL_FFMPEG\)/);
});

Deno.test("bad input: an --out inside one of the store's own folders is refused, exit 2; beside them it renders", async () => {
  // A resumed render empties the store's tmp, and cache gc clears its entries of what is no entry.
  const { file } = await workflowFile(good);
  const dir = await tempDir();
  const tmp = await runCli(["render", file, "--out", `${dir}/c/tmp`, "--cache", `${dir}/c`]);
  assertCleanInputError(
    tmp,
    /✖ The output folder .*\/c\/tmp is the store's own folder .*\/c\/tmp: the store removes/,
  );
  assert.match(tmp.stderr, /Choose another folder with --out/);
  // Through a link to the store, and a folder not made yet.
  await Deno.mkdir(`${dir}/s/entries`, { recursive: true });
  await Deno.symlink(`${dir}/s`, `${dir}/link`);
  const inside = await runCli(["render", file, "--out", `${dir}/link/entries/videos`, "--store", `${dir}/s`]);
  assertCleanInputError(
    inside,
    /✖ The output folder .*\/link\/entries\/videos is inside the store's own folder/,
  );
  // rv34: the answers cache gc collects, and the first layout's folder it removes whole.
  for (const own of ["answers", "artifacts"]) {
    const refused = await runCli(["render", file, "--out", `${dir}/s/${own}`, "--store", `${dir}/s`]);
    assertCleanInputError(refused, new RegExp(`✖ The output folder .*/s/${own} is the store's own folder`));
  }
  assert.deepEqual(await listFolder(dir), ["link", "s"]);
  // nt16: the videos in the store's folder itself, beside its own: rendered, the store's folders untouched.
  const beside = await runCli(["render", file, "--out", `${dir}/o`, "--cache", `${dir}/o`]);
  assert.equal(beside.code, 0, beside.stderr);
  assert.ok((await listFolder(`${dir}/o`))?.includes("a.320x180.mp4"));
});

Deno.test("bad input: an unwritable --out is named, exit 2, nothing written", async () => {
  const { file } = await workflowFile(good);
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/taken`, "a file, not a folder");
  // Every folder is checked before any is made: the store's was made, empty, before the output folder was refused.
  const result = await runCli([
    "render",
    file,
    "--out",
    `${dir}/taken/videos`,
    "--cache",
    `${dir}/new-cache`,
  ]);
  assertCleanInputError(result, /✖ Cannot write to the output folder .*taken\/videos/);
  assert.match(result.stderr, /Choose another folder with --out/);
  assert.deepEqual(await listFolder(dir), ["taken"]);
  // And --cache: the hint names the flag given (or the variable).
  const cache = await runCli(["render", file, "--out", `${dir}/out`, "--cache", `${dir}/taken/cache`]);
  assertCleanInputError(cache, /✖ Cannot write to the cache folder .*taken\/cache/);
  assert.match(cache.stderr, /Choose another folder with --cache \(or REEL_CACHE\)/);
  assert.deepEqual(await listFolder(dir), ["taken"]);
  // --cache beside a folder --store, which is the store: refused (fi: an empty --cache was made, never used).
  const both = await runCli([
    "render",
    file,
    "--out",
    `${dir}/out`,
    "--cache",
    `${dir}/a`,
    "--store",
    `${dir}/b`,
  ]);
  assertCleanInputError(both, /✖ --cache and --store both name the artifact store/);
  assert.deepEqual(await listFolder(dir), ["taken"]);
  // A folder of the store's own that cannot be written: every step used to fail with its raw message, exit 1.
  await Deno.mkdir(`${dir}/cache`);
  await Deno.writeTextFile(`${dir}/cache/claims`, "a file, not a folder");
  const claims = await runCli(["render", file, "--out", `${dir}/out`, "--cache", `${dir}/cache`]);
  assertCleanInputError(
    claims,
    /✖ Cannot write to the cache folder .*cache\/claims: a file of that name is in the way/,
  );
  assert.equal(await listFolder(`${dir}/out`), null);
});

Deno.test("bad input: an unknown flag or a missing file exits 2", async () => {
  const { file } = await workflowFile(good);
  const flag = await runCli(["render", file, "--fromat", "16:9"]);
  assert.equal(flag.code, 2);
  assert.match(
    flag.stderr,
    new RegExp(
      String.raw`^✖ Unknown option '--fromat' \(did you mean --format\?\)\n {2}See ` +
        String.raw`(?:deno|npx -y deno@\S+) task reel render --help\n$`,
    ),
  );
  const missing = await runCli(["render", `${file}.nope.ts`]);
  assertCleanInputError(missing, /✖ Workflow file not found/);
  // A relative path is said with the folder it was looked for in (before: the path alone).
  const dir = file.slice(0, file.lastIndexOf("/"));
  const relative = await runCli(["render", "nope.ts"], { cwd: dir });
  assertCleanInputError(
    relative,
    new RegExp(`✖ Workflow file not found: nope\\.ts \\(in ${RegExp.escape(dir)}\\)`),
  );
  // A near miss of a file beside it is offered, as the path was written (nt20: `tide.ts` beside `tides.ts`).
  const name = file.slice(dir.length + 1);
  const typo = `${name.slice(0, 2)}${name.slice(3)}`;
  assert.match(
    (await runCli(["render", typo], { cwd: dir })).stderr,
    new RegExp(`\n  Did you mean ${RegExp.escape(name)}\\?`),
  );
  const typoPath = await runCli(["render", `${dir}/${typo}`]);
  assertCleanInputError(typoPath, new RegExp(`Did you mean ${RegExp.escape(file)}\\?`));
  // A path through a file names that file (rv42: it crashed with NotADirectory, exit 1).
  const through = await runCli(["render", `${file}/x.ts`]);
  assertCleanInputError(
    through,
    new RegExp(
      `✖ Workflow file not found: ${RegExp.escape(file)}/x\\.ts\n {2}${
        RegExp.escape(file)
      } is a file, not a folder`,
    ),
  );
});

Deno.test("bad input: a workflow or folder that loops, has too long a name or cannot be read exits 2", async () => {
  // fi22: each stopped with Deno's words and its trace, exit 1.
  const { file, out } = await workflowFile(good);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await Deno.symlink(`${dir}/loop-b`, `${dir}/loop-a`);
  await Deno.symlink(`${dir}/loop-a`, `${dir}/loop-b`);
  const long = `${dir}/${"a".repeat(300)}`;
  for (
    const [args, said] of [
      [["render", `${dir}/loop-a`], /✖ Cannot read the workflow file .*\/loop-a: its links loop\n/],
      [["plan", `${long}.json`], /✖ Cannot read the workflow file .*a{300}\.json: its name is too long\n/],
      [
        ["render", file, "--cache", `${dir}/loop-a`],
        /✖ Cannot write to the cache folder .*\/loop-a: its links loop\n/,
      ],
      [
        ["render", file, "--out", long],
        /✖ Cannot write to the output folder .*a{300}: its name is too long\n/,
      ],
      // rv43: --store too (before: Deno's FilesystemLoop from the store's status, exit 1).
      [
        ["render", file, "--store", `${dir}/loop-a`],
        /✖ Cannot write to the store folder .*\/loop-a: its links loop\n/,
      ],
      [
        ["plan", file, "--cache", `${dir}/loop-a`],
        /✖ Cannot use the cache folder .*\/loop-a: its links loop\n/,
      ],
      [["cache", "ls", "--cache", long], /✖ Cannot use the cache folder .*a{300}: its name is too long\n/],
      // Read as an empty store before ("0 of 9 steps stored"), exit 0.
      [["estimate", file, "--cache", file], /✖ No store at .* \(it is a file\)\n/],
    ] as const
  ) {
    const result = await runCli([...args]);
    assertCleanInputError(result, said);
  }
  assert.equal(await listFolder(out), null);
  // Where an output goes, and a file a custom step names.
  await Deno.mkdir(out);
  await Deno.symlink(`${dir}/loop-a`, `${out}/a.320x180.mp4`);
  assertCleanInputError(
    await runCli(["render", file, "--out", out]),
    /✖ Cannot write the output .*\/a\.320x180\.mp4 \(step a\/video@320x180\): its links loop\n/,
  );
  await Deno.remove(out, { recursive: true });
  const custom = `${dir}/custom.ts`;
  await Deno.writeTextFile(
    custom,
    `import { step, workflow } from "${MOD_URL}";\nexport default workflow({ steps: [step({ id: "a", ` +
      `files: [${JSON.stringify(`${file}/x.mp4`)}, "loop-a"], run: () => 1 })] });\n`,
  );
  const files = await runCli(["render", custom, "--out", out]);
  assertCleanInputError(
    files,
    /✖ Cannot read .*\/x\.mp4: .* is a file, not a folder\n {2}→ at steps\[0\]\.files\[0\]/,
  );
  assert.match(files.stderr, /✖ Cannot read .*\/loop-a: its links loop\n {2}→ at steps\[0\]\.files\[1\]/);
  // One this user may not read (under root, without root's rights over files).
  await Deno.chmod(file, 0o000);
  const unreadable = await runCli(["render", file, "--out", out], { withoutRootRights: true });
  await Deno.chmod(file, 0o644);
  assertCleanInputError(unreadable, /✖ Cannot read the workflow file .*: permission denied\n/);
});

Deno.test("bad input: an unknown voice, a background that is not an image, an oversized format: exit 2 before any step", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/not-an-image.png`, "<html>not an image</html>");
  const { file, out } = await workflowFile({
    formats: ["20000x20000"],
    videos: [{
      id: "a",
      sections: [{
        title: "T",
        narration: "Hello.",
        voice: { provider: "flite", voice: "bob" },
        background: { image: `${dir}/not-an-image.png` },
      }],
    }],
  });
  // A size no encoder takes is said with the fields' own mistakes (an `fps: 29.97` beside it, nt2), then, once it
  // is mended, what depends on the machine and on other fields.
  const sized = await runCli(["render", file, "--out", out]);
  assertCleanInputError(sized, /Expected 16 to 7680 pixels a side \(got 20000x20000\)/);
  await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace("20000x20000", "320x180"));
  const result = await runCli(["render", file, "--out", out]);
  assertCleanInputError(result, /Unknown flite voice "bob": expected one of kal, kal16, awb, rms, slt/);
  assert.match(result.stderr, /→ at videos\[0\]\.sections\[0\]\.voice\.voice/);
  assert.match(result.stderr, /Not a PNG or JPEG image: .*not-an-image\.png/);
  assert.equal(await listFolder(out), null);
  const espeak = await workflowFile({
    formats: ["320x180"],
    videos: [{
      id: "a",
      sections: [{ title: "T", narration: "Hi.", voice: { provider: "espeak", voice: "xx-nowhere" } }],
    }],
  });
  const unknown = await runCli(["render", espeak.file, "--out", espeak.out]);
  assertCleanInputError(unknown, /Unknown espeak-ng voice "xx-nowhere"/);
  // Named like every other mistake of the file: where, and in which file.
  assert.match(unknown.stderr, /→ at videos\[0\]\.sections\[0\]\.voice/);
  assert.ok(unknown.stderr.includes(espeak.file), unknown.stderr);
  assert.equal(await listFolder(espeak.out), null);
});

Deno.test("bad input: a wrong type names the type expected and the type given at its path, line and column", async () => {
  // nt9: a TypeScript workflow's mistakes named the path alone, a JSON or YAML file's its line and column too.
  const file = await writeWorkflowFile(`const second = { title: 42, narration: "Typo." };
export default workflow({
  formats: ["320x180"],
  videos: [{
    id: "a",
    sections: [{ title: "T", narration: "Hi." }, second, { title: "V", narraton: "Typo." }],
  }],
});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const result = await runCli(["render", file, "--out", out]);
  // writeWorkflowFile puts two lines of imports above the body.
  assertCleanInputError(
    result,
    /✖ Expected a string, got a number\n {2}→ at videos\[0\]\.sections\[1\]\.title, line 3, column 25 \(/,
  );
  assert.match(
    result.stderr,
    /Unknown field "narraton".*\n {2}→ at videos\[0\]\.sections\[2\], line 8, column 72 \(/,
  );
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a syntax error names its line and column, exit 2, nothing written", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  formats: ["320x180"],
  videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }] }]
  fps: 1,
});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const result = await runCli(["render", file, "--out", out]);
  // writeWorkflowFile puts two lines of imports above the body.
  assertCleanInputError(result, /✖ Syntax error: Expected ',', got 'fps'\n {2}→ at line 6, column 3 \(/);
  assert.ok(result.stderr.includes(`(${file})`), result.stderr);
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a program given as a workflow is not text, exit 2; a Latin-1 comment is none", async () => {
  const dir = await tempDir("reel-not-text-");
  const encode = (text: string) => [...new TextEncoder().encode(text)];
  const cases: [string, number[], RegExp][] = [
    // A program's first bytes, named .json (before: "Syntax error: Unexpected token '\x7f'").
    [
      "program.json",
      [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00],
      /The file is not text: it holds a NUL byte.*\n.*line 1, column 8 /,
    ],
    // A transport stream named as a TypeScript file (its packets begin with 0x47).
    ["clip.ts", [0x47, 0x40, 0x00, 0x10], /The file is not text: it holds a NUL byte.*\n.*line 1, column 3 /],
  ];
  for (const [name, bytes, message] of cases) {
    await Deno.writeFile(`${dir}/${name}`, new Uint8Array(bytes));
    const result = await runCli(["render", `${dir}/${name}`, "--out", `${dir}/out`]);
    assertCleanInputError(result, message);
    assert.ok(result.stderr.includes(`(${dir}/${name})`), result.stderr);
  }
  assert.equal(await listFolder(`${dir}/out`), null);
  // Latin-1 in a comment is no matter (rv44: the file was refused whole, though it rendered before).
  await Deno.writeFile(
    `${dir}/comment.yaml`,
    new Uint8Array([
      ...encode("# caf"),
      0xe9,
      ...encode("\nvideos:\n  - id: a\n    sections:\n"),
      ...encode(
        "      - { title: T, narration: Hi. }\n",
      ),
    ]),
  );
  const plan = await runCli(["plan", `${dir}/comment.yaml`, "--cache", `${dir}/cache`]);
  assert.equal(plan.code, 0, plan.stderr);
});

Deno.test("bad input: a folder given as a background image is named at its path, exit 2", async () => {
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/images`);
  const file = `${dir}/lesson.ts`;
  await Deno.writeTextFile(
    file,
    `export default ${
      JSON.stringify({
        formats: ["320x180"],
        videos: [{ id: "a", sections: [{ title: "T", narration: "Hi.", background: { image: "images/" } }] }],
      })
    };`,
  );
  const result = await runCli(["render", file, "--out", `${dir}/out`]);
  assertCleanInputError(
    result,
    /✖ Expected an image file, got a folder: .*\/images\/\n {2}→ at videos\[0\]\.sections\[0\]\.background\.image/,
  );
  assert.deepEqual(await listFolder(dir), ["images", "lesson.ts"]);
});

Deno.test("bad input: a CMYK JPEG as a background or a picture is named at its field, exit 2 (slides cannot draw it)", async () => {
  // Before: exit 0, and the slide showed its colour alone where the image should be.
  const dir = await tempDir();
  await Deno.copyFile(new URL("../fixtures/cmyk.jpg", import.meta.url), `${dir}/print.jpg`);
  const file = `${dir}/lesson.ts`;
  for (
    const [field, section] of [
      ["background.image", { background: { color: "#102030", image: "print.jpg" } }],
      ["picture.file", { picture: { file: "print.jpg" } }],
    ] as const
  ) {
    await Deno.writeTextFile(
      file,
      `export default ${
        JSON.stringify({
          formats: ["320x180"],
          videos: [{ id: "a", sections: [{ title: "T", narration: "Hi.", ...section }] }],
        })
      };`,
    );
    const result = await runCli(["render", file, "--out", `${dir}/out`]);
    assertCleanInputError(
      result,
      /✖ .*print\.jpg.*the JPEG is CMYK, which slides cannot draw: save it as RGB/,
    );
    assert.ok(result.stderr.includes(`→ at videos[0].sections[0].${field}`), result.stderr);
    assert.deepEqual(await listFolder(dir), ["lesson.ts", "print.jpg"]);
  }
});

Deno.test("bad input: a PNG picture or background with a malformed side chunk is named at its field, exit 2; a PNG with unusual side chunks is drawn", async () => {
  // Before: exit 0, and the slide showed its colour alone where the image should be (resvg's decoder refused the
  // chunk and resvg left the image out without a word).
  const dir = await tempDir();
  const red = encodePng(
    new Uint8Array(64 * 64 * 4).map((_, at) => at % 4 === 0 || at % 4 === 3 ? 255 : 0),
    64,
    64,
  );
  const withChunks = (chunks: [string, string | Uint8Array][]) =>
    concatBytes([
      red.subarray(0, 33),
      ...chunks.map(([type, data]) =>
        pngChunk(type, typeof data === "string" ? new TextEncoder().encode(data) : data)
      ),
      red.subarray(33),
    ]);
  const phys = new Uint8Array([0, 0, 11, 19, 0, 0, 11, 19, 1]);
  await Deno.writeFile(`${dir}/twice.png`, withChunks([["pHYs", phys], ["pHYs", phys]]));
  await Deno.writeFile(`${dir}/gamma.png`, withChunks([["gAMA", new Uint8Array([1])]]));
  const file = `${dir}/lesson.ts`;
  for (
    const [field, section, message] of [
      [
        "picture.file",
        { picture: { file: "twice.png" } },
        /twice\.png as an image: the PNG is malformed \(it has two pHYs chunks\), which slides cannot draw/,
      ],
      [
        "background.image",
        { background: { color: "#102030", image: "gamma.png" } },
        /gamma\.png as an image: the PNG is malformed \(its gAMA chunk holds 1 byte, not 4\), which slides cannot draw/,
      ],
    ] as const
  ) {
    await Deno.writeTextFile(
      file,
      `export default ${
        JSON.stringify({
          formats: ["320x180"],
          videos: [{
            id: "a",
            sections: [{ title: "T", narration: "Hi." }, { title: "U", narration: "Hi.", ...section }],
          }],
        })
      };`,
    );
    const result = await runCli(["render", file, "--out", `${dir}/out`]);
    assertCleanInputError(result, new RegExp(`✖ Cannot use .*${message.source}`));
    assert.ok(result.stderr.includes(`→ at videos[0].sections[1].${field}`), result.stderr);
    assert.equal(result.stderr.match(/✖/g)?.length, 1, result.stderr);
    assert.deepEqual(await listFolder(dir), ["gamma.png", "lesson.ts", "twice.png"]);
  }
  // A private side chunk, text chunks, and a chunk the renderer does not read given twice: drawn.
  await Deno.writeFile(
    `${dir}/unusual.png`,
    withChunks([["prVt", "private"], ["tEXt", "Title\0red"], ["tIME", new Uint8Array(7)], [
      "tIME",
      new Uint8Array(7),
    ]]),
  );
  await Deno.writeTextFile(
    file,
    `export default ${
      JSON.stringify({
        formats: ["160x90"],
        titleCard: false,
        voice: { provider: "espeak", voice: "en-us" },
        videos: [{
          id: "a",
          sections: [{ title: "T", narration: "Hi.", picture: { file: "unusual.png", caption: false } }],
        }],
      })
    };`,
  );
  const result = await runCli(["render", file, "--out", `${dir}/out`]);
  assert.equal(result.code, 0, result.stderr);
  const pixel = await pixelAt(`${dir}/out/a.160x90.mp4`, 0.2, 80, 45);
  assert.ok(colourDistance(pixel, [255, 0, 0]) <= 30, `the picture's red, not ${pixel}`);
});

Deno.test("bad input: an ffmpeg without the flite filter fails a flite voice before any step, exit 2", async () => {
  const fake = await fakeFfmpegWithoutFlite(await tempDir());
  const env = { REEL_FFMPEG: fake.ffmpeg, REEL_FFPROBE: fake.ffprobe };
  const { file, out } = await workflowFile(good); // the default voice is flite
  const result = await runCli(["render", file, "--out", out], { env });
  assertCleanInputError(result, /✖ The ffmpeg at .*\/ffmpeg has no flite filter/);
  assert.match(result.stderr, /--enable-libflite/);
  assert.match(result.stderr, /provider: "espeak"/);
  assert.equal(await listFolder(out), null);
  assert.equal(await listFolder(`${out}/../.reel`), null);
  // espeak-ng voices do not need it.
  const espeak = await workflowFile({
    ...good,
    voice: { provider: "espeak", voice: "en-us" },
  });
  const spoken = await runCli(["render", espeak.file, "--out", espeak.out, "--quiet"], { env });
  assert.equal(spoken.code, 0, spoken.stderr);
  assert.deepEqual(await listFolder(espeak.out), ["a.320x180.mp4", "a.srt", "a.vtt", "report.html"]);
});

Deno.test("bad input: a provider baseUrl that is not http or https is named at its field by plan and render, exit 2, no request", async () => {
  const { file, out } = await workflowFile({
    ...good,
    providers: { x: { api: "openai", baseUrl: "ftp://127.0.0.1/v1" } },
    voice: { provider: "x", voice: "alloy" },
  });
  for (const args of [["plan", file], ["render", file, "--out", out]]) {
    const result = await runCli(args);
    assertCleanInputError(
      result,
      /✖ Expected an http:\/\/ or https:\/\/ URL like https:\/\/api\.openai\.com/,
    );
    assert.match(result.stderr, new RegExp(`→ at providers\\.x\\.baseUrl${PLACED} \\(`));
    assert.ok(result.stderr.includes(`(${file})`), result.stderr);
  }
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a custom step's misspelled input offers the nearest step id, by plan and render, exit 2, nothing written", async () => {
  const file = await writeWorkflowFile(`export default workflow({ ...${JSON.stringify(good)}, steps: [
    step({ id: "split", inputs: ["a/s1/speech"], run: () => 1 }),
    step({ id: "merge", inputs: ["splitt"], run: (inputs) => inputs.split?.value ?? null }),
  ] });`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  for (const args of [["plan", file], ["render", file, "--out", out]]) {
    const result = await runCli(args);
    assertCleanInputError(
      result,
      /✖ Unknown step "splitt" \(did you mean "split"\?\)\n {2}→ at steps\[1\]\.inputs\[0\]/,
    );
  }
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a TypeScript workflow's value that contains itself, nests without end, holds too many places, has a hole in a list or throws when read is named at its path, exit 2, nothing written", async () => {
  // Before: zod's message turned the value into JSON (a circular structure, or a stack overflow), a crash.
  const cases = [
    {
      body: `const section: Record<string, unknown> = { title: "T", narration: "Hi." };
section.again = section;
export default workflow({ formats: ["320x180"], videos: [{ id: "a", sections: [section as never] }] });`,
      message:
        /✖ A value that contains itself: a workflow's values must be plain data\n {2}→ at videos\[0\]\.sections\[0\]\.again, line 3, column 42 \(/,
    },
    {
      body: `let extra: Record<string, unknown> = {};
for (let i = 0; i < 100_000; i++) extra = { extra };
export default workflow({ formats: ["320x180"], videos: [{ id: "a", sections: [{ title: "T", narration: "Hi.", extra } as never] }] });`,
      message:
        /✖ Nested too deeply: reel reads at most 100 levels of objects and lists\n {2}→ at videos\[0\]\.sections\[0\]\.extra\.extra\.extra.*…, line 5, column 112 \(/,
    },
    // Built by sharing: a million million places, which the checks walked one by one (a render that never began).
    {
      body: `let extra: Record<string, unknown> = { v: 1 };
for (let i = 0; i < 40; i++) extra = { a: extra, b: extra };
export default workflow({ formats: ["320x180"], videos: [{ id: "a", sections: [{ title: "T", narration: "Hi.", extra } as never] }] });`,
      message:
        /✖ Too large: reel reads at most 5,000,000 values in a workflow, an object used in several places counted in each\n {2}→ at videos\[0\]\.sections\[0\]\.extra\.a\.a/,
    },
    // Two commas in a row: before, "TypeError: .for is not iterable", exit 1, nothing named.
    {
      body: `// deno-lint-ignore no-sparse-arrays
export default workflow({ formats: ["320x180"], videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }, , { title: "U", narration: "Ho." }] }] });`,
      message:
        /✖ An empty slot in a list \(two commas in a row\?\)\n {2}→ at videos\[0\]\.sections\[1\], line 4, column 79 \(/,
    },
    {
      body: `const section = { title: "T", get narration(): string { throw new Error("no narration yet"); } };
export default workflow({ formats: ["320x180"], videos: [{ id: "a", sections: [section] }] });`,
      message:
        /✖ Reading the value threw: no narration yet\n {2}→ at videos\[0\]\.sections\[0\]\.narration, line 3, column 17 \(/,
    },
    // A class's getter, which the schema alone read: before, an uncaught NotFound with zod's stack, exit 1.
    {
      body: `class Section {
  constructor(public title: string, private file: string) {}
  get narration(): string { return Deno.readTextFileSync(new URL(this.file, import.meta.url)); }
}
export default workflow({ formats: ["320x180"], videos: [{ id: "a", sections: [new Section("T", "notes.txt")] }] });`,
      message:
        /✖ Reading the value threw: No such file or directory.*notes\.txt'\n {2}→ at videos\[0\]\.sections\[0\]\.narration, line 7, column 80 \(/,
    },
    {
      body:
        `export default new (class { formats = ["320x180"]; get videos(): unknown { throw new Error("not yet"); } })();`,
      message: /✖ Reading the value threw: not yet\n {2}→ at videos \(/,
    },
    // A Proxy whose every read throws, the first read being whether it is a Promise: before, uncaught, exit 1.
    {
      body: `export default new Proxy({}, { get() { throw new Error("proxy says no"); } });`,
      message: /✖ Reading the value threw: proxy says no\n {2}→ at the file \(/,
    },
  ];
  for (const { body, message } of cases) {
    const file = await writeWorkflowFile(body);
    const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
    const result = await runCli(["render", file, "--out", out]);
    assertCleanInputError(result, message);
    assert.equal(result.stderr.match(/✖/g)?.length, 1, `one message: ${result.stderr}`);
    assert.equal(await listFolder(out), null);
  }
});

Deno.test("bad input: REEL_FONT_DIR naming a file says the fonts are not found there, exit 2, nothing written", async () => {
  // Before: an uncaught NotADirectory from the fonts' identity (exit 1).
  const { file, out } = await workflowFile(good);
  const result = await runCli(["render", file, "--out", out], { env: { REEL_FONT_DIR: file } });
  assertCleanInputError(
    result,
    /✖ Cannot find the slide font DejaVuSans\.ttf in .*, which REEL_FONT_DIR names/,
  );
  assert.match(result.stderr, /Point REEL_FONT_DIR at a folder holding DejaVuSans\.ttf/);
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a workflow whose default export is a Promise says to await it, exit 2", async () => {
  // Before: "a workflow needs at least one job (videos)", as if the export were empty.
  const file = await writeWorkflowFile(`export default Promise.resolve(workflow(${JSON.stringify(good)}));`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const result = await runCli(["render", file, "--out", out]);
  assertCleanInputError(result, /✖ The default export is a Promise: await it first/);
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: an error a workflow's code lets escape (a promise not awaited, a timer, a thrown string) stops the render, named, exit 2", async () => {
  // fi: Deno's raw "Uncaught (in promise)" trace, exit 1, and mid-render the store's claims left as a kill leaves
  // them, with no summary.
  for (
    const [code, message] of [
      [
        `Deno.readTextFile(new URL("notes.md", import.meta.url)).then(() => {});`,
        /its code let an error escape \(a timer's throw, or a promise it did not await\): NotFound: .*notes\.md/,
      ],
      [
        `setTimeout(() => { throw new Error("late timer"); }, 0);`,
        /its code let an error escape .*: Error: late timer \(at line 3, column \d+ of .*\.ts\)/,
      ],
      // rv2: a thrown value that is no Error has no stack; it was Deno's crash, exit 1.
      [`setTimeout(() => { throw "late string"; }, 0);`, /its code let an error escape .*: late string$/m],
      // fi5: Deno.exit called by a timer once the workflow had loaded ended the render, exit 0, nothing said.
      [
        `if (!("WorkerGlobalScope" in globalThis)) setTimeout(() => Deno.exit(0), 0);`,
        /its code let an error escape .*: Error: The workflow called Deno\.exit\(0\)/,
      ],
    ] as const
  ) {
    const file = await writeWorkflowFile(`${code}\nexport default workflow(${JSON.stringify(good)});`);
    const dir = file.slice(0, file.lastIndexOf("/"));
    const result = await runCli(["render", file, "--out", `${dir}/out`, "--cache", `${dir}/cache`]);
    // Before the run or in it (a loaded machine may start it first): named once, exit 2, no stack trace.
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
    assert.equal(result.stderr.match(/✖ .*its code let an error escape/g)?.length, 1, result.stderr);
    // Stopped as a Ctrl-C stops it: no output, no claim (nor holder) left in the store's claims, if it was opened.
    assert.deepEqual((await listFolder(`${dir}/out`))?.filter((name) => name !== "report.html") ?? [], []);
    assert.deepEqual(await listFolder(`${dir}/cache/claims`) ?? [], []);
  }
});

Deno.test("bad input: a workflow that calls Deno.exit while it loads is named, exit 2, instead of ending the render with 0", async () => {
  const file = await writeWorkflowFile(`Deno.exit(0);\nexport default workflow(${JSON.stringify(good)});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const result = await runCli(["render", file, "--out", out]);
  assertCleanInputError(result, /✖ Importing the file threw: The workflow called Deno\.exit\(0\)/);
  assert.equal(await listFolder(out), null);
});

Deno.test("bad input: a TMPDIR that names a missing folder is said before anything runs, exit 2", async () => {
  // Before: every flite speech step failed with "No such file or directory (os error 2): tmpdir", exit 1.
  const { file, out } = await workflowFile(good);
  const result = await runCli(["render", file, "--out", out], { env: { TMPDIR: `${out}-no-such-tmp` } });
  assertCleanInputError(result, /✖ TMPDIR names \S+no-such-tmp, which does not exist/);
  assert.equal(await listFolder(out), null);
  // A file there, in reel's words (before: "…(os error 20): tmpfile)", then "(Not a directory (os error 20))").
  await Deno.writeTextFile(`${out}-a-file`, "");
  const file2 = await runCli(["render", file, "--out", out], { env: { TMPDIR: `${out}-a-file` } });
  assertCleanInputError(
    file2,
    /✖ TMPDIR names (\S+-a-file), where no file can be made \(\1 is a file, not a folder\)\n/,
  );
});

Deno.test("bad input: --encoder on a lesson is refused as unused, not tried (a hardware one without its driver), exit 2", async () => {
  // nt: h264_nvenc was refused for its test encode (`Cannot load libcuda.so.1`), which sent the user after drivers.
  // (CI's machines have no NVIDIA GPU: the test encode would fail there.)
  const { file, out } = await workflowFile(good);
  const result = await runCli(["render", file, "--out", out, "--encoder", "h264_nvenc"]);
  assertCleanInputError(
    result,
    /✖ --encoder h264_nvenc: no step of these workflows encodes with a chosen encoder/,
  );
  assert.doesNotMatch(result.stderr, /test encode|libcuda/);
  assert.equal(await listFolder(out), null);
});
