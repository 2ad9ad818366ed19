import assert from "node:assert/strict";
import { fixMmapThreshold } from "../../../lib/core/malloc_tuning.ts";

Deno.test("fixMmapThreshold sets glibc's threshold here, and without the FFI permission does nothing", async () => {
  assert.equal(fixMmapThreshold(), Deno.build.os === "linux");
  const module = new URL("../../../lib/core/malloc_tuning.ts", import.meta.url).href;
  const script = `import { fixMmapThreshold } from "${module}"; console.log(fixMmapThreshold());`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, script);
    const { stdout, success } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--no-prompt", file],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.ok(success);
    assert.equal(new TextDecoder().decode(stdout).trim(), "false");
  } finally {
    await Deno.remove(file);
  }
});
