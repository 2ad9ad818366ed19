import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

Deno.test("two workflows rendered at once into one folder, both with a video `same`: the second is refused before any step", async () => {
  // The first render's image call is held at the server until the second has been answered.
  let arrived!: () => void;
  const called = new Promise<void>((resolve) => arrived = resolve);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const server = startFakeOpenAi({
    latency: { min: 1, max: 1 },
    clock: {
      now: () => performance.now(),
      sleep: () => {
        arrived();
        return released;
      },
    },
  });
  const dir = await tempDir("reel-guard-");
  const write = (name: string, section: Record<string, unknown>, providers = {}) =>
    Deno.writeTextFile(
      `${dir}/${name}`,
      `import { workflow } from "${MOD_URL}";
export default workflow(${
        JSON.stringify({ formats: ["64x64"], providers, videos: [{ id: "same", sections: [section] }] })
      });`,
    );
  try {
    await write("a.ts", {
      title: "A",
      narration: "A.",
      image: { provider: "api", prompt: "a", size: "64x64" },
    }, {
      api: { api: "openai", baseUrl: server.url },
    });
    await Deno.mkdir(`${dir}/b`);
    await write("b/b.ts", { title: "B", narration: "B." });
    const first = runCli(["render", "a.ts", "--out", "out"], { cwd: dir });
    await called;
    const second = await runCli(["render", "b.ts", "--out", "../out"], { cwd: `${dir}/b` });
    assert.equal(second.code, 2, second.stderr);
    // The other's workflow by its whole path: the one it was given by was its own folder's.
    assert.match(
      second.stderr,
      /✖ \.\.\/out\/same\.64x64\.mp4 is being written by another render \(process \d+, \/\S+\/a\.ts\) with other content\n/,
    );
    // Refused before any folder is made (fi15: its store was left, empty).
    assert.deepEqual(await listFolder(`${dir}/b`), ["b.ts"]);
    assert.match(second.stderr, /Wait for that render to end, or choose another folder with --out/);
    release();
    const done = await first;
    assert.equal(done.code, 0, done.stderr);
    // Once the first has ended, the second writes its own.
    const again = await runCli(["render", "b.ts", "--out", "../out"], { cwd: `${dir}/b` });
    assert.equal(again.code, 0, again.stderr);
    assert.match(await Deno.readTextFile(`${dir}/out/same.srt`), /\nB\.\n/);
    assert.ok((await listFolder(`${dir}/out`))!.includes("same.64x64.mp4"));
  } finally {
    release();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
