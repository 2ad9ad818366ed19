/**
 * A hang-up stops a command as Ctrl-C does, once, unless the command was started ignoring it (`nohup`); a terminal
 * found gone by a write is a hang-up too. Each case runs in a process of its own: a hang-up changes the process's
 * console for good.
 */
import assert from "node:assert/strict";
import { fileThere } from "../../_support/files_there.ts";

const MODULE = new URL("../../../lib/core/stop_signals.ts", import.meta.url).href;
const WRITER = new URL("../../../lib/report/sync_writer.ts", import.meta.url).href;

/** What `code` prints, run with the module as `signals` (and the writer as `sync`), started by `launcher`. */
async function printed(code: string, launcher: string[] = []): Promise<string> {
  const script = `const signals = await import(${JSON.stringify(MODULE)});
const sync = await import(${JSON.stringify(WRITER)});
${code}`;
  const [program, ...args] = [...launcher, Deno.execPath(), "eval", script];
  const { stdout, stderr, code: exit } = await new Deno.Command(program!, {
    args,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

/** Listens, hangs itself up twice, and says how many stops it heard, or "survived" when it was not stopped. */
const HANG_UP_TWICE = `let heard = 0;
signals.listenForStop(() => heard++);
Deno.kill(Deno.pid, "SIGHUP");
Deno.kill(Deno.pid, "SIGHUP");
setTimeout(() => console.log(heard === 0 ? "survived" : \`stopped \${heard}\`), 300);`;

Deno.test({
  name: "listenForStop(): a hang-up stops a command, once; started under nohup, it goes on (Linux)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    assert.equal(await printed(`console.log(signals.stopSignals().join(" "))`), "SIGINT SIGTERM SIGHUP");
    // fi21: a hang-up ended reel as kill -9 does. rv42: `deno task` passes one on, and it came twice.
    assert.equal(await printed(HANG_UP_TWICE), "stopped 1");
    // rv42: listening for any signal, Deno took SIGHUP over, and the one nohup ignored ended the process.
    assert.equal(await printed(`console.log(signals.stopSignals().join(" "))`, ["nohup"]), "SIGINT SIGTERM");
    assert.equal(await printed(HANG_UP_TWICE, ["nohup"]), "survived");
    // Two listening one after the other, the first stopped (the CLI's early one, then the render's): one listener
    // for the ignored hang-up was left, and none after the first stopped (a render under nohup ended, 129).
    const handedOver = `const early = signals.listenForStop(() => {});
let heard = 0;
signals.listenForStop(() => heard++);
early();
Deno.kill(Deno.pid, "SIGHUP");
setTimeout(() => console.log(heard === 0 ? "survived" : \`stopped \${heard}\`), 300);`;
    assert.equal(await printed(handedOver, ["nohup"]), "survived");
  },
});

Deno.test({
  name:
    "a write to stdout or stderr that finds the terminal gone before the signal is a hang-up: stopped, once",
  // util-linux's `script` (a terminal to hang up) and bash.
  ignore: Deno.build.os !== "linux" || !fileThere("/usr/bin/script") ||
    !fileThere("/bin/bash", "/usr/bin/bash"),
  fn: async () => {
    // rv42: reel in the background of a terminal's shell gets no hang-up when the terminal goes; its live view's
    // next redraw failed ("Input/output error") and the process ended at once, as kill -9 ends it.
    const dir = await Deno.makeTempDir({ prefix: "reel-hangup-" });
    try {
      const fifo = `${dir}/said`;
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      const code = `const signals = await import(${JSON.stringify(MODULE)});
const sync = await import(${JSON.stringify(WRITER)});
const said = await Deno.open(${JSON.stringify(fifo)}, { write: true });
const say = (text) => said.writeSync(new TextEncoder().encode(text + "\\n"));
let heard = 0;
signals.listenForStop(() => { heard++; setTimeout(() => { say("heard " + heard); Deno.exit(0); }, 100); });
setInterval(() => sync.writeTextSync(Deno.stderr, "redraw\\r"), 20);
say("ready");`;
      await Deno.writeTextFile(`${dir}/code.js`, code);
      // The job in the background of a shell with job control, disowned: the kernel's hang-up reaches the shell.
      const shell = `set -m; ${Deno.execPath()} run -A ${dir}/code.js & disown; sleep 60`;
      const terminal = new Deno.Command("script", {
        args: ["-qefc", `bash -c '${shell}'`, "/dev/null"],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const lines = (await Deno.open(fifo, { read: true })).readable.pipeThrough(new TextDecoderStream());
      const reader = lines.getReader();
      let text = "";
      while (!text.includes("ready\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      terminal.kill("SIGKILL");
      await terminal.status;
      for (let next = await reader.read(); !next.done; next = await reader.read()) text += next.value;
      assert.equal(text, "ready\nheard 1\n", "the stop heard, once; before, the process ended at the write");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
