import assert from "node:assert/strict";
import { PRIMARY_FILES } from "../../../../../lib/providers/local/slides/_fonts.ts";
import { slideFontDirs } from "../../../../../lib/media/font_dirs.ts";
import { slideFontsIdentity } from "../../../../../lib/providers/local/slides/slide_fonts_identity.ts";

/** The identity a fresh process computes with REEL_FONT_DIR set to `dir`. */
async function identityWith(dir: string): Promise<string> {
  const module =
    new URL("../../../../../lib/providers/local/slides/slide_fonts_identity.ts", import.meta.url).href;
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { slideFontsIdentity } from "${module}"; console.log(await slideFontsIdentity());`,
    ],
    env: { REEL_FONT_DIR: dir },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(code, 0);
  return new TextDecoder().decode(stdout).trim();
}

Deno.test("slideFontsIdentity() is short and stable", async () => {
  const identity = await slideFontsIdentity();
  assert.match(identity, /^[0-9a-f]{16}$/);
  assert.equal(await slideFontsIdentity(), identity);
});

Deno.test("slideFontsIdentity() changes with the fonts' bytes, not with their folder or times", async () => {
  const first = await Deno.makeTempDir();
  const second = await Deno.makeTempDir();
  try {
    for (const dir of [first, second]) {
      for (const file of PRIMARY_FILES) {
        await Deno.copyFile(`${slideFontDirs().primary}/${file}`, `${dir}/${file}`);
      }
    }
    const original = await identityWith(first);
    assert.match(original, /^[0-9a-f]{16}$/);
    assert.equal(await identityWith(first), original);
    assert.equal(await identityWith(second), original, "the same fonts in another folder");
    const font = `${first}/${PRIMARY_FILES[0]}`;
    await Deno.utime(font, new Date(2001, 1, 1), new Date(2001, 1, 1));
    assert.equal(await identityWith(first), original, "a font only touched");
    // One byte of a glyph changed in place, the size and modification time as they were (`cp -p` of an edit).
    const bytes = await Deno.readFile(font);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    await Deno.writeFile(font, bytes);
    await Deno.utime(font, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const edited = await identityWith(first);
    assert.notEqual(edited, original, "a font's bytes changed");
    await Deno.copyFile(`${first}/${PRIMARY_FILES[1]}`, `${first}/Extra-Regular.ttf`);
    assert.notEqual(await identityWith(first), edited, "a fallback font added");
  } finally {
    await Deno.remove(first, { recursive: true });
    await Deno.remove(second, { recursive: true });
  }
});
