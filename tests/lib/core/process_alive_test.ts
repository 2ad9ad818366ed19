/** A process's life as those who clean up after it see it: running, gone, or ended and not yet reaped. */
import assert from "node:assert/strict";
import { processAlive } from "../../../lib/core/process_alive.ts";

Deno.test({
  name: "processAlive() is true of a running process, false of one gone and of one ended but not reaped",
  // Read from /proc, as processAlive reads it there.
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    assert.equal(await processAlive(Deno.pid), true);
    // A child that ends once its parent, a shell, has become `sleep`, which never reaps it: a zombie. (Ended before,
    // it could be reaped by the shell.)
    const parent = new Deno.Command("sh", {
      args: ["-c", `(while [ "$(cat /proc/$$/comm)" != sleep ]; do :; done) & echo $!; exec sleep 30`],
      stdout: "piped",
    }).spawn();
    try {
      const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      const zombie = Number(value!.trim());
      assert.equal(await processAlive(parent.pid), true);
      // It has ended once its state says so: read until it does (a few milliseconds), never slept on.
      let state = "";
      for (let reads = 0; reads < 100_000 && state !== "Z"; reads++) {
        const stat = await Deno.readTextFile(`/proc/${zombie}/stat`);
        state = stat.slice(stat.lastIndexOf(")") + 1).trim()[0]!;
      }
      assert.equal(state, "Z");
      // fi11: a killed render not yet reaped was taken for a running one, and what it left was kept.
      assert.equal(await processAlive(zombie), false);
    } finally {
      parent.kill("SIGKILL");
      await parent.status;
    }
    assert.equal(await processAlive(parent.pid), false);
  },
});
