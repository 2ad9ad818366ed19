import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { lockOut } from "../_support/plain_user.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

function lesson(second: string): string {
  return `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90"],
  videos: [{ id: "v", sections: [{ title: "One", narration: "First part." }, { title: "Two", narration: "${second}" }] }],
});`;
}

Deno.test("render refuses a store a render run as another user left a folder in, before any step, and says how to take it back", async () => {
  const dir = await tempDir("reel-store-user-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, lesson("Second part."));
  const render = () => runCli(["render", "lesson.ts", "--out", "out"], { cwd: dir, withoutRootRights: true });
  const first = await render();
  assert.equal(first.code, 0, first.stderr);
  const entries = `${dir}/.reel/entries`;
  const shards = (await listFolder(entries))!;
  const count = async () => {
    const all = (await listFolder(entries))!;
    return (await Promise.all(all.map((shard) => listFolder(`${entries}/${shard}`)))).flat().length;
  };
  const stored = await count();
  const mp4 = `${dir}/out/${(await listFolder(`${dir}/out`))!.find((name) => name.endsWith(".mp4"))}`;
  const video = await Deno.readFile(mp4);
  // As `sudo deno task render` leaves it: a folder of entries root's, which this user's renders must write in.
  const unlock = await lockOut(`${entries}/${shards[0]}`);
  try {
    // Nothing to store: the render goes on.
    const unchanged = await render();
    assert.equal(unchanged.code, 0, unchanged.stderr);
    await Deno.writeTextFile(`${dir}/lesson.ts`, lesson("Second part, changed."));
    const refused = await render();
    assert.equal(refused.code, 2, refused.stderr);
    const why = Deno.uid() === 0 ? "it belongs to user 65534, not to this user" : "permission denied";
    assert.ok(
      refused.stderr.includes(`Cannot write to ${entries}/${shards[0]} in the cache folder: ${why}`),
      refused.stderr,
    );
    const fix = Deno.uid() === 0 ? `sudo chown -R "$(id -un)" ${dir}/.reel` : `chmod -R u+w ${dir}/.reel`;
    assert.ok(refused.stderr.includes(fix), refused.stderr);
    // No step was made (before: each failed with "Permission denied (os error 13): rename …", its work lost).
    assert.doesNotMatch(refused.stderr, /os error|FAILED/);
    assert.equal(await count(), stored);
    assert.deepEqual(await Deno.readFile(mp4), video);
  } finally {
    await unlock();
  }
  // Given back, the changed section renders.
  const mended = await render();
  assert.equal(mended.code, 0, mended.stderr);
  assert.ok(await count() > stored);
});
