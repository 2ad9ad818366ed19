import assert from "node:assert/strict";
import { writeTextSync } from "../../../lib/report/sync_writer.ts";

Deno.test("writeTextSync() keeps writing until a short writer has taken every byte", () => {
  const chunks: number[][] = [];
  const writer = {
    writeSync(bytes: Uint8Array): number {
      const n = Math.min(2, bytes.length);
      chunks.push([...bytes.subarray(0, n)]);
      return n;
    },
  };
  writeTextSync(writer, "héllo");
  assert.equal(new TextDecoder().decode(new Uint8Array(chunks.flat())), "héllo");
  assert.equal(chunks.length, 3);
});

Deno.test("writeTextSync() writes nothing for empty text", () => {
  let calls = 0;
  writeTextSync({ writeSync: (bytes) => (calls++, bytes.length) }, "");
  assert.equal(calls, 0);
});

Deno.test("writeTextSync() throws when the writer makes no progress", () => {
  assert.throws(() => writeTextSync({ writeSync: () => 0 }, "x"), /wrote 0 bytes/);
});
