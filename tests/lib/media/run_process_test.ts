import assert from "node:assert/strict";
import { ProcessError, runProcess } from "../../../lib/media/run_process.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { fileThere } from "../../_support/files_there.ts";

const here = new URL("../../../lib/media/run_process.ts", import.meta.url).href;

Deno.test({
  name: "runProcess(): a child dies with reel, even when reel is killed with SIGKILL (Linux)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    // A reel-like process starts a child that would run for ten minutes; the child holds a FIFO open for writing, so
    // the test reads its end of the FIFO until end of file: that comes when the child is gone, an event.
    const dir = await tempDir();
    const fifo = `${dir}/alive`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.ok(made.success);
    const script = `${dir}/parent.ts`;
    await Deno.writeTextFile(
      script,
      `import { runProcess } from ${JSON.stringify(here)};\n` +
        `await runProcess("sh", ["-c", ${
          JSON.stringify(`exec 3>${fifo}; echo started >&3; exec sleep 600`)
        }]);\n`,
    );
    const parent = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const alive = await Deno.open(fifo, { read: true });
    const reader = alive.readable.getReader();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), "started\n");
    parent.kill("SIGKILL");
    await parent.status;
    // Before, the child kept running (ten minutes) and this read waited for it: a deadline fails it instead.
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      reader.read().then((chunk) => chunk.done),
      new Promise<"still running">((resolve) =>
        deadline = setTimeout(() => resolve("still running"), 20_000)
      ),
    ]);
    clearTimeout(deadline);
    if (ended === "still running") {
      await new Deno.Command("pkill", { args: ["-f", `exec 3>${fifo}`] }).output();
      await new Deno.Command("pkill", { args: ["-KILL", "-f", "sleep 600"] }).output();
    }
    reader.releaseLock();
    assert.equal(ended, true);
  },
});

for (
  const [script, end] of [
    ["a script that waits for it", "wait"],
    // rv23: its children, no longer below it, were not found, and the run waited for their pipes.
    ["a script that has exited", "exit 0"],
  ]
) {
  Deno.test({
    name: `runProcess(): an abort kills the child's own children too (${script}: a wrapper without exec)`,
    ignore: Deno.build.os !== "linux",
    fn: async () => {
      // The script's child holds a FIFO open for writing: the test reads it to its end, which comes when every
      // process holding it is gone, an event.
      const dir = await tempDir();
      const fifo = `${dir}/alive`;
      assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      const controller = new AbortController();
      const run = runProcess("sh", ["-c", `exec 3>${fifo}; sleep 600 & echo started; ${end}`], {
        signal: controller.signal,
        onStdout: (chunk) => {
          if (new TextDecoder().decode(chunk).includes("started")) controller.abort(new Error("stop"));
        },
      });
      // Handled at once: under load the script may say "started", and the run reject, before the FIFO's open below
      // returns (a clean clone's full run: the rejection was told as uncaught, and the file's tests failed).
      run.catch(() => {});
      const alive = await Deno.open(fifo, { read: true });
      const reader = alive.readable.getReader();
      // fi12: the script died and its `sleep` ran on (ten minutes) with the FIFO and stdout open, and the run waited
      // for it: a deadline fails it instead.
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const ended = await Promise.race([
        (async () => {
          await assert.rejects(run, /stop/);
          while (!(await reader.read()).done) continue;
          return true;
        })(),
        new Promise<"still running">((resolve) =>
          deadline = setTimeout(() => resolve("still running"), 20_000)
        ),
      ]);
      clearTimeout(deadline);
      if (ended === "still running") {
        await new Deno.Command("pkill", { args: ["-KILL", "-f", "sleep 600"] }).output();
      }
      reader.releaseLock();
      assert.equal(ended, true);
    },
  });
}

Deno.test({
  name: "runProcess(): the child leads a session and process group of its own, the program itself (Linux)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    // /proc/<pid>/stat after the command's name: state, parent, process group, session.
    const { stdout } = await runProcess("sh", ["-c", "echo $$; sed 's/.*) //' /proc/$$/stat"]);
    const [pid, stat] = new TextDecoder().decode(stdout).trim().split("\n");
    const [, parent, group, session] = stat!.split(" ");
    assert.equal(group, pid, "it leads its process group, where an abort's kill is sent");
    assert.equal(session, pid, "a terminal's Ctrl-C (sent to the terminal's group) does not reach it");
    assert.equal(Number(parent), Deno.pid, "setpriv and setsid became the program: reel is its parent");
  },
});

Deno.test({
  name:
    "runProcess() starts a child without forking reel: reel's memory is not faulted in again after it (Linux)",
  // util-linux's setsid (without it, a child is started by a fork, as Deno's `detached`).
  ignore: Deno.build.os !== "linux" || !fileThere("/usr/bin/setsid", "/bin/setsid"),
  fn: async () => {
    // A fork marks every page copy-on-write, and each page written next faults (16,384 for these 64 MiB: Deno's
    // `detached` start did); a vfork leaves them as they were.
    // Read on this thread, the one that writes (an async read's thread-self is a thread of Deno's pool).
    const faults = () =>
      Number(Deno.readTextFileSync("/proc/thread-self/stat").split(") ")[1]!.split(" ")[7]);
    const memory = new Uint8Array(64 << 20).fill(1);
    await runProcess("true", []); // setpriv and setsid found first
    const before = faults();
    await runProcess("true", []);
    memory.fill(2);
    const after = faults();
    assert.ok(after - before < 4096, `${after - before} page faults writing 64 MiB after the child started`);
  },
});

Deno.test("runProcess() names a program that does not exist, and one that cannot be run, as Deno's spawn does", async () => {
  await assert.rejects(
    runProcess("reel-no-such-program", ["x"]),
    (error: unknown) => error instanceof Deno.errors.NotFound && /reel-no-such-program/.test(error.message),
  );
  const dir = await tempDir();
  await assert.rejects(
    runProcess(dir, []),
    (error: unknown) => error instanceof Deno.errors.PermissionDenied && error.message.includes(dir),
  );
  // A program named like an option is the program, not setsid's option (rv41).
  const bin = await tempDir();
  await Deno.writeTextFile(`${bin}/-dash`, '#!/bin/sh\necho dash "$@"\n', { mode: 0o755 });
  const path = { PATH: `${bin}:/usr/bin:/bin` };
  assert.equal(
    new TextDecoder().decode((await runProcess("-dash", ["x"], { env: path })).stdout),
    "dash x\n",
  );
  await assert.rejects(runProcess("-nosuch", ["x"]), Deno.errors.NotFound);
  // A wrapper script whose own setsid fails is that script's failure, not a program missing (rv41).
  for (const code of [1, 127]) {
    await assert.rejects(
      runProcess("sh", ["-c", `setsid reel-no-such-program; exit ${code}`]),
      (error: unknown) =>
        error instanceof ProcessError && error.code === code && /reel-no-such/.test(error.message),
    );
  }
  // A program that fails on its own is a ProcessError with its stderr, as before.
  await assert.rejects(
    runProcess("sh", ["-c", "echo 'setpriv-like words' >&2; exit 3"]),
    /exited with code 3/,
  );
});

Deno.test("runProcess() feeds stdin from an async generator and from a ReadableStream, chunk by chunk", async () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  async function* lines() {
    yield encode("one\n");
    yield encode("two\n");
  }
  // Before: "chunks is not iterable".
  const fromGenerator = await runProcess("cat", [], { stdin: lines() });
  assert.equal(new TextDecoder().decode(fromGenerator.stdout), "one\ntwo\n");
  const fromStream = await runProcess("cat", [], { stdin: ReadableStream.from([encode("three\n")]) });
  assert.equal(new TextDecoder().decode(fromStream.stdout), "three\n");
});

Deno.test("runProcess() with a working folder that does not exist names the program and the folder", async () => {
  const cwd = `${await tempDir()}/gone`;
  await assert.rejects(
    runProcess("ls", ["."], { cwd }),
    (error: unknown) =>
      error instanceof Deno.errors.NotFound &&
      error.message === `Cannot run ls: its working folder ${cwd} does not exist`,
  );
});

Deno.test("runProcess() cancelled while it looks for setpriv (a thread's first child) starts nothing", async () => {
  // A fresh process, whose first child pays the look: before, the abort during it was missed, and the child ran to
  // its end (20 s here) before the call rejected.
  const dir = await tempDir();
  const script = `${dir}/first.ts`;
  await Deno.writeTextFile(
    script,
    `import { runProcess } from ${JSON.stringify(here)};\n` +
      `const controller = new AbortController();\n` +
      `const running = runProcess("sh", ["-c", ${
        JSON.stringify(`echo started > ${dir}/started; exec sleep 20`)
      }], { signal: controller.signal });\n` +
      `controller.abort(new Error("cancelled"));\n` +
      `await running.then(() => console.log("ran"), (error) => console.log(error.message));\n`,
  );
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script],
    stdin: "null",
    stderr: "null",
  }).output();
  assert.equal(new TextDecoder().decode(stdout).trim(), "cancelled");
  await assert.rejects(Deno.stat(`${dir}/started`), Deno.errors.NotFound, "the child was started");
});

Deno.test("runProcess() reads stdout on only when onStdout's promise settles, and a rejected one kills the child", async () => {
  // `yes` writes until its stdout is closed: the run ends only if the child is killed.
  const failure = new Error("the disk is full");
  let running = 0;
  let most = 0;
  let chunks = 0;
  await assert.rejects(
    runProcess("yes", [], {
      onStdout: async () => {
        most = Math.max(most, ++running);
        await Deno.stat("."); // an operation of the file system's, as a write's
        running -= 1;
        chunks += 1;
        if (chunks === 3) throw failure;
      },
      signal: AbortSignal.timeout(60_000), // a deadline for the old code, where `yes` went on
    }),
    (error) => error === failure,
  );
  assert.equal(most, 1);
  assert.equal(chunks, 3);
});
