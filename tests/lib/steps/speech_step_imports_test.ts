/**
 * A worker's speech step does not load node:crypto (about 50 ms of every worker's start): nothing the step
 * imports reaches it. Checked on the module graph Deno resolves.
 */
import assert from "node:assert/strict";

Deno.test("speech step: its module graph does not reach node:crypto", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("../../../lib/steps/speech/speech_step.ts", import.meta.url).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as { modules: { specifier: string }[] };
  const specifiers = graph.modules.map((module) => module.specifier);
  assert.ok(
    specifiers.some((specifier) => specifier.endsWith("/lib/media/find_binary.ts")),
    "the graph was read",
  );
  assert.deepEqual(specifiers.filter((specifier) => specifier.includes("crypto")), []);
});
