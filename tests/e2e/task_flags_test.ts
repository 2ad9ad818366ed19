import assert from "node:assert/strict";
import { REEL_V8_FLAGS } from "../../tasks/_v8_flags.ts";

Deno.test("the tasks users run start V8 with the flags the benchmarks measure", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url))) as {
    tasks: Record<string, string>;
  };
  for (const task of ["render", "reel", "transcribe", "worker", "compile"]) {
    assert.ok(config.tasks[task]?.includes(` ${REEL_V8_FLAGS} `), `deno.json's "${task}" task`);
  }
});

Deno.test("V8 takes the tasks' flags: a process started with them runs", async () => {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, `console.log("ran");`);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", REEL_V8_FLAGS, file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(output.stderr), "");
    assert.ok(output.success);
    assert.equal(new TextDecoder().decode(output.stdout).trim(), "ran");
  } finally {
    await Deno.remove(file);
  }
});
