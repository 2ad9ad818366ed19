import assert from "node:assert/strict";
import { CLI, jsonEvents, runCli } from "../_support/cli.ts";
import { MOD_URL, SECOND_NARRATION_CHANGED } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeColourImage } from "../_support/test_video.ts";

function workflowText(second: string): string {
  return `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90"],
  videos: [{ id: "v", sections: [{ title: "A", narration: "First part." }, { title: "B", narration: ${
    JSON.stringify(second)
  } }] }],
});`;
}

/**
 * Starts `render lesson.ts --watch --json` in `dir`: its events; `until(pattern)` reads its stderr until the pattern
 * shows (failing if the watch ends first, or after two minutes) and returns what it read, the pattern then taken out; `rounds()` reads
 * the renders and acts between them; `stop()` sends SIGINT and returns its status.
 */
function startWatch(dir: string, file = "lesson.ts", env: Record<string, string> = {}, more: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", file, "--out", "out", "--json", "--watch", ...more],
    cwd: dir,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.getReader();
  const decoder = new TextDecoder();
  let said = "";
  const events = jsonEvents(child.stdout);
  return {
    events,
    async until(pattern: RegExp): Promise<string> {
      // A watch that never says it is killed after two minutes: the test fails instead of hanging.
      const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
      try {
        while (!pattern.test(said)) {
          const { value, done } = await stderr.read();
          if (done) throw new Error(`The watch ended before saying ${pattern}:\n${said}`);
          said += decoder.decode(value);
        }
      } finally {
        clearTimeout(guard);
      }
      const read = said;
      said = said.replace(pattern, "");
      return read;
    },
    /**
     * Reads `count` renders' steps that ran (not from the store), sorted; after each but the last, waits for the
     * watch to say it is watching and calls `between` with the round's number and what it said. A guard kills the
     * watch after two minutes: one that missed a save would otherwise hang the test instead of failing it.
     */
    async rounds(
      count: number,
      between: (round: number, seen: string) => Promise<void>,
    ): Promise<string[][]> {
      const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
      const runs: string[][] = [];
      let current: string[] = [];
      try {
        for await (const event of events) {
          if (event.type === "step:finished" && !event.cached) current.push(event.step!);
          if (event.type !== "run:finished") continue;
          runs.push(current.sort());
          current = [];
          if (runs.length === count) break;
          await between(runs.length, await this.until(/watching .*\n/));
        }
      } finally {
        clearTimeout(guard);
      }
      return runs;
    },
    /** Reads the next render's events to its end: how many steps it ran (not from the store). */
    async ranInNextRun(): Promise<number> {
      let ran = 0;
      for await (const event of events) {
        if (event.type === "step:finished" && !event.cached) ran++;
        if (event.type === "run:finished") break;
      }
      return ran;
    },
    /** The watch's process. */
    pid: child.pid,
    async stop(): Promise<Deno.CommandStatus> {
      child.kill("SIGINT");
      const status = await child.status;
      stderr.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
      return status;
    },
  };
}

Deno.test("render --watch renders again when the workflow is saved, running only the changed steps", async () => {
  const dir = await tempDir("reel-watch-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const watch = startWatch(dir);
  // Saved once the watcher says it is watching, as an editor would after the first render.
  const runs = await watch.rounds(2, async (_, seen) => {
    // The workflow imports only reel: its own modules are watched too, and counted apart.
    assert.match(seen, /watching lesson\.ts \(and reel's own \d+ modules\); Ctrl-C to stop\n/);
    await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("A changed second part."));
  });
  const status = await watch.stop();
  // Speech, cues and slide of 2 sections, the title card, narration, stills, video, SRT and VTT.
  assert.equal(runs[0]!.length, 12);
  assert.deepEqual(runs[1], SECOND_NARRATION_CHANGED);
  assert.equal(status.code, 130);
});

Deno.test("render --watch says a round's render killed from outside, and goes on watching", async () => {
  // fi15: a SIGKILL of the round's render (or the out-of-memory killer) went unsaid, the watch watching on.
  const dir = await tempDir("reel-watch-killed-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const watch = startWatch(dir);
  for await (const event of watch.events) if (event.type === "run:started") break;
  // The round's render: the watch's child process (a thread of the watch may have started it).
  const tasks = await Array.fromAsync(Deno.readDir(`/proc/${watch.pid}/task`));
  const children = (await Promise.all(
    tasks.map((task) => Deno.readTextFile(`/proc/${watch.pid}/task/${task.name}/children`)),
  )).join(" ").trim().split(/\s+/).map(Number);
  assert.equal(children.length, 1, String(children));
  Deno.kill(children[0]!, "SIGKILL");
  const said = await watch.until(/watching .*\n/);
  assert.match(
    said,
    /render 1 was ended by SIGKILL before it finished: what it had not published was not made\n/,
  );
  assert.equal((await watch.stop()).code, 130);
});

Deno.test("render --watch --force-step forces the first round only: a save runs the changed steps alone", async () => {
  // fi5: every round forced the step again, a paid call paid at each save though its key had not changed.
  const dir = await tempDir("reel-watch-force-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const watch = startWatch(dir, "lesson.ts", {}, ["--force-step", "v/s1/speech"]);
  const runs = await watch.rounds(2, async () => {
    await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("A changed second part."));
  });
  await watch.stop();
  assert.ok(runs[0]!.includes("v/s1/speech"));
  assert.deepEqual(runs[1], SECOND_NARRATION_CHANGED);
});

Deno.test("render --watch --force-step forces the first round that runs, not one refused for a typo", async () => {
  // rv7: a first round refused (a syntax error) used up the force, and the fixed save was served from the store.
  const dir = await tempDir("reel-watch-force-typo-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  assert.equal((await runCli(["render", "lesson.ts", "--out", "out"], { cwd: dir })).code, 0);
  await Deno.writeTextFile(`${dir}/lesson.ts`, `${workflowText("Second part.")}\n)`);
  const watch = startWatch(dir, "lesson.ts", {}, ["--force-step", "v/s1/speech"]);
  await watch.until(/watching .*\n/);
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const [forced] = await watch.rounds(1, () => Promise.resolve());
  await watch.stop();
  assert.ok(forced!.includes("v/s1/speech"), forced!.join());
});

Deno.test("render --watch ends a round whose workflow never returns when the fix is saved, and renders it", async () => {
  // fi5: the round held the watch for good, the fix saved in vain; only Ctrl-C ended it.
  const dir = await tempDir("reel-watch-loop-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const watch = startWatch(dir);
  const looping = `console.error("looping");\nwhile (Date.now() > 0) { /* never returns */ }\n`;
  const runs = await watch.rounds(2, async () => {
    await Deno.writeTextFile(`${dir}/lesson.ts`, `${looping}${workflowText("Second part.")}`);
    await watch.until(/looping/);
    await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("A changed second part."));
  });
  // The round that looped was ended (it ran nothing); the next rendered the save: the changed section's steps.
  assert.deepEqual(runs[1], SECOND_NARRATION_CHANGED);
  assert.equal((await watch.stop()).code, 130);
});

Deno.test("render --watch on a workflow whose timer calls Deno.exit says so and goes on watching", async () => {
  // rv7: the watch's own load of the workflow ended the watch there, exit 0, nothing said.
  const dir = await tempDir("reel-watch-exit-");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    `setTimeout(() => Deno.exit(0), 0);\n${workflowText("Second part.")}`,
  );
  const watch = startWatch(dir);
  assert.match(await watch.until(/watching .*\n/), /The workflow called Deno\.exit\(0\)/);
  assert.equal((await watch.stop()).code, 130);
});

Deno.test("render --watch sees the workflow deleted and created again, and replaced by a rename", async () => {
  const dir = await tempDir("reel-watch-");
  const file = `${dir}/lesson.ts`;
  await Deno.writeTextFile(file, workflowText("Second part."));
  const watch = startWatch(dir);
  const runs = await watch.rounds(3, async (round) => {
    if (round === 1) {
      // As `git checkout` does: the file goes, the watch says so, and the file comes back changed.
      await Deno.remove(file);
      await watch.until(/lesson\.ts is gone; waiting for it to come back\n/);
      await Deno.writeTextFile(file, workflowText("A changed second part."));
    } else {
      // As many editors save: a new file renamed over the old.
      await Deno.writeTextFile(`${dir}/.lesson.ts.swp`, workflowText("The second part, changed again."));
      await Deno.rename(`${dir}/.lesson.ts.swp`, file);
    }
  });
  const status = await watch.stop();
  assert.equal(runs[0]!.length, 12);
  assert.deepEqual(runs[1], SECOND_NARRATION_CHANGED);
  assert.deepEqual(runs[2], SECOND_NARRATION_CHANGED);
  assert.equal(status.code, 130);
});

Deno.test("render --watch started on a workflow with a mistake says it, waits, and renders once it is saved fixed", async () => {
  // Before: the watch ended at once with exit 2, as a render does.
  const dir = await tempDir("reel-watch-bad-");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part.").replace('narration: "First part."', 'narraton: "First part."'),
  );
  const watch = startWatch(dir);
  const seen = await watch.until(/watching .*Ctrl-C to stop\n/);
  assert.match(seen, /✖ Unknown field "narraton" \(did you mean "narration"\?\)/);
  assert.match(seen, /watching lesson\.ts/);
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const ran = await watch.ranInNextRun();
  const status = await watch.stop();
  assert.equal(ran, 12);
  assert.equal(status.code, 130);
});

Deno.test("render --watch renders again when a picture the workflow names is saved; before, only its modules were watched", async () => {
  const dir = await tempDir("reel-watch-named-");
  await makeColourImage(`${dir}/pic.png`, { colour: "#3050e0", width: 32, height: 32 });
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part.").replace('title: "A",', 'title: "A", picture: { file: "pic.png" },'),
  );
  const watch = startWatch(dir);
  const runs = await watch.rounds(2, async (_, seen) => {
    assert.match(
      seen,
      /watching lesson\.ts and 1 file it reads \(and reel's own \d+ modules\); Ctrl-C to stop\n/,
    );
    await makeColourImage(`${dir}/pic.png`, { colour: "#e03050", width: 32, height: 32 });
  });
  const status = await watch.stop();
  assert.ok(runs[1]!.includes("v/s1/slide@160x90"), runs[1]!.join(", "));
  assert.ok(!runs[1]!.some((step) => /speech|narration|s2\//.test(step)), runs[1]!.join(", "));
  assert.equal(status.code, 130);
});

Deno.test("render --watch on a workflow whose picture is missing, then broken, renders once it is saved whole; before, it waited on the workflow only", async () => {
  const dir = await tempDir("reel-watch-picture-");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part.").replace('title: "A",', 'title: "A", picture: { file: "pic.png" },'),
  );
  const watch = startWatch(dir);
  const missing = await watch.until(/pic\.png is not there yet; waiting for it\n/);
  assert.match(missing, /✖ Image not found: .*pic\.png/);
  // A cut PNG is a mistake too, and the watch waits on the picture for its fix.
  await makeColourImage(`${dir}/whole.png`, { colour: "#3050e0", width: 32, height: 32 });
  const whole = await Deno.readFile(`${dir}/whole.png`);
  await Deno.writeFile(`${dir}/pic.png`, whole.subarray(0, whole.length - 20));
  const cut = await watch.until(/watching lesson\.ts and 1 file it reads .*Ctrl-C to stop\n/);
  assert.match(cut, /✖ Cannot use .*pic\.png as an image/);
  await Deno.rename(`${dir}/whole.png`, `${dir}/pic.png`);
  const ran = await watch.ranInNextRun();
  const status = await watch.stop();
  assert.equal(ran, 12);
  assert.equal(status.code, 130);
});

Deno.test("render --watch on a workflow that imports a module not written yet waits for it, then renders", async () => {
  // fi15: the module, never there, was said "gone; waiting for it to come back".
  const dir = await tempDir("reel-watch-import-");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    `import { second } from "./texts.ts";\n${
      workflowText("Second part.").replace('"Second part."', "second")
    }`,
  );
  const watch = startWatch(dir);
  const waiting = await watch.until(/texts\.ts is not there yet; waiting for it\n/);
  assert.doesNotMatch(waiting, /gone/);
  await Deno.writeTextFile(`${dir}/texts.ts`, 'export const second = "Second part.";\n');
  const ran = await watch.ranInNextRun();
  const status = await watch.stop();
  assert.equal(ran, 12);
  assert.equal(status.code, 130);
});

Deno.test("render --watch sees a picture whose folder is made after it starts, and that folder removed and made again", async () => {
  // nt: the folder that was not there was never watched, nor one made again after its removal (its watch died).
  const dir = await tempDir("reel-watch-folder-");
  await makeColourImage(`${dir}/blue.png`, { colour: "#3050e0", width: 32, height: 32 });
  await makeColourImage(`${dir}/red.png`, { colour: "#e03050", width: 32, height: 32 });
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part.").replace('title: "A",', 'title: "A", picture: { file: "pics/pic.png" },'),
  );
  const watch = startWatch(dir);
  await watch.until(/pics\/pic\.png is not there yet; waiting for it\n/);
  await Deno.mkdir(`${dir}/pics`);
  await Deno.copyFile(`${dir}/blue.png`, `${dir}/pics/pic.png`);
  const runs = await watch.rounds(2, async () => {
    await Deno.remove(`${dir}/pics`, { recursive: true });
    await Deno.mkdir(`${dir}/pics`);
    await Deno.copyFile(`${dir}/red.png`, `${dir}/pics/pic.png`);
  });
  const status = await watch.stop();
  assert.equal(runs[0]!.length, 12, "the first render, whole");
  // The picture's slide and what shows it, nothing of the narration.
  assert.ok(runs[1]!.includes("v/s1/slide@160x90"), runs[1]!.join(", "));
  assert.ok(!runs[1]!.some((step) => /speech|narration|s2\//.test(step)), runs[1]!.join(", "));
  assert.equal(status.code, 130);
});

Deno.test("render --watch does not render again when a folder on the way to a picture is only touched", async () => {
  // rv: `touch pics` (its times, or its rights) counted as the picture saved.
  const dir = await tempDir("reel-watch-touch-");
  await Deno.mkdir(`${dir}/pics`);
  await makeColourImage(`${dir}/pics/pic.png`, { colour: "#3050e0", width: 32, height: 32 });
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part.").replace('title: "A",', 'title: "A", picture: { file: "pics/pic.png" },'),
  );
  const watch = startWatch(dir);
  await watch.until(/watching lesson\.ts and 1 file it reads .*Ctrl-C to stop\n/);
  await Deno.utime(`${dir}/pics`, new Date(), new Date());
  await Deno.chmod(`${dir}/pics`, 0o700);
  // The next round is the workflow's save alone.
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part, said again.").replace(
      'title: "A",',
      'title: "A", picture: { file: "pics/pic.png" },',
    ),
  );
  const said = await watch.until(/changed: .*; rendering again \(render 2\)\n/);
  const status = await watch.stop();
  assert.match(said, /changed: [^\n]*lesson\.ts; rendering again/);
  assert.doesNotMatch(said, /changed: [^\n]*pic\.png/);
  assert.equal(status.code, 130);
});

Deno.test("render --watch renders again when a file the workflow's code reads is saved; before, it was not watched", async () => {
  const dir = await tempDir("reel-watch-read-");
  await Deno.writeTextFile(`${dir}/second.txt`, "Second part.");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText("Second part.").replace(
      '"Second part."',
      'await Deno.readTextFile(new URL("second.txt", import.meta.url))',
    ),
  );
  const watch = startWatch(dir);
  const runs = await watch.rounds(2, async (_, seen) => {
    assert.match(
      seen,
      /watching lesson\.ts and 1 file it reads \(and reel's own \d+ modules\); Ctrl-C to stop\n/,
    );
    await Deno.writeTextFile(`${dir}/second.txt`, "The second part, told again.");
  });
  const status = await watch.stop();
  assert.ok(runs[1]!.some((step) => step.startsWith("v/s2/speech")), runs[1]!.join(", "));
  assert.ok(!runs[1]!.some((step) => step.startsWith("v/s1/")), runs[1]!.join(", "));
  assert.equal(status.code, 130);
});

Deno.test("render --watch counts a module the workflow also reads as text once, as a module, and ./lesson.ts as lesson.ts", async () => {
  // Before: "watching lesson.ts and 1 file it reads", the module counted as a read file and not as an import; and
  // the workflow given as ./lesson.ts counted as a module it imports too.
  const dir = await tempDir("reel-watch-module-read-");
  await Deno.writeTextFile(`${dir}/parts.ts`, 'export const second = "Second part.";\n');
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    `import { second } from "./parts.ts";\n` +
      `const source = await Deno.readTextFile(new URL("parts.ts", import.meta.url));\n` +
      `if (!source.includes("Second")) throw new Error("parts.ts changed");\n` +
      workflowText("Second part.").replace('"Second part."', "second"),
  );
  const watch = startWatch(dir, "./lesson.ts");
  const seen = await watch.until(/watching .*Ctrl-C to stop\n/);
  const status = await watch.stop();
  assert.match(
    seen,
    /watching \.\/lesson\.ts and 1 local module it imports \(and reel's own \d+ modules\); Ctrl-C/,
  );
  assert.equal(status.code, 130);
});

Deno.test("render --watch on a workflow whose read file holds the mistake renders once that file is saved fixed", async () => {
  // Before: the files a workflow reads reached the watch only once it planned, so mending the file did nothing.
  const dir = await tempDir("reel-watch-read-bad-");
  await Deno.writeTextFile(`${dir}/second.txt`, "");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    `const second = await Deno.readTextFile(new URL("second.txt", import.meta.url));\n` +
      `if (second === "") throw new Error("second.txt is empty");\n` +
      workflowText("Second part.").replace('"Second part."', "second"),
  );
  const watch = startWatch(dir);
  const seen = await watch.until(/watching .*Ctrl-C to stop\n/);
  assert.match(seen, /second\.txt is empty/);
  assert.match(seen, /watching lesson\.ts and 1 file it reads/);
  await Deno.writeTextFile(`${dir}/second.txt`, "Second part.");
  const ran = await watch.ranInNextRun();
  const status = await watch.stop();
  assert.equal(ran, 12);
  assert.equal(status.code, 130);
});

Deno.test("render --watch does not watch a file the workflow reads from its own output folder (the render rewrites it)", async () => {
  // Before: the output, republished each run, was a saved file each time: the watch rendered again without end.
  const dir = await tempDir("reel-watch-own-");
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    `import { step, workflow } from "${MOD_URL}";
let previous = "none";
try { previous = await Deno.readTextFile(new URL("out/note.txt", import.meta.url)); }
catch (error) { if (!(error instanceof Deno.errors.NotFound)) throw error; }
export default workflow({ steps: [step({ id: "note", output: "note.txt",
  run: async (_i, { outputPath }) => { await Deno.writeTextFile(outputPath, "fixed text"); return previous.length; } })] });`,
  );
  // A first render makes out/note.txt, which the watched one then reads.
  const first = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", "lesson.ts", "--out", "out", "-q"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).output();
  assert.ok(first.success);
  const watch = startWatch(dir);
  const runs = await watch.rounds(1, () => Promise.resolve());
  // The watch waits (it says so) instead of starting a second round at once.
  const seen = await watch.until(/watching .*Ctrl-C to stop\n|rendering again/);
  assert.match(seen, /watching lesson\.ts \(and reel's own \d+ modules\); Ctrl-C to stop\n/);
  assert.doesNotMatch(seen, /rendering again/);
  const status = await watch.stop();
  assert.equal(runs.length, 1);
  assert.equal(status.code, 130);
});

/** The state letter of process `pid` (`R`, `S`, `Z` for one ended that no one reaped yet), or null when it is gone. */
async function processState(pid: number): Promise<string | null> {
  try {
    return (await Deno.readTextFile(`/proc/${pid}/stat`)).replace(/^.*\) /s, "")[0]!;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

Deno.test({
  name:
    "render --watch killed with SIGKILL stops its render too; before, the render ran on and published its outputs",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await tempDir("reel-watch-");
    await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
    // Its own temporary folder: the list of files its render names is left there.
    const env = { TMPDIR: `${dir}/tmp` };
    await Deno.mkdir(env.TMPDIR);
    const watch = startWatch(dir, "lesson.ts", env);
    for await (const event of watch.events) if (event.type === "run:started") break;
    const [render] = (await Deno.readTextFile(`/proc/${watch.pid}/task/${watch.pid}/children`)).trim().split(
      " ",
    );
    assert.ok(render !== undefined && render !== "", "the watch runs its render as a child");
    Deno.kill(watch.pid, "SIGKILL");
    // The render is no child of this test's: its end is seen in /proc (polled, with a bound), not awaited.
    const deadline = Date.now() + 60_000;
    while (!["Z", null].includes(await processState(Number(render))) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(["Z", null].includes(await processState(Number(render))), "the render ended");
    // Stopped, not finished: no video published (the orphan published all of them).
    const published = [];
    try {
      for await (const entry of Deno.readDir(`${dir}/out`)) published.push(entry.name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    assert.deepEqual(published.filter((name) => name.endsWith(".mp4")), []);
    // The killed watch's list is left; the next watch removes it (before, it stayed until the machine's reboot).
    const lists = async () => (await Array.fromAsync(Deno.readDir(env.TMPDIR))).map((entry) => entry.name);
    const [left] = await lists();
    assert.match(left ?? "", new RegExp(`^reel-watch-${watch.pid}-h[0-9a-f]{8}-.*\\.json$`));
    const next = startWatch(dir, "lesson.ts", env);
    try {
      await next.until(/watching .*\n/);
      assert.deepEqual(await lists(), []);
    } finally {
      await next.stop();
    }
  },
});
