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
    const [missing, ...digests] = await Promise.allSettled([
      sha256File(`${dir}/missing.bin`),
      ...files.map((file) => sha256File(file.path)),
    ]);
    assert.ok(missing!.status === "rejected" && missing.reason instanceof Deno.errors.NotFound);
    assert.deepEqual(digests, files.map((file) => ({ status: "fulfilled", value: sha256Hex(file.bytes) })));
    // A failed read gave its buffer back: more files than buffers still finish.
    const again = await Promise.all(files.map((file) => sha256File(file.path)));
    assert.deepEqual(again, files.map((file) => sha256Hex(file.bytes)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
