import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { MOD_URL, writeWorkflowFile } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

async function lesson(
  extra: Record<string, unknown> = {},
  sections?: unknown[],
): Promise<{ file: string; dir: string }> {
  const workflow = {
    formats: ["160x90"],
    videos: [{
      id: "v",
      sections: sections ?? [{ title: "A", narration: "First part." }, { title: "B", narration: "Second." }],
    }],
    ...extra,
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(workflow)});`);
  return { file, dir: file.slice(0, file.lastIndexOf("/")) };
}

async function storeTemporaries(dir: string): Promise<string[]> {
  return await listFolder(`${dir}/.reel/tmp`) ?? [];
}

Deno.test("a full disk under --out: one clear message per output, exit 1, no partial file, the store stays good", async () => {
  const { file, dir } = await lesson();
  const tiny = await tempDir("reel-tinyfs-");
  const mount = await new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", "size=12k", "tmpfs", tiny] })
    .output();
  assert.ok(
    mount.success,
    `this test mounts a tiny tmpfs (as root): ${new TextDecoder().decode(mount.stderr)}`,
  );
  try {
    const full = await runCli(["render", file, "--out", tiny, "--quiet"]);
    assert.equal(full.code, 1, full.stderr);
    assert.match(full.stderr, /Cannot write .*v\.160x90\.mp4: No space left on device/);
    const names = await listFolder(tiny) ?? [];
    assert.ok(!names.some((name) => name.endsWith(".tmp") || name.endsWith(".mp4")), names.join());
    // The same store, with room: everything made before the disk filled is reused, and the outputs are whole.
    const roomy = await runCli(["render", file, "--out", `${dir}/out`, "--json"]);
    assert.equal(roomy.code, 0, roomy.stderr);
    assert.equal(roomy.stdout.split("\n").filter((line) => line.includes('"step:started"')).length, 0);
    assert.ok((await probe(`${dir}/out/v.160x90.mp4`)).duration > 0.5);
  } finally {
    await new Deno.Command("umount", { args: [tiny] }).output();
  }
});

Deno.test("two renders of one workflow at once share the store safely", async () => {
  const { file, dir } = await lesson(
    {},
    [1, 2, 3].map((n) => ({ title: `T${n}`, narration: `Part number ${n}.` })),
  );
  const [first, second] = await Promise.all([
    runCli(["render", file, "--out", `${dir}/out`, "--quiet"]),
    runCli(["render", file, "--out", `${dir}/out`, "--quiet"]),
  ]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  const info = await probe(`${dir}/out/v.160x90.mp4`);
  assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
  assert.deepEqual(await storeTemporaries(dir), []);
  assert.ok(!(await listFolder(`${dir}/out`))!.some((name) => name.endsWith(".tmp")));
  const again = await runCli(["render", file, "--out", `${dir}/out`, "--json"]);
  assert.equal(again.stdout.split("\n").filter((line) => line.includes('"step:started"')).length, 0);
});

Deno.test("a workflow file that throws on import: one message naming the file, exit 2", async () => {
  const file = await writeWorkflowFile(`import "${MOD_URL}";\nthrow new Error("a typo in a helper");`);
  const result = await runCli(["render", file, "--out", `${file}.out`]);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /✖ Importing the file threw: a typo in a helper\n {2}→ at line 4, column 7 \(.*workflow\.ts\)/,
  );
  assert.equal(await listFolder(`${file}.out`), null);
});

Deno.test("a provider that answers 200 with something that is not a PNG or WAV: clear message, nothing stored", async () => {
  const server = startFakeOpenAi({ garbageRate: 1 });
  try {
    const { file, dir } = await lesson({
      providers: { api: { api: "openai", baseUrl: server.url, retries: 2, backoff: { base: 1, cap: 2 } } },
    }, [{
      title: "A",
      narration: "Hello.",
      image: { provider: "api", prompt: "x" },
      voice: { provider: "api" },
    }]);
    const result = await runCli(["render", file, "--out", `${dir}/out`]);
    // Garbage from a provider is bad input: exit 2 (before, 1), the other steps finishing.
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /v\/s1\/image \(image, bad input\): api: returned an image that is not a PNG or JPEG/,
    );
    assert.match(
      result.stderr,
      /v\/s1\/speech \(speech, bad input\): api: returned something that is not audio .*<html>/,
    );
    assert.match(result.stderr, /✖ Failed: 2 steps failed \(bad input: exit 2\)/);
    assert.equal(server.stats.requests, 2, "garbage is not retried");
    // Only the title card is stored: it needs neither call.
    const cache = await runCli(["cache", "ls", file]);
    assert.match(cache.stdout, /^1 entry,/m);
    assert.deepEqual(await storeTemporaries(dir), []);
    assert.deepEqual(await listFolder(`${dir}/out`), ["report.html"]);
  } finally {
    await server.close();
  }
});
