import assert from "node:assert/strict";
import { CLI, jsonEvents, listFolder, runCli, signalAfter } from "../_support/cli.ts";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { probe } from "../_support/media.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

type Event = {
  type: string;
  step?: string;
  kind?: string;
  cached?: boolean;
  path?: string | null;
  unchanged?: boolean;
};

function workflowText(narrations: string[], voice: object | null = null): string {
  return `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90", "90x160"],${voice === null ? "" : `\n  voice: ${JSON.stringify(voice)},`}
  videos: [{ id: "v", sections: ${
    JSON.stringify(narrations.map((narration, i) => ({ title: `T${i + 1}`, narration })))
  } }],
});`;
}

async function setup(
  narrations = ["First part.", "Second part.", "Third part."],
  voice: object | null = null,
) {
  const dir = await tempDir("reel-cache-");
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText(narrations, voice));
  return dir;
}

async function render(
  dir: string,
  extra: string[] = [],
): Promise<{ code: number; events: Event[]; stderr: string }> {
  const result = await runCli(["render", "lesson.ts", "--out", "out", "--json", ...extra], { cwd: dir });
  return {
    code: result.code,
    events: result.stdout.trim().split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
    stderr: result.stderr,
  };
}

const ran = (events: Event[]) =>
  events.filter((event) => event.type === "step:finished" && !event.cached).map((event) => event.step!)
    .sort();

/**
 * An ffmpeg whose flite syntheses each wait for a line on a named pipe: none starts before {@linkcode open}, which
 * writes enough lines for every later one; `close` closes the pipe after the render.
 */
async function speechGate(dir: string): Promise<{ ffmpeg: string; open(): Promise<void>; close(): void }> {
  const real = (await findFfmpeg()).ffmpeg;
  const fifo = `${dir}/gate.fifo`;
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  const ffmpeg = `${dir}/gated-ffmpeg`;
  await Deno.writeTextFile(
    ffmpeg,
    `#!/bin/sh\ncase "$*" in *flite=*) read line < '${fifo}';; esac\nexec '${real}' "$@"\n`,
  );
  await Deno.chmod(ffmpeg, 0o755);
  let writer: Deno.FsFile | null = null;
  return {
    ffmpeg,
    open: async () => {
      // Opening blocks until the first synthesis opens the pipe to read; the lines wait there for the rest.
      writer = await Deno.open(fifo, { write: true });
      await writer.write(new TextEncoder().encode("go\n".repeat(16)));
    },
    close: () => writer?.close(),
  };
}

async function leftovers(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of [`${dir}/out`, `${dir}/.reel/tmp`]) {
    for (const name of await listFolder(folder) ?? []) found.push(`${folder}/${name}`);
  }
  const finished = (path: string) => path.startsWith(`${dir}/out/v.`) || path === `${dir}/out/report.html`;
  return found.filter((path) => !finished(path) || path.endsWith(".tmp"));
}

Deno.test("re-render after one narration changes runs exactly the affected steps; unchanged runs none", async () => {
  const dir = await setup();
  assert.equal((await render(dir)).code, 0);
  const outputs = async () => {
    const found: Record<string, string> = {};
    for (const name of (await listFolder(`${dir}/out`))!.filter((name) => name.startsWith("v."))) {
      const info = await Deno.stat(`${dir}/out/${name}`);
      found[name] = `${info.ino} ${info.mtime?.getTime()}`;
    }
    return found;
  };
  const first = await outputs();
  const again = await render(dir);
  assert.deepEqual(ran(again.events), []);
  // Every output was there, byte for byte: left as it was (before: copied again, a new inode and time each).
  const written = again.events.filter((event) => event.type === "output:written");
  assert.equal(written.length, Object.keys(first).length);
  assert.ok(written.every((event) => event.unchanged === true));
  assert.deepEqual(await outputs(), first);
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    workflowText(["First part.", "A new second part.", "Third part."]),
  );
  const edited = await render(dir);
  assert.equal(edited.code, 0, edited.stderr);
  // The stills (the slides did not change) stay in the store; the section's speech and cues, the joined
  // narration and what reads them run again.
  assert.deepEqual(ran(edited.events), [
    "v/narration",
    "v/s2/cues",
    "v/s2/speech",
    "v/subtitles.srt",
    "v/subtitles.vtt",
    "v/subtitles.vtt@90x160",
    "v/video@160x90",
    "v/video@90x160",
  ]);
  const replaced = await outputs();
  for (const name of ["v.160x90.mp4", "v.90x160.mp4", "v.srt", "v.vtt"]) {
    assert.notEqual(replaced[name], first[name], name);
  }
  const forced = await render(dir, ["--force-step", "*/s1/*"]);
  assert.deepEqual(ran(forced.events), [
    "v/s1/cues",
    "v/s1/slide@160x90",
    "v/s1/slide@90x160",
    "v/s1/speech",
  ]);
  // A glob that names no step (a section's id mistyped) forces nothing: it is refused before anything runs.
  const mistyped = await render(dir, ["--force-step", "*/s9/*"]);
  assert.equal(mistyped.code, 2);
  assert.match(mistyped.stderr, /--force-step '\*\/s9\/\*' matches no step of the plan/);
  assert.match(mistyped.stderr, /Step ids look like v\//);
  assert.deepEqual(mistyped.events.filter((event) => event.type === "step:finished"), []);
  // An empty one too (before: dropped, a render that forced nothing, exit 0).
  const empty = await render(dir, ["--force-step", ""]);
  assert.equal(empty.code, 2);
  assert.match(
    empty.stderr,
    /Option '--force-step <glob>' argument '' is invalid\. Expected a value, not an empty one/,
  );
  assert.deepEqual(empty.events.filter((event) => event.type === "step:finished"), []);
});

Deno.test("after SIGKILL mid-render, the next render reuses every finished step and leaves no partial file", async () => {
  const dir = await setup(["One two three four five.", "Six seven eight nine.", "Ten eleven twelve."]);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      CLI,
      "render",
      "lesson.ts",
      "--out",
      "out",
      "--json",
      "--workers",
      "1",
      "--cpu",
      "1",
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const finished: string[] = [];
  for await (const event of jsonEvents<Event>(child.stdout)) {
    if (event.type === "step:finished" && !event.cached) finished.push(event.step!);
    if (finished.length >= 6) break;
  }

  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
  assert.ok(finished.length >= 6 && finished.length < 16, `finished ${finished.length} before the kill`);

  const resumed = await render(dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  const rerun = ran(resumed.events).filter((step) => finished.includes(step));
  assert.deepEqual(rerun, [], "no finished step runs twice");
  for (const format of ["160x90", "90x160"]) {
    const info = await probe(`${dir}/out/v.${format}.mp4`);
    assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
  }
  assert.deepEqual(await leftovers(dir), []);
});

// A hang-up too (fi21: the terminal closed, it ended reel as `kill -9` does: no report, the store's claims left, a
// wrapper's child running), its terminal gone: what is written there fails (here a closed pipe), and is dropped.
for (const signal of ["SIGINT", "SIGHUP"] as const) {
  Deno.test(`${signal} stops a render while a step runs: exit 130, its step not waited for, no child left`, async () => {
    // Spoken by espeak-ng (the default voice is flite, through ffmpeg), which is replaced below.
    const dir = await setup(["A narration whose speech never ends on its own."], { provider: "espeak" });
    // An espeak-ng that speaks forever (it answers the version and voice questions as the real one): the render can
    // only end by stopping it, so a render that waited for its steps would never exit.
    const espeak = new TextDecoder().decode(
      new Deno.Command("sh", { args: ["-c", "command -v espeak-ng"], stdout: "piped" }).outputSync().stdout,
    ).trim();
    await Deno.writeTextFile(`${dir}/never`, "");
    await Deno.writeTextFile(
      `${dir}/espeak-ng`,
      `#!/bin/sh\ncase " $* " in *" --stdout "*) exec tail -f '${dir}/never' ;; esac\nexec ${espeak} "$@"\n`,
      { mode: 0o755 },
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CLI, "render", "lesson.ts", "--out", "out", "--json", "--force"],
      cwd: dir,
      env: { REEL_ESPEAK: `${dir}/espeak-ng`, REEL_PROGRAM_VERSIONS: "off" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const decoder = new TextDecoder();
    let text = "";
    const reader = child.stdout.getReader();
    // Interrupted once the speech step has started (it cannot finish), then everything it printed after.
    while (!/"step:started"[^\n]*"step":"[^"]*speech"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    // The terminal a hang-up takes away: its end closed.
    if (signal === "SIGHUP") await child.stderr.cancel();
    const stderr = signal === "SIGHUP" ? Promise.resolve("") : new Response(child.stderr).text();
    child.kill(signal);
    // A render that waited for the endless step would hang the suite: killed after a minute, it fails below (137).
    const watchdog = setTimeout(() => child.kill("SIGKILL"), 60_000);
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      text += decoder.decode(next.value);
    }
    const status = await child.status;
    clearTimeout(watchdog);
    assert.equal(status.code, 130, `stopped by ${signal}, not waited for: ${await stderr}`);
    const events = text.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    const speech = events.find((event) => event.type === "step:started" && /speech$/.test(event.step))?.step;
    assert.ok(speech !== undefined, "the speech step started");
    assert.ok(
      !events.some((event) => event.type === "step:finished" && event.step === speech),
      "not finished",
    );
    const ps = new TextDecoder().decode(
      (await new Deno.Command("ps", { args: ["-eo", "args"] }).output()).stdout,
    );
    assert.ok(!ps.split("\n").some((line) => line.includes(dir)), "a child process outlived the render");
    assert.deepEqual(await leftovers(dir), []);
    assert.ok((await Deno.stat(`${dir}/out/report.html`)).isFile, "the report of what was done");
  });
}

Deno.test("a cut-off or edited cache entry is detected and remade", async () => {
  const dir = await setup(["Only one part."]);
  const first = await render(dir);
  const stills = first.events.find((event) =>
    event.type === "step:finished" && event.step === "v/stills@160x90"
  );
  assert.ok(typeof stills?.path === "string");
  const bytes = await Deno.readFile(stills.path);
  await Deno.writeFile(stills.path, bytes.subarray(0, bytes.length >> 1));
  const slide = first.events.find((event) =>
    event.type === "step:finished" && event.step === "v/s1/slide@90x160"
  );
  const image = await Deno.readFile(slide!.path!);
  image[image.length - 20] = (image[image.length - 20] ?? 0) ^ 0xff;
  await Deno.writeFile(slide!.path!, image);
  const again = await render(dir);
  assert.equal(again.code, 0, again.stderr);
  // Only the damaged entries run again; what depends on them is keyed by inputs, not bytes, and stays cached.
  assert.deepEqual(ran(again.events), ["v/s1/slide@90x160", "v/stills@160x90"]);
  assert.ok((await probe(`${dir}/out/v.160x90.mp4`)).duration > 0.5);
});

Deno.test("cache ls lists entries and cache gc shrinks the store, least recently used first", async () => {
  const dir = await setup(["Only one part."]);
  assert.equal((await render(dir)).code, 0);
  const ls = await runCli(["cache", "ls", "lesson.ts"], { cwd: dir });
  assert.equal(ls.code, 0, ls.stderr);
  // speech, cues; a slide and a title card per format; narration; stills and video per format; SRT, VTT, 9:16 VTT.
  assert.match(ls.stdout, /^14 entries, .* in .*\.reel$/m);
  // Entries used in the last minutes are kept by default: a render may be about to read them.
  const kept = await runCli(["cache", "gc", "lesson.ts", "--max-size", "1"], { cwd: dir });
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(
    kept.stdout,
    // nt20: the default said (before, "used within --keep-recent").
    /removed 0 entries .* left \(14 entries kept over the size: used in the last 10m \(--keep-recent; 0 lets /,
  );
  const gc = await runCli(["cache", "gc", "lesson.ts", "--max-size", "1", "--keep-recent", "0"], {
    cwd: dir,
  });
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stdout, /removed 14 entries \(.*\), 0 B left\n/);
  const after = await runCli(["cache", "ls", "lesson.ts"], { cwd: dir });
  assert.match(after.stdout, /entries, 0 B in/);
  const bad = await runCli(["cache", "gc", "lesson.ts", "--max-size", "lots"], { cwd: dir });
  assert.equal(bad.code, 2);
});

Deno.test("a render remakes what is removed from its store under it (a store cleared by hand), and its outputs are whole", async () => {
  const dir = await setup();
  try {
    assert.equal((await render(dir)).code, 0);
    await Deno.writeTextFile(
      `${dir}/lesson.ts`,
      workflowText(["First part.", "A new second part.", "Third part."]),
    );
    // The changed section's speech (flite, through ffmpeg) waits at a gate until the store has been emptied, so the
    // steps after it find their inputs gone however fast or slow the machine is.
    const gate = await speechGate(dir);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CLI, "render", "lesson.ts", "--out", "out", "--json"],
      cwd: dir,
      env: { NO_COLOR: "1", REEL_FFMPEG: gate.ffmpeg, REEL_FFPROBE: (await findFfmpeg()).ffprobe },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    let collected = false;
    const remade: string[] = [];
    for await (const event of jsonEvents<Event>(child.stdout)) {
      // Once the first changed step starts, empty the store by hand (`cache gc` keeps what a render at work has
      // used since it began: the tests of collectGarbage say so).
      if (event.type === "step:started" && !collected) {
        collected = true;
        assert.ok(await removeEntries(`${dir}/.reel/entries`) > 0);
        await gate.open();
      }
      if (event.type === "step:finished" && !event.cached && event.step?.includes("/s1/")) {
        remade.push(event.step);
      }
    }
    assert.equal((await child.status).code, 0, await stderr);
    gate.close();
    // The joined narration needs the first section's speech, and the stills its slides: both were made again.
    // The section's cues (their value only) are made again when the store lost them before the run had read
    // them: on a loaded machine the first changed step may start before every stored step was looked up.
    assert.deepEqual(remade.filter((step) => step !== "v/s1/cues").sort(), [
      "v/s1/slide@160x90",
      "v/s1/slide@90x160",
      "v/s1/speech",
    ]);
    for (const format of ["160x90", "90x160"]) {
      const info = await probe(`${dir}/out/v.${format}.mp4`);
      assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Removes every entry folder under `entries` (its prefix folders stay, as `cache gc` leaves them); how many. */
async function removeEntries(entries: string): Promise<number> {
  let removed = 0;
  for await (const prefix of Deno.readDir(entries)) {
    if (!prefix.isDirectory) continue;
    for await (const key of Deno.readDir(`${entries}/${prefix.name}`)) {
      await Deno.remove(`${entries}/${prefix.name}/${key.name}`, { recursive: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Renders (or plans) `dir/lesson.ts`, whose module prints `marker` and then waits or loops in its own code, and sends
 * the process `signal` once the marker is printed; its exit code and stderr. One still running 30 s later is killed.
 */
async function signalWhileLoading(
  dir: string,
  { marker, signal, command = "render", file = "lesson.ts" }: {
    marker: string;
    signal: "SIGINT" | "SIGTERM";
    command?: "render" | "plan";
    file?: string;
  },
): Promise<{ code: number; stderr: string }> {
  return await signalAfter(
    ["run", "--allow-all", CLI, command, file, ...command === "render" ? ["--out", "out"] : []],
    { marker, signal, cwd: dir },
  );
}

/** A lesson whose module runs `code` at its top, after printing `marker`. */
function lessonRunning(code: string, marker: string): string {
  return `import { workflow } from "${MOD_URL}";
console.log("${marker}");
${code}
export default workflow({ formats: ["160x90"], videos: [{ id: "v", sections: [{ title: "T", narration: "Hi." }] }] });
`;
}

Deno.test("SIGTERM while the workflow still loads ends the render at once: exit 130, one line, nothing made", async () => {
  // A workflow whose module waits in its own code (a minute, unless the render ends first): before, the signal
  // surfaced as an uncaught AbortError with a stack trace (exit 1), or was not seen until the module returned.
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    lessonRunning("await new Promise((resolve) => setTimeout(resolve, 60_000));", "loading"),
  );
  const { code, stderr } = await signalWhileLoading(dir, { marker: "loading", signal: "SIGTERM" });
  assert.equal(code, 130, stderr);
  assert.match(stderr, /✖ Cancelled before any step ran: nothing was made/);
  assert.doesNotMatch(stderr, /Uncaught|AbortError|\n\s+at /);
  assert.equal(await listFolder(`${dir}/out`), null);
  assert.equal(await listFolder(`${dir}/.reel`), null);
});

Deno.test("Ctrl-C or SIGTERM while the workflow's code never returns ends the render: exit 130, one line, nothing made", async () => {
  // fi3: an endless loop at the top of a workflow blocks the main thread, its signal handlers with it: nothing was
  // printed, and only SIGKILL ended the render. A worker watches the load (see lib/workers/load_watchdog.ts).
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir}/lesson.ts`,
    lessonRunning("while (Date.now() > 0) { /* never returns */ }", "looping"),
  );
  // A worker watches the render's load, which handles the signals itself; `plan` has no watch, and the signal's
  // default ends it (rv4: a watch there took that default away, and a waiting `plan` ran on).
  const plan = await signalWhileLoading(dir, { marker: "looping", signal: "SIGINT", command: "plan" });
  assert.equal(plan.code, 130, plan.stderr);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const { code, stderr } = await signalWhileLoading(dir, { marker: "looping", signal });
    assert.equal(code, 130, `${signal}: ${stderr}`);
    assert.match(
      stderr,
      /✖ Cancelled while loading lesson\.ts: its code has not returned \(an endless loop\?\); nothing was made/,
    );
    assert.equal(await listFolder(`${dir}/out`), null);
    assert.equal(await listFolder(`${dir}/.reel`), null);
  }
  // rv5: code that runs once the import has returned (a getter read as the workflow is resolved) was not watched.
  // fi3: the watch printed the file's name as it is, a terminal's escape in it too (the main thread's messages
  // write control characters as their codes).
  const file = "get\x1b[2Jter.ts";
  await Deno.writeTextFile(
    `${dir}/${file}`,
    `import { workflow } from "${MOD_URL}";
console.log("getter");
export default workflow({ formats: ["160x90"], get videos() { while (Date.now() > 0) {} return []; } });
`,
  );
  const getter = await signalWhileLoading(dir, { marker: "getter", signal: "SIGINT", file });
  assert.equal(getter.code, 130, getter.stderr);
  assert.match(getter.stderr, /✖ Cancelled while loading get\\x1b\[2Jter\.ts: its code has not returned/);
  assert.ok(!getter.stderr.includes("\x1b"), getter.stderr);
});
