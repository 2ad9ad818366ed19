import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { ensureWritableFolder } from "../../../lib/run/render_workflows.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("ensureWritableFolder() says a folder the system will not make there cannot be made there", async () => {
  // nt22: "/proc/nope: not found" read as a mistyped name; /proc is there, and makes no folder.
  await assert.rejects(
    ensureWritableFolder("/proc/reel-no-folder/out", "output folder"),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(
        error.message,
        "Cannot write to the output folder /proc/reel-no-folder/out: " +
          "it cannot be made there (the system says not found)",
      );
      return true;
    },
  );
  const dir = await tempDir("reel-writable-folder-");
  // One it can make is made.
  await ensureWritableFolder(`${dir}/made/out`, "output folder");
  assert.ok((await Deno.stat(`${dir}/made/out`)).isDirectory);
});
