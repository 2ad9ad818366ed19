/**
 * libass, through fontconfig, sees the keyed font folders only: a font the user installs elsewhere (here in
 * ~/.fonts, which fontconfig searches by default) is not one it can draw a caption with.
 */
import assert from "node:assert/strict";
import {
  burnedCaptionFont,
  captionFontsDir,
  captionFontsEnv,
  fontconfigFor,
  libassFontsIdentity,
} from "../../../lib/media/libass_fonts.ts";
import { slideFontDirs } from "../../../lib/media/font_dirs.ts";
import { runProcess } from "../../../lib/media/run_process.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** The font files fontconfig lists for this environment. */
async function fontFiles(env: Record<string, string>): Promise<string[]> {
  const { stdout } = await runProcess("fc-list", [":", "file"], { env });
  return new TextDecoder().decode(stdout).split("\n").map((line) => line.replace(/:\s*$/, "").trim())
    .filter((line) => line !== "");
}

Deno.test("fontconfigFor() names each folder once, escaped, and the system's cache first", () => {
  const xml = fontconfigFor(["/a", "/b & c", "/a"]);
  assert.deepEqual([...xml.matchAll(/<dir>([^<]*)<\/dir>/g)].map((match) => match[1]), ["/a", "/b &amp; c"]);
  assert.ok(xml.indexOf("/var/cache/fontconfig") < xml.indexOf(`prefix="xdg"`));
});

Deno.test("captions' fontconfig lists the keyed folders' fonts and not one the user installed", async () => {
  const dirs = slideFontDirs();
  const home = await tempDir();
  await Deno.mkdir(`${home}/.fonts`);
  await Deno.copyFile(`${dirs.primary}/DejaVuSans.ttf`, `${home}/.fonts/Installed.ttf`);
  const scratch = await tempDir();
  const everything = await fontFiles({ HOME: home });
  assert.ok(
    everything.includes(`${home}/.fonts/Installed.ttf`),
    "fontconfig's own search finds the user's font",
  );
  const keyed = await fontFiles({ HOME: home, ...await captionFontsEnv(scratch, dirs.primary) });
  assert.ok(keyed.includes(`${dirs.primary}/DejaVuSans.ttf`));
  assert.ok(!keyed.includes(`${home}/.fonts/Installed.ttf`));
  const folders = [dirs.primary, ...dirs.fallbacks];
  const outside = keyed.filter((file) => !folders.some((dir) => file.startsWith(`${dir}/`)));
  assert.deepEqual(outside, []);
});

Deno.test("libassFontsIdentity() changes with any font fontconfig reads there (italics, subfolders), not with other files", async () => {
  const dir = await tempDir("reel-libass-identity-");
  const font = `${slideFontDirs().primary}/DejaVuSans.ttf`;
  await Deno.copyFile(font, `${dir}/DejaVuSans.ttf`);
  const first = libassFontsIdentity(dir);
  assert.equal(libassFontsIdentity(dir), first);
  await Deno.writeTextFile(`${dir}/README.txt`, "not a font");
  assert.equal(libassFontsIdentity(dir), first, "a file that is not a font");
  await Deno.copyFile(font, `${dir}/Extra-Italic.ttf`);
  const italic = libassFontsIdentity(dir);
  assert.notEqual(italic, first, "an italic font added");
  await Deno.mkdir(`${dir}/more/deeper`, { recursive: true });
  await Deno.copyFile(font, `${dir}/more/deeper/Other-Regular.otf`);
  const deeper = libassFontsIdentity(dir);
  assert.notEqual(deeper, italic, "a font added in a subfolder");
  await Deno.utime(`${dir}/more/deeper/Other-Regular.otf`, new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.equal(libassFontsIdentity(dir), deeper, "a font only touched");
  const bytes = await Deno.readFile(`${dir}/Extra-Italic.ttf`);
  bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
  await Deno.writeFile(`${dir}/Extra-Italic.ttf`, bytes);
  assert.notEqual(libassFontsIdentity(dir), deeper, "a font's bytes changed, its size kept");
  const copy = await tempDir("reel-libass-identity-copy-");
  await Deno.copyFile(`${dir}/DejaVuSans.ttf`, `${copy}/DejaVuSans.ttf`);
  await Deno.copyFile(`${dir}/Extra-Italic.ttf`, `${copy}/Extra-Italic.ttf`);
  await Deno.mkdir(`${copy}/more/deeper`, { recursive: true });
  await Deno.copyFile(`${dir}/more/deeper/Other-Regular.otf`, `${copy}/more/deeper/Other-Regular.otf`);
  assert.equal(libassFontsIdentity(copy), libassFontsIdentity(dir), "the same fonts in another folder");
});

Deno.test("captionFontsDir() is the folder the caption font was found in, the one its identity keys", async () => {
  const dir = await tempDir("reel-caption-dir-");
  await Deno.copyFile(`${slideFontDirs().primary}/DejaVuSans.ttf`, `${dir}/DejaVuSans.ttf`);
  // REEL_FONT_DIR as a user may write it, with a trailing slash.
  const font = await burnedCaptionFont((name) => name === "REEL_FONT_DIR" ? `${dir}/` : undefined);
  assert.ok(font !== null);
  assert.equal(captionFontsDir(font), dir);
  assert.ok(font.identity.endsWith(`-${libassFontsIdentity(dir)}`));
});
