/**
 * `deno task test`: checks that the programs the tests need are installed (and says exactly what to install when
 * not), runs the test suite and the doc examples, and ends with one line `N passed, N failed`.
 * @module
 */
import { openSystemLibrary } from "../lib/core/open_library.ts";
import { findOnPath } from "../lib/media/find_binary.ts";

const needs = [
  ["ffmpeg", "ffmpeg"],
  ["ffprobe", "ffmpeg"],
  ["espeak-ng", "espeak-ng"],
  ["chromium", "chromium"],
] as const;
const missing = new Set<string>();
for (const [binary, debianPackage] of needs) {
  if (await findOnPath(binary) === null) missing.add(debianPackage);
}
// The slide tests draw with DejaVu Sans (or the fonts in REEL_FONT_DIR) and test fallback to the system's Noto,
// Noto CJK and Symbola fonts for Chinese, Japanese, Korean and emoji.
const fonts = [
  [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "fonts-dejavu-core",
    Deno.env.get("REEL_FONT_DIR") === undefined,
  ],
  ["/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "fonts-noto-core", true],
  ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "fonts-noto-cjk", true],
  ["/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "fonts-symbola", true],
] as const;
for (const [file, debianPackage, needed] of fonts) {
  try {
    await Deno.stat(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    if (needed) missing.add(debianPackage);
  }
}
// The PNG decoder's tests check every inflater, libdeflate's included (through FFI).
const libdeflate = openSystemLibrary("libdeflate.so.0", {});
if (libdeflate === null) missing.add("libdeflate0");
libdeflate?.close();
if (missing.size > 0) {
  console.error(`✖ The tests need ${[...missing].join(", ")}`);
  console.error(
    `  Install with: sudo apt-get install -y ${[...missing].join(" ")}   (or run scripts/setup.sh)`,
  );
  Deno.exit(2);
}

const root = new URL("..", import.meta.url).pathname;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "test",
    "--allow-all",
    "--parallel",
    "--doc",
    ...(Deno.args.length > 0 ? Deno.args : ["tests/", "lib/", "mod.ts", "README.md"]),
  ],
  cwd: root,
  stdout: "piped",
  stderr: "inherit",
  env: { NO_COLOR: "1" },
}).spawn();
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  const text = decoder.decode(chunk, { stream: true });
  await Deno.stdout.write(chunk);
  tail = (tail + text).slice(-4000);
}
const status = await child.status;
const counts = /(\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/.exec(tail);
if (counts === null) {
  console.log(`0 passed, 1 failed`);
  Deno.exit(status.success ? 1 : status.code);
}
console.log(`${counts[1]} passed, ${counts[3]} failed`);
Deno.exit(status.success ? 0 : 1);
