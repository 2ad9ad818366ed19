/** pocketsphinx's identity, which keys every chunk it hears, is what its files hold, not where they lie. */
import assert from "node:assert/strict";
import { findPocketsphinx, pocketsphinxIdentity } from "../../../lib/media/pocketsphinx.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const program = await findPocketsphinx();

Deno.test({
  name:
    "pocketsphinxIdentity() of a byte-identical copy at another path is the installed one's; of a changed copy not",
  ignore: program === null,
  fn: async () => {
    // Before: each file was digested with its path, so REEL_POCKETSPHINX at a copy (or another container's layout)
    // heard every chunk again, to the same words (cache-key audit).
    const dir = await tempDir();
    const copy = `${dir}/asr`;
    await Deno.copyFile(program!, copy);
    await Deno.chmod(copy, 0o755);
    const installed = await pocketsphinxIdentity(program!);
    assert.equal(await pocketsphinxIdentity(copy), installed);
    // One byte more at its end: it still runs, and is another binary.
    const bytes = await Deno.readFile(copy);
    await Deno.writeFile(copy, new Uint8Array([...bytes, 0]));
    assert.notEqual(await pocketsphinxIdentity(copy), installed);
  },
});
