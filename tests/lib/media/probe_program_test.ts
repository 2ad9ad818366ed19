import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { probeProgram, ProbeTimeoutError, runWithin } from "../../../lib/media/probe_program.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** A script whose own child outlives it and holds its output open: the wait must end without it. */
async function wrapperThatHangs(): Promise<string> {
  const path = `${await tempDir("reel-probe-")}/hangs`;
  await Deno.writeTextFile(path, "#!/bin/sh\nsleep 30\n", { mode: 0o755 });
  return path;
}

Deno.test({
  name: "runWithin() ends at its time though a child holds the pipes, and at a cancel as the cancel",
  // The killed script's child reads on until it ends: the pipes it holds are left behind on purpose.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const hangs = await wrapperThatHangs();
    // The time given, not REEL_PROBE_TIMEOUT set here: the tests running beside this one would read it.
    await assert.rejects(
      runWithin(hangs, [], { timeoutMs: 1000 }),
      (error) => error instanceof ProbeTimeoutError && error.seconds === 1,
    );
    // Cancelled (the run's Ctrl-C), it says the cancel, not a hang (review: a hang after the full time).
    const controller = new AbortController();
    const running = runWithin(hangs, [], { signal: controller.signal, timeoutMs: 1000 });
    controller.abort(new Error("stopped by the user"));
    await assert.rejects(running, /stopped by the user/);
  },
});

Deno.test("probeProgram() names a program that fails, with a wrapper's own words when its target is gone", async () => {
  const dir = await tempDir("reel-probe-");
  await Deno.writeTextFile(`${dir}/wrapper`, '#!/bin/sh\n/opt/nowhere/ffmpeg "$@"\n', { mode: 0o755 });
  await assert.rejects(probeProgram(`${dir}/wrapper`, ["-version"], { name: "ffmpeg" }), (error) => {
    assert.ok(error instanceof InputError);
    assert.match(
      error.message,
      /^ffmpeg at .*wrapper does not run: it cannot be executed .*: .*\/opt\/nowhere\/ffmpeg/,
    );
    assert.match(error.hint ?? "", /REEL_FFMPEG/);
    return true;
  });
  await assert.rejects(
    probeProgram("false", ["--x"], { name: "false" }),
    /false at false does not run: `false --x` exited/,
  );
});

Deno.test("probeProgram() says a program killed from outside was killed, not that it must be reinstalled; a crash is its own", async () => {
  // fi15: a SIGKILL of ffmpeg's probe was told "does not run … Reinstall it".
  await assert.rejects(probeProgram("sh", ["-c", "kill -9 $$"], { name: "ffmpeg" }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(
      error.message,
      "ffmpeg at sh was killed (SIGKILL) while answering `sh -c kill -9 $$`: something outside reel ended it",
    );
    assert.match(error.hint ?? "", /^Run the command again/);
    return true;
  });
  await assert.rejects(probeProgram("sh", ["-c", "kill -SEGV $$"], { name: "ffmpeg" }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /^ffmpeg at sh does not run: `sh -c kill -SEGV \$\$` exited with code 139/);
    return true;
  });
});
