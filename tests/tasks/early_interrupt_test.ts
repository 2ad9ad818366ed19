/** A stop while a render's modules load is said and ends it, exit 130; once the render listens, the render's. */
import assert from "node:assert/strict";
import { signalAfter } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";

const MODULE = new URL("../../tasks/_cli/early_interrupt.ts", import.meta.url).href;

/** Runs a script that listens early (and stops listening when `end`), says "ready", then waits; stopped by SIGINT. */
async function stoppedWhileWaiting(end: boolean): Promise<{ code: number; stderr: string }> {
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir}/script.ts`,
    `import { catchEarlyInterrupt, endEarlyInterrupt } from "${MODULE}";
catchEarlyInterrupt();
${end ? "endEarlyInterrupt();" : ""}
setInterval(() => {}, 60_000);
console.log("ready");
`,
  );
  return await signalAfter(["run", `${dir}/script.ts`], { marker: "ready", signal: "SIGINT" });
}

Deno.test("a Ctrl-C while a render's modules load says it was cancelled before any step ran, exit 130", async () => {
  // nt16: a Ctrl-C 0.9 s into a render printed nothing at all.
  const early = await stoppedWhileWaiting(false);
  assert.equal(early.code, 130);
  assert.equal(early.stderr, "✖ Cancelled before any step ran: nothing was made\n");
  // Once the render listens itself, the early listener says nothing: the signal is the render's (here, Deno's).
  const handed = await stoppedWhileWaiting(true);
  assert.equal(handed.code, 130);
  assert.equal(handed.stderr, "");
});
