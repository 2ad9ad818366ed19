/**
 * What a step warns of while a render goes on (see `StepContext.warn`): said with its step as it ends, listed in
 * the closing summary and the report, carried by `--json`'s `step:finished`, kept in the store and said again by
 * every render that uses the step.
 */
import assert from "node:assert/strict";
import { runCli } from "../_support/cli.ts";
import { makeColourImage } from "../_support/test_video.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("an image answered at another size than asked is warned of as it ends, in the summary and the report, and again by a render that finds it stored", async () => {
  const file = await writeWorkflowFile(`export default workflow(${
    JSON.stringify({
      formats: ["64x48"],
      providers: { api: { api: "openai", retries: 0 } },
      videos: [{
        id: "v",
        // Two sections of one picture: one image step makes it, for both (one key).
        sections: ["The sea.", "The sea again."].map((narration) => ({
          title: "Sea",
          narration,
          image: { provider: "api", prompt: "A sea", size: "64x48" },
        })),
      }],
    })
  });`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await makeColourImage(`${dir}/square.png`, { colour: "#0000ff", width: 32, height: 32 });
  const square = await Deno.readFile(`${dir}/square.png`);
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    calls++;
    return Response.json({ data: [{ b64_json: btoa(String.fromCharCode(...square)) }] });
  });
  const warning =
    "⚠ v/s1/image: the provider answered an image of 32×32, not the 64×48 asked: slides draw it " +
    "scaled to cover their frames, its edges cut where its shape differs";
  const render = (...more: string[]) =>
    runCli(["render", file, "--out", `${dir}/out`, "--cache", `${dir}/cache`, ...more], {
      env: { OPENAI_BASE_URL: `http://127.0.0.1:${server.addr.port}` },
    });
  try {
    const first = await render();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(calls, 1);
    // Once as the step ends, once in the summary's list.
    assert.equal(first.stderr.split(warning).length - 1, 2, first.stderr);
    assert.match(first.stderr, new RegExp(`\\nWarnings\\n {2}${RegExp.escape(warning)}\\n`));
    const report = await Deno.readTextFile(`${dir}/out/report.html`);
    assert.match(report, /<h3 class="gap">Warnings<\/h3>.*v\/s1\/image.*not the 64×48 asked/s);
    // Stored: not made again, but warned of again, as the store kept it (before: said once, by the render that
    // made it, and never again while the video showed the scaled picture).
    const again = await render();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(calls, 1);
    assert.equal(again.stderr.split(warning).length - 1, 2, again.stderr);
    // Once a key, as when it was made (rv39: each of the key's steps said it from the store).
    const said = warning.slice("⚠ v/s1/image: ".length);
    for (const render of [first, again]) assert.equal(render.stderr.split(said).length - 1, 2, render.stderr);
    const json = await render("--json");
    const events = json.stdout.trim().split("\n").map((line) => JSON.parse(line));
    const stored = events.find((event) => event.type === "step:finished" && event.step === "v/s1/image");
    assert.equal(stored?.cached, true);
    assert.deepEqual(stored?.warnings, [warning.slice("⚠ v/s1/image: ".length)]);
    // Made again (`--force`): its event carries the warning.
    const forced = await render("--json", "--force-step", "v/s1/image");
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(calls, 2);
    const finished = forced.stdout.trim().split("\n").map((line) => JSON.parse(line))
      .find((event) => event.type === "step:finished" && event.step === "v/s1/image");
    assert.deepEqual(finished?.warnings, [warning.slice("⚠ v/s1/image: ".length)]);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
