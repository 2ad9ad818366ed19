/**
 * checkReads(): a step whose planned file still holds the bytes of its key passes; one rewritten in place (same
 * size, its modification time put back), replaced by a rename, or removed fails, naming the file and the step.
 */
import assert from "node:assert/strict";
import { UnrecoverableError } from "../../../lib/core/errors.ts";
import { sha256Hex } from "../../../lib/core/sha256.ts";
import { checkReads, withReads } from "../../../lib/media/planned_reads.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("checkReads() fails a step whose file changed after the plan, however it changed", async () => {
  const path = `${await tempDir("reel-reads-")}/pic.png`;
  await Deno.writeTextFile(path, "red");
  const task = { id: "v/s1/slide@16x9", runtime: withReads({}, [{ path, sha256: sha256Hex("red") }]) };
  checkReads(task);
  checkReads({ id: "none", runtime: {} });
  const changed = (what: string) => (error: unknown) => {
    assert.ok(error instanceof UnrecoverableError);
    assert.equal(
      error.message,
      `${path} ${what} after the render planned step "v/s1/slide@16x9" (its key holds the bytes it had then): ` +
        "nothing was stored; render again",
    );
    return true;
  };
  // In place, the same size, its modification time put back: its change time still moved.
  const { mtime } = await Deno.stat(path);
  await Deno.writeTextFile(path, "blu");
  await Deno.utime(path, mtime!, mtime!);
  assert.throws(() => checkReads(task), changed("changed"));
  // Replaced by a rename, then the first bytes back by another.
  await Deno.writeTextFile(`${path}.new`, "blue");
  await Deno.rename(`${path}.new`, path);
  assert.throws(() => checkReads(task), changed("changed"));
  await Deno.writeTextFile(`${path}.new`, "red");
  await Deno.rename(`${path}.new`, path);
  checkReads(task);
  await Deno.remove(path);
  assert.throws(() => checkReads(task), changed("was removed"));
});
