import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { openStore } from "../../../lib/store/open_store.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("openStore() refuses a location that looks like a URL but is not s3://, making no folder of its name", async () => {
  // Before: `--store s3:/bucket` rendered into a folder `s3:/bucket` of the current one, exit 0.
  const dir = await tempDir();
  {
    for (
      const [location, said] of [
        ["s3:/bucket", /^s3:\/bucket is not an S3 location$/],
        ["S3://bucket", /^S3:\/\/bucket is not an S3 location$/],
        ["gs://bucket", /^gs:\/\/bucket is not a folder or an S3 location$/],
        ["file:///tmp/x", /^file:\/\/\/tmp\/x is not a folder or an S3 location$/],
      ] as const
    ) {
      assert.throws(() => openStore(location), (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.match(error.message, said);
        assert.equal(error.where, "--store");
        return true;
      });
    }
    for (const made of ["s3:", "S3:", "gs:", "file:"]) {
      await assert.rejects(Deno.stat(made), Deno.errors.NotFound);
    }
    // A folder whose name holds a colon, given as a path, is a folder.
    const store = openStore(`${dir}/a:b`);
    store.close();
    assert.equal(store.location, `${dir}/a:b`);
  }
});
