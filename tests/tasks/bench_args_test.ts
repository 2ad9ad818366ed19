/**
 * The bench tasks' command line: `--help` and a bad argument stop a bench before it starts (it used to ignore both
 * and run for minutes), and a bench's work folder goes when the bench is stopped or fails.
 */
import assert from "node:assert/strict";
import { BenchArgsError, parseBenchArgs } from "../../tasks/_bench_args.ts";

const root = new URL("../..", import.meta.url).pathname;
const decoder = new TextDecoder();
const usage = {
  task: "bench",
  about: "Measures.",
  flags: {
    quick: { kind: "switch", help: "1 run" },
    runs: { kind: "count", help: "runs" },
    only: { kind: "choice", choices: ["pipelines", "scaling"], help: "one table" },
  },
} as const;

Deno.test("parseBenchArgs() reads switches, counts and choices, with defaults for those not given", () => {
  assert.deepEqual(parseBenchArgs([], usage), {
    flags: { quick: false, runs: null, only: null },
    operands: [],
  });
  assert.deepEqual(parseBenchArgs(["--quick", "--runs", "5", "--only=scaling"], usage), {
    flags: { quick: true, runs: 5, only: "scaling" },
    operands: [],
  });
  assert.equal(parseBenchArgs(["--runs", "5", "-h"], usage), "help");
});

Deno.test("parseBenchArgs() refuses an unknown flag, a missing or bad value and a stray argument, naming it", () => {
  const refused = (args: string[], message: RegExp) =>
    assert.throws(
      () => parseBenchArgs(args, usage),
      (error) => error instanceof BenchArgsError && message.test(error.message),
    );
  refused(["--quik"], /^unknown flag --quik$/);
  refused(["-q"], /^unknown flag -q$/);
  refused(["--runs"], /^--runs needs a value$/);
  refused(["--runs", "--quick"], /^--runs needs a value$/);
  refused(["--runs", "two"], /^--runs takes a whole number of at least 1, not "two"$/);
  refused(["--runs", "0"], /not "0"/);
  refused(["--only", "all"], /^--only takes pipelines or scaling, not "all"$/);
  refused(["--quick=yes"], /^--quick takes no value$/);
  refused(["fast"], /^unexpected argument "fast"$/);
});

/** Runs `deno task <task> ...args` with a temporary folder of its own; what it printed, and whether it made files. */
async function runTask(task: string, args: string[]) {
  const tmp = await Deno.makeTempDir({ prefix: "reel-bench-args-test-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", task, ...args],
      cwd: root,
      env: { TMPDIR: tmp, NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const made = await Array.fromAsync(Deno.readDir(tmp));
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
      made: made.map((entry) => entry.name),
    };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const TASKS = [
  "bench",
  "bench:api",
  "bench:montage",
  "bench:cluster",
  "bench:transcribe",
  "bench:sound",
  "bench:voices",
  "measure:cue-anchors",
];

for (const task of TASKS) {
  Deno.test(`deno task ${task} --help prints its usage and runs nothing; a mistyped flag exits 2 naming it`, async () => {
    const [help, typo] = await Promise.all([runTask(task, ["--help"]), runTask(task, ["--quik"])]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`Usage: deno task ${task}\\b`));
    assert.match(help.stdout, /Takes /);
    assert.deepEqual(help.made, []);
    assert.equal(typo.code, 2, typo.stderr);
    assert.equal(typo.stdout, "");
    assert.equal(typo.stderr, `✖ unknown flag --quik\n  → see deno task ${task} --help\n`);
    assert.deepEqual(typo.made, []);
  });
}

Deno.test("deno task bench refuses a bad value, and bench:voices a voice that is not engine:voice", async () => {
  const [runs, voice] = await Promise.all([
    runTask("bench", ["--runs", "x"]),
    runTask("bench:voices", ["slt"]),
  ]);
  assert.equal(runs.code, 2);
  assert.match(runs.stderr, /--runs takes a whole number of at least 1, not "x"/);
  assert.equal(voice.code, 2);
  assert.match(voice.stderr, /"slt" is not engine:voice/);
  assert.deepEqual([...runs.made, ...voice.made], []);
});

Deno.test("deno task bench:voices refuses a voice its engine lacks before measuring any, naming each, exit 2", async () => {
  // Before: a stack trace and exit 1, after the minutes of measuring the good voice named first.
  const result = await runTask("bench:voices", ["flite:slt", "flite:rsm", "espeak:zz-nope"]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /^✖ flite:rsm: Unknown flite voice "rsm": expected one of kal, kal16, awb, rms, slt$/m,
  );
  assert.match(result.stderr, /^✖ espeak:zz-nope: Unknown espeak-ng voice "zz-nope"/m);
  assert.doesNotMatch(result.stderr, /Measuring|Uncaught/);
  assert.deepEqual(result.made, []);
});

/** Runs a script that makes a bench work folder, then waits or throws; returns the process and the folder. */
async function startWithWorkDir(then: "wait" | "throw") {
  const dir = await Deno.makeTempDir({ prefix: "reel-bench-args-test-" });
  const script = `${dir}/bench.ts`;
  // The wait keeps the module's body running: `await using` disposes at its end, as a bench's does.
  await Deno.writeTextFile(
    script,
    `import { benchWorkDir } from "${root}tasks/_bench_work_dir.ts";
await using work = await benchWorkDir("reel-bench-test-");
await Deno.writeTextFile(work.path + "/file", "x");
console.log(work.path);
${
      then === "wait"
        ? "await new Promise((resolve) => setTimeout(resolve, 60_000));"
        : 'throw new Error("the bench failed");'
    }`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const path = ((await lines.read()).value ?? "").trim();
  /** Waits for the process to end and reads what it printed after the path. */
  const ended = async () => {
    const status = await child.status;
    while (!(await lines.read()).done);
    await Deno.remove(dir, { recursive: true });
    return status;
  };
  return { child, path, ended };
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  Deno.test(`benchWorkDir() removes its folder on ${signal}, and the bench exits ${code}`, async () => {
    const { child, path, ended } = await startWithWorkDir("wait");
    assert.ok((await Deno.stat(`${path}/file`)).isFile);
    child.kill(signal);
    const status = await ended();
    assert.deepEqual([status.code, status.signal], [code, null]);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
}

Deno.test("benchWorkDir() ends the bench's children on a signal, and what they and it made in TMPDIR goes with its folder", async () => {
  // Before: a bench killed alone (not its process group) left its render running, writing into the removed folder,
  // and a recognizer's speech.wav in the system's TMPDIR.
  const dir = await Deno.makeTempDir({ prefix: "reel-bench-args-test-" });
  const fifo = `${dir}/alive`;
  assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
  const script = `${dir}/bench.ts`;
  await Deno.writeTextFile(
    script,
    `import { benchChild, benchWorkDir } from "${root}tasks/_bench_work_dir.ts";
await using work = await benchWorkDir("reel-bench-test-");
const scratch = await Deno.makeTempDir({ prefix: "reel-asr-" });
benchChild("sh", { args: ["-c", ${JSON.stringify(`exec 3>${fifo}; echo started >&3; exec sleep 600`)}] });
console.log(work.path + " " + scratch);
await new Promise((resolve) => setTimeout(resolve, 60_000));`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const alive = (await Deno.open(fifo, { read: true })).readable.getReader();
  assert.equal(new TextDecoder().decode((await alive.read()).value), "started\n");
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const [path, scratch] = ((await lines.read()).value ?? "").trim().split(" ");
  assert.ok(scratch!.startsWith(`${path}/tmp/reel-asr-`), scratch);
  child.kill("SIGTERM");
  assert.equal((await child.status).code, 143);
  while (!(await lines.read()).done);
  // The child's end of the FIFO closed: it was ended (it would have slept ten minutes).
  assert.equal((await alive.read()).done, true);
  alive.releaseLock();
  await assert.rejects(Deno.stat(path!), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("benchWorkDir() removes its folder when the bench throws", async () => {
  const { path, ended } = await startWithWorkDir("throw");
  assert.equal((await ended()).code, 1);
  assert.match(path, /reel-bench-test-/);
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
});
