/**
 * A store a render run as another user (with sudo) left folders and entries in: refused before any step, naming
 * whose they are and the command that gives the store back, not failed step by step with the system's words.
 */
import assert from "node:assert/strict";
import { type CliResult, listFolder, runCli } from "../_support/cli.ts";
import { LOCKED_OUT_WHY, lockOut, plainUserTest } from "../_support/plain_user.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

function lesson(second: string): string {
  const sections = [{ title: "One", narration: "First part." }, { title: "Two", narration: second }];
  return `import { workflow } from "${MOD_URL}";
export default workflow({ formats: ["160x90"], videos: [{ id: "v", sections: ${
    JSON.stringify(sections)
  } }] });`;
}

/** Every folder and file under `entries/`, by path. */
async function storeFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    for (const name of (await listFolder(folder)) ?? []) {
      found.push(`${folder}/${name}`);
      if ((await Deno.lstat(`${folder}/${name}`)).isDirectory) await walk(`${folder}/${name}`);
    }
  };
  await walk(`${dir}/.reel/entries`);
  return found.sort();
}

/** Makes a folder and everything in it another user's, as `sudo deno task render` leaves them. */
async function giveAway(folder: string): Promise<() => Promise<void>> {
  const unlocks: (() => Promise<void>)[] = [];
  for (const name of (await listFolder(folder))!) {
    // An entry's folder is made by mkdtemp: its owner's alone.
    unlocks.push(await lockOut(`${folder}/${name}`, { enter: false }));
  }
  unlocks.push(await lockOut(folder));
  return async () => {
    for (const unlock of unlocks) await unlock();
  };
}

/** A two-section lesson in a folder of its own, and its render (as this user without root's rights). */
async function lessonFolder(): Promise<{ dir: string; render: () => Promise<CliResult> }> {
  const dir = await tempDir("reel-store-user-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, lesson("Second part."));
  return {
    dir,
    render: () => runCli(["render", "lesson.ts", "--out", "out"], { cwd: dir, withoutRootRights: true }),
  };
}

plainUserTest(
  "render refuses a store a render run as another user left entries in, before any step, and says how to take it back",
  async () => {
    const { dir, render } = await lessonFolder();
    const first = await render();
    assert.equal(first.code, 0, first.stderr);
    const entries = `${dir}/.reel/entries`;
    const files = await storeFiles(dir);
    const mp4 = `${dir}/out/${(await listFolder(`${dir}/out`))!.find((name) => name.endsWith(".mp4"))}`;
    const video = await Deno.readFile(mp4);
    const shard = (await listFolder(entries))![0]!;
    const entry = `${entries}/${shard}/${(await listFolder(`${entries}/${shard}`))![0]}`;
    const unlock = await giveAway(`${entries}/${shard}`);
    try {
      // Before: "PermissionDenied: Permission denied (os error 13): readfile '…/record.json'" and a stack, exit 1,
      // from render, plan and cache ls alike (nt19, rv38).
      const reel = (...args: string[]) => () => runCli(args, { cwd: dir, withoutRootRights: true });
      for (
        const command of [
          render,
          reel("plan", "lesson.ts"),
          reel("cache", "ls", "lesson.ts"),
          reel("cache", "ls"),
        ]
      ) {
        const refused = await command();
        assert.equal(refused.code, 2, refused.stderr);
        assert.ok(
          refused.stderr.includes(`Cannot read ${entry} in the store: ${LOCKED_OUT_WHY}`),
          refused.stderr,
        );
        const fix = Deno.uid() === 0
          ? `sudo chown -R "$(id -un)" '${dir}/.reel'`
          : `chmod -R u+rwX '${dir}/.reel'`;
        assert.ok(refused.stderr.includes(fix), refused.stderr);
        assert.doesNotMatch(refused.stderr, /os error|FAILED| {4}at /);
      }
    } finally {
      await unlock();
    }
    assert.deepEqual(await storeFiles(dir), files);
    assert.deepEqual(await Deno.readFile(mp4), video);
  },
);

plainUserTest(
  "render refuses a folder of entries another user made that a step to run would be stored in, and nothing else",
  async () => {
    const { dir, render } = await lessonFolder();
    assert.equal((await render()).code, 0);
    await Deno.writeTextFile(`${dir}/lesson.ts`, lesson("Second part, changed."));
    const plan = JSON.parse((await runCli(["plan", "lesson.ts", "--json"], { cwd: dir })).stdout);
    const toRun: string[] = plan.steps.filter((step: { status: string }) => step.status === "run")
      .map((step: { key: string }) => step.key);
    const shard = `${dir}/.reel/entries/${toRun[0]!.slice(0, 2)}`;
    // Another user's, as `sudo deno task render` leaves a folder of entries it made.
    await Deno.mkdir(shard, { recursive: true });
    const files = await storeFiles(dir);
    const unlock = await lockOut(shard);
    try {
      const refused = await render();
      assert.equal(refused.code, 2, refused.stderr);
      // Before: each step stored there was made and lost, "Permission denied (os error 13): rename …", exit 1.
      assert.ok(
        refused.stderr.includes(`Cannot write to ${shard} in the cache folder: ${LOCKED_OUT_WHY}`),
        refused.stderr,
      );
      assert.doesNotMatch(refused.stderr, /os error|FAILED/);
      assert.deepEqual(await storeFiles(dir), files);
    } finally {
      await unlock();
    }
    const mended = await render();
    assert.equal(mended.code, 0, mended.stderr);
  },
);

plainUserTest(
  "render names the owner of a store's or an output's folder another user made, and the command that gives it back",
  async () => {
    const { dir, render } = await lessonFolder();
    await Deno.mkdir(`${dir}/.reel/tmp`, { recursive: true });
    await Deno.mkdir(`${dir}/out`);
    // Before: "Cannot write to the cache folder …/.reel/tmp: permission denied", another folder to choose (nt19).
    // Named as the render names them: the store's folders absolute, the output folder as it was typed.
    const folders = [
      { folder: `${dir}/.reel/tmp`, place: "cache folder", giveBack: `${dir}/.reel` },
      { folder: "out", place: "output folder", giveBack: "out" },
    ];
    // An output folder an earlier render wrote in.
    await Deno.writeTextFile(`${dir}/out/report.html`, "");
    for (const { folder, place, giveBack } of folders) {
      const unlock = await lockOut(folder.startsWith("/") ? folder : `${dir}/${folder}`);
      try {
        const refused = await render();
        assert.equal(refused.code, 2, refused.stderr);
        assert.ok(
          refused.stderr.includes(`Cannot write to ${folder} in the ${place}: ${LOCKED_OUT_WHY}`),
          refused.stderr,
        );
        const fix = Deno.uid() === 0
          ? `sudo chown -R "$(id -un)" '${giveBack}'`
          : `chmod -R u+rwX '${giveBack}'`;
        assert.ok(refused.stderr.includes(fix), refused.stderr);
      } finally {
        await unlock();
      }
    }
    // A folder of another user's that no render wrote in is not blamed on one (rv39: `--out /usr/local` was).
    await Deno.mkdir(`${dir}/theirs`);
    const intoTheirs = () =>
      runCli(["render", "lesson.ts", "--out", "theirs"], { cwd: dir, withoutRootRights: true });
    const unlock = await lockOut(`${dir}/theirs`);
    try {
      const refused = await intoTheirs();
      assert.equal(refused.code, 2, refused.stderr);
      assert.ok(
        refused.stderr.includes("Cannot write to the output folder theirs: permission denied"),
        refused.stderr,
      );
      assert.doesNotMatch(refused.stderr, /sudo/);
    } finally {
      await unlock();
    }
    // Another user's private folder, which this one may not even look in, is named with its owner (rv40).
    const unlockPrivate = await lockOut(`${dir}/theirs`, { enter: false });
    try {
      const refused = await intoTheirs();
      assert.equal(refused.code, 2, refused.stderr);
      assert.ok(
        refused.stderr.includes(`Cannot write to theirs in the output folder: ${LOCKED_OUT_WHY}`),
        refused.stderr,
      );
    } finally {
      await unlockPrivate();
    }
  },
);

plainUserTest(
  "render serves entries another user made readable, saying once that they cannot be marked used",
  async () => {
    const { dir, render } = await lessonFolder();
    assert.equal((await render()).code, 0);
    const entries = `${dir}/.reel/entries`;
    const shard = (await listFolder(entries))![0]!;
    const entry = `${entries}/${shard}/${(await listFolder(`${entries}/${shard}`))![0]}`;
    // Readable, as a store another user shares with all is, but theirs: its time is theirs to set.
    await Deno.chmod(entry, 0o755);
    const unlock = await lockOut(`${entry}/record.json`);
    try {
      const served = await render();
      // Before (rv38): "FAILED …: Operation not permitted (os error 1): utime '…/record.json'", exit 1; then
      // refused, exit 2 (rv39).
      assert.equal(served.code, 0, served.stderr);
      assert.match(served.stderr, /0 ran, \d+ cached/);
      if (Deno.uid() === 0) {
        const said = `1 stored entry another user made cannot be marked used (${entry}): ` +
          `\`cache gc\` takes it for unused, and cannot remove it. To give the store back to your user: ` +
          `sudo chown -R "$(id -un)" '${dir}/.reel'`;
        assert.equal(served.stderr.split(said).length - 1, 1, served.stderr);
      }
      // A render a later check refuses marks nothing and says nothing of it (rv40).
      const refused = await runCli(["render", "lesson.ts", "--out", ".reel/tmp"], {
        cwd: dir,
        withoutRootRights: true,
      });
      assert.equal(refused.code, 2, refused.stderr);
      assert.doesNotMatch(refused.stderr, /cannot be marked used/);
    } finally {
      await unlock();
    }
  },
);
