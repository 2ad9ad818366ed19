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

Deno.test("slideFontsIdentity() changes with REEL_FONT_DIR and with the font files in it", async () => {
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
    assert.notEqual(await identityWith(second), original, "another folder");
    await Deno.utime(`${first}/${PRIMARY_FILES[0]}`, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = await identityWith(first);
    assert.notEqual(touched, original, "a font file changed");
    await Deno.copyFile(`${first}/${PRIMARY_FILES[1]}`, `${first}/Extra-Regular.ttf`);
    assert.notEqual(await identityWith(first), touched, "a fallback font added");
  } finally {
    await Deno.remove(first, { recursive: true });
    await Deno.remove(second, { recursive: true });
  }
});
