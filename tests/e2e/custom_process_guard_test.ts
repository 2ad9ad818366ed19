/**
 * A custom step's program, started through `context.runProcess`, dies with the render even when the render alone is
 * killed with `kill -9`: before, a step started its program with `Deno.Command` (as workflows/transcribe.ts did) and
 * the program ran on with parent pid 1 after the render was gone.
 */
import assert from "node:assert/strict";
import { CLI } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test({
  name:
    "a custom step's runProcess child dies with the render when the render is killed with kill -9 (Linux)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await tempDir();
    // The child writes its pid into a FIFO, then becomes a ten-minute sleep (same pid): reading the FIFO waits for it.
    const fifo = `${dir}/started`;
    assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
    const script = `echo $$ > ${fifo}; exec sleep 600`;
    const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "hold", cpu: false, run: async (_inputs, { runProcess }) => {
      await runProcess("sh", ["-c", ${JSON.stringify(script)}]);
      return 1;
    } }),
  ],
});`);
    const render = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CLI, "render", file, "--out", `${dir}/out`, "--cache", `${dir}/cache`],
      env: { NO_COLOR: "1", INIT_CWD: dir },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(render.stderr).text();
    // A render that never starts the child (it failed, or hangs past the watchdog) opens the FIFO's other end, so the
    // read below ends, empty, instead of waiting forever.
    let started = false;
    const watchdog = setTimeout(() => render.kill("SIGKILL"), 60_000);
    const ended = render.status.then(async (status) => {
      if (!started) (await Deno.open(fifo, { write: true })).close();
      return status;
    });
    const pid = Number((await Deno.readTextFile(fifo)).trim());
    started = true;
    clearTimeout(watchdog);
    // (stderr is awaited only then: it ends with the render.)
    if (!(pid > 0)) assert.fail(`The render ended before its step started the child: ${await stderr}`);

    render.kill("SIGKILL"); // the render's process only, not its group
    assert.equal((await ended).signal, "SIGKILL");
    await stderr;
    const gone = await waitUntilGone(pid, 20_000);
    if (!gone) Deno.kill(pid, "SIGKILL"); // the old code's orphan, ended here so it does not outlive the test
    assert.ok(gone, `the child (pid ${pid}) still runs after the render was killed`);
  },
});

/**
 * True while `pid` runs: not gone, and not a zombie that only waits to be reaped (a container's first process may
 * never reap an orphan). Its name is not checked: it is sh until the exec, then sleep.
 */
async function running(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // "<pid> (<name>) <state> ...": a name may hold spaces and parentheses, so the state follows the last ")".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Polls /proc until `pid` is no longer running, or `limit` ms have passed; true when it is gone. */
async function waitUntilGone(pid: number, limit: number): Promise<boolean> {
  const deadline = Date.now() + limit;
  while (await running(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
