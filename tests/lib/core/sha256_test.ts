import assert from "node:assert/strict";
import { sha256File, sha256Hex } from "../../../lib/core/sha256.ts";

Deno.test("sha256File hashes many files at once through its few buffers, a missing file among them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Sizes around the megabyte read, so that buffers are reused with stale bytes past each read's end.
    const sizes = [
      0,
      1,
      1000,
      (1 << 20) - 1,
      1 << 20,
      (1 << 20) + 1,
      3 << 20,
      5,
      77_777,
      2 << 20,
      12,
      1 << 19,
    ];
    const files = sizes.map((size, i) => {
      const bytes = new Uint8Array(size).map((_, j) => (j * 31 + i * 7) & 0xff);
      return { path: `${dir}/${i}.bin`, bytes };
    });
    for (const file of files) await Deno.writeFile(file.path, file.bytes);
    // More missing files than buffers: each failed open must give its buffer back, or the rest wait for ever.
    const missing = Array.from({ length: 6 }, (_, i) => sha256File(`${dir}/missing-${i}.bin`));
    const settled = await Promise.allSettled([...missing, ...files.map((file) => sha256File(file.path))]);
    for (const result of settled.slice(0, missing.length)) {
      assert.ok(result.status === "rejected" && result.reason instanceof Deno.errors.NotFound);
    }
    const digests = settled.slice(missing.length);
    assert.deepEqual(digests, files.map((file) => ({ status: "fulfilled", value: sha256Hex(file.bytes) })));
    // And a second round, after every failure, still has every buffer.
    const again = await Promise.all(files.map((file) => sha256File(file.path)));
    assert.deepEqual(again, files.map((file) => sha256Hex(file.bytes)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
