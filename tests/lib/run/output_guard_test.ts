import assert from "node:assert/strict";
import { guardOutputs } from "../../../lib/run/output_guard.ts";
import { processStarted } from "../../../lib/core/process_alive.ts";
import { ownerMark } from "../../../lib/store/owner_mark.ts";

type GuardedPlan = Parameters<typeof guardOutputs>[0];

/** A plan of a slide and the video that reads it; `text` changes the slide, so the video's key and bytes. */
function plan(text: string, output = "same.64x64.mp4"): GuardedPlan {
  return {
    steps: [
      { id: "same/slide", key: `slide:${text}`, output: null },
      { id: "same/video", key: `video:${text}`, output },
    ],
  } as unknown as GuardedPlan;
}

async function guardFolder(): Promise<{ dir: string; folder: string; out: string }> {
  const dir = await Deno.makeTempDir({ prefix: "reel-guard-" });
  await Deno.mkdir(`${dir}/out`);
  return { dir, folder: `${dir}/guards`, out: `${dir}/out` };
}

Deno.test("an output another render writes with other bytes is refused, naming it and that render; the same bytes are shared", async () => {
  const { dir, folder, out } = await guardFolder();
  try {
    const first = await guardOutputs(plan("A"), out, { workflows: ["a.ts"], folder });
    // A change upstream of the output (the slide's text) changes the video's bytes: refused.
    await assert.rejects(
      guardOutputs(plan("B"), out, { workflows: ["b.ts"], folder }),
      (error: Error) => {
        assert.equal(
          error.message,
          `${out}/same.64x64.mp4 is being written by another render (process ${Deno.pid}, ` +
            "a.ts) with other content",
        );
        return true;
      },
    );
    // The refused render left no note: only the first's.
    assert.equal((await Array.fromAsync(Deno.readDir(folder))).length, 1);
    // The same workflow again (the same plan keys) shares the output, as does another output name.
    const same = await guardOutputs(plan("A"), `${out}/`, { workflows: ["a.ts"], folder });
    const other = await guardOutputs(plan("B", "other.mp4"), out, { workflows: ["b.ts"], folder });
    await Promise.all([same.release(), other.release(), first.release()]);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
    // Released: the other bytes may be written now.
    await (await guardOutputs(plan("B"), out, { workflows: ["b.ts"], folder })).release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder not made yet is one folder whatever link it is named through", async () => {
  // rv27: `link/new` and `real/new` were two folders to the guard while `new` was not made.
  const { dir, folder } = await guardFolder();
  try {
    await Deno.mkdir(`${dir}/real`);
    await Deno.symlink(`${dir}/real`, `${dir}/link`);
    const first = await guardOutputs(plan("A"), `${dir}/link/new/`, { workflows: ["a.ts"], folder });
    await assert.rejects(
      guardOutputs(plan("B"), `${dir}/real/new`, { workflows: ["b.ts"], folder }),
      /real\/new\/same\.64x64\.mp4 is being written by another render/,
    );
    await first.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a note left by a render that is gone is removed, even where its pid runs another process now", async () => {
  const { dir, folder, out } = await guardFolder();
  try {
    await Deno.mkdir(folder);
    const ended = new Deno.Command("true").spawn();
    await ended.status;
    const host = ownerMark().split("-")[1];
    const left = [
      // A process that ended.
      `${ended.pid}-${host}-00000000.json`,
      // This pid, which a render of an earlier start had (a pid used again): its start time is not this process's.
      `${Deno.pid}-${host}-11111111.json`,
      // Half written by a render killed while it wrote.
      `${ended.pid}-${host}-22222222.json`,
    ];
    const realOut = await Deno.realPath(out);
    const text = (started: string | null) =>
      JSON.stringify({ outputs: { [`${realOut}/same.64x64.mp4`]: "k" }, workflows: ["a.ts"], started });
    await Deno.writeTextFile(`${folder}/${left[0]}`, text(await processStarted(Deno.pid)));
    await Deno.writeTextFile(`${folder}/${left[1]}`, text("1"));
    await Deno.writeTextFile(`${folder}/${left[2]}`, text(null).slice(0, 10));
    const guard = await guardOutputs(plan("B"), out, { workflows: ["b.ts"], folder });
    const names = (await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name);
    assert.equal(names.length, 1, names.join(", "));
    assert.ok(!left.includes(names[0]!));
    await guard.release();
    // Another host's render is taken as running for a day: its pids mean nothing here.
    const remote = `${folder}/${ended.pid}-h00000000-33333333.json`;
    await Deno.writeTextFile(remote, text("1"));
    await assert.rejects(
      guardOutputs(plan("B"), out, { workflows: ["b.ts"], folder }),
      /is being written by another render \(process \d+, a\.ts\) with other content/,
    );
    // rv26: a note another host left was taken as running for ever, refusing the output for good.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await Deno.utime(remote, twoDaysAgo, twoDaysAgo);
    await (await guardOutputs(plan("B"), out, { workflows: ["b.ts"], folder })).release();
    assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cache folder that cannot be written guards nothing: the render goes on", async () => {
  const { dir, out } = await guardFolder();
  try {
    await Deno.writeTextFile(`${dir}/file`, "in the way");
    for (const folder of [`${dir}/file/guards`, `${dir}/file`]) {
      const guard = await guardOutputs(plan("A"), out, { workflows: ["a.ts"], folder });
      await guard.release();
    }
    assert.equal(await Deno.readTextFile(`${dir}/file`), "in the way");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("of two renders started together, one is refused at least, and they never both write", async () => {
  const { dir, folder, out } = await guardFolder();
  try {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([
        guardOutputs(plan("A"), out, { workflows: ["a.ts"], folder }),
        guardOutputs(plan("B"), out, { workflows: ["b.ts"], folder }),
      ]);
      assert.ok(results.some((result) => result.status === "rejected"), `round ${round}`);
      for (const result of results) if (result.status === "fulfilled") await result.value.release();
      assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
    }
    // A note stamped after this render's own: that render read the folder after this one's note was there, and
    // yields; only the later is refused (rv26: two that read each other's were both refused).
    const other = `${folder}/${ownerMark()}-44444444.json`;
    const realOut = await Deno.realPath(out);
    const note = { outputs: { [`${realOut}/same.64x64.mp4`]: "k" }, workflows: ["b.ts"], started: null };
    await Deno.writeTextFile(other, JSON.stringify(note));
    const later = new Date(Date.now() + 60_000);
    await Deno.utime(other, later, later);
    await (await guardOutputs(plan("A"), out, { workflows: ["a.ts"], folder })).release();
    const earlier = new Date(Date.now() - 1_000);
    await Deno.utime(other, earlier, earlier);
    await assert.rejects(
      guardOutputs(plan("A"), out, { workflows: ["a.ts"], folder }),
      /\(process \d+, b\.ts\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
