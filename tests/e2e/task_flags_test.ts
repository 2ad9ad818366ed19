import assert from "node:assert/strict";
import { REEL_V8_FLAGS } from "../../tasks/_v8_flags.ts";
import { runCli } from "../_support/cli.ts";

Deno.test("the tasks users run start V8 with the flags the benchmarks measure", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url))) as {
    tasks: Record<string, string>;
  };
  // The benchmarks too: a bench process without them left code cached under other flags, which V8 rejected in the
  // renders it measured (see `_v8_flags.ts`).
  const benches = Object.keys(config.tasks).filter((task) => task === "bench" || task.startsWith("bench:"));
  assert.ok(benches.length >= 7, benches.join(" "));
  for (const task of ["render", "reel", "transcribe", "worker", "compile", ...benches]) {
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

Deno.test("the compile task embeds the worker module and the example workflows, and not the store their renders make there", async () => {
  const root = new URL("../../", import.meta.url);
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
    tasks: Record<string, string>;
  };
  const args = config.tasks.compile!.split(" ");
  const valuesOf = (flag: string) => args.flatMap((arg, i) => arg === flag ? [args[i + 1]!] : []);
  assert.deepEqual(valuesOf("--include"), ["lib/workers/worker_entry.ts", "workflows/"]);
  for (const path of valuesOf("--include")) await Deno.stat(new URL(path, root));
  // What the workers are started with is the module included.
  const { STEP_WORKER_URL } = await import("../../lib/workers/early_workers.ts");
  assert.equal(STEP_WORKER_URL.href, new URL("lib/workers/worker_entry.ts", root).href);
  // The example renders' store (`.reel/` beside the workflow) is not shipped in the binary (rb: 17 MB of it).
  assert.deepEqual(valuesOf("--exclude"), ["workflows/.reel"]);
  const { defaultCacheDir } = await import("../../lib/run/render_workflows.ts");
  // Where they render it when REEL_CACHE names no other place.
  if (!Deno.env.get("REEL_CACHE")) assert.equal(defaultCacheDir("workflows/lesson.ts"), "workflows/.reel");
});

Deno.test("reel --version prints the version in deno.json, exit 0", async () => {
  // nt2: `--version` was an unknown option, exit 2.
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url))) as {
    version: string;
  };
  const { code, stdout, stderr } = await runCli(["--version"]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `${config.version}\n`);
});
