import assert from "node:assert/strict";

const MODULE = new URL("../../../lib/core/stop_signals.ts", import.meta.url).href;

/** The stop signals a process started by `launcher` (its arguments before deno's) listens for. */
async function signalsUnder(launcher: string[]): Promise<string[]> {
  const code = `const { stopSignals } = await import(${
    JSON.stringify(MODULE)
  }); console.log(stopSignals().join(" "));`;
  const [program, ...args] = [...launcher, Deno.execPath(), "eval", code];
  const { stdout, success } = await new Deno.Command(program!, { args, stdout: "piped", stderr: "null" })
    .output();
  assert.ok(success);
  return new TextDecoder().decode(stdout).trim().split(" ");
}

Deno.test({
  name:
    "stopSignals(): a hang-up stops a command, unless it is ignored (nohup): then the command goes on (Linux)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    assert.deepEqual(await signalsUnder([]), ["SIGINT", "SIGTERM", "SIGHUP"]);
    assert.deepEqual(await signalsUnder(["nohup"]), ["SIGINT", "SIGTERM"]);
  },
});
