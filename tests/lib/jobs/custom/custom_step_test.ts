/**
 * The custom step kind, run as a worker runs it: a step that names an output must have written its file when it
 * returns, wherever it runs (the check is the step's own, so a cluster's worker makes it too).
 */
import assert from "node:assert/strict";
import { UnrecoverableError } from "../../../../lib/core/errors.ts";
import { customStep } from "../../../../lib/jobs/custom/custom_step.ts";
import { ProcessError } from "../../../../lib/media/run_process.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { writeWorkflowFile } from "../../../_support/workflows.ts";

/** Runs the custom step of the workflow `file` named `step`, as a worker runs it, in a folder of its own. */
function runnerOf(file: string): (step: string, signal?: AbortSignal) => Promise<unknown> {
  const dir = file.slice(0, file.lastIndexOf("/"));
  return (step, signal) =>
    runStepKind(customStep, {
      params: { step, params: {} },
      inputs: [],
      outputPath: `${dir}/${step}/artifact.bin`,
      scratchDir: `${dir}/${step}`,
      runtime: { module: `file://${file}` },
    }, { signal });
}

Deno.test("customStep fails a step that names an output and returns without writing it, unrecoverably, naming both", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "nofile", output: "nofile.txt", run: () => 1 }),
    step({ id: "folder", output: "folder.txt", run: (_inputs, { outputPath }) => Deno.mkdir(outputPath).then(() => 2) }),
    step({ id: "file", output: "file.txt", run: (_inputs, { outputPath }) => Deno.writeTextFile(outputPath, "hi").then(() => 3) }),
    step({ id: "value", run: () => 4 }),
  ],
});`);
  const run = runnerOf(file);
  for (const [step, output] of [["nofile", "nofile.txt"], ["folder", "folder.txt"]]) {
    await assert.rejects(run(step!), (error) => {
      assert.ok(error instanceof UnrecoverableError, String(error));
      assert.equal(
        error.message,
        `Step "test/custom" names the output ${output} but wrote no file to its outputPath; nothing was stored`,
      );
      return true;
    });
  }
  assert.equal(await run("file"), 3);
  const dir = file.slice(0, file.lastIndexOf("/"));
  assert.equal(await Deno.readTextFile(`${dir}/file/artifact.bin`), "hi");
  // A step that names no output may write nothing.
  assert.equal(await run("value"), 4);
});

Deno.test("customStep refuses a misspelled field of its context, naming the nearest; other names read as undefined", async () => {
  // nt9: \`{ outputpath }\` was undefined, and the step failed writing to "": "writefile ''".
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "typo", run: (_inputs, { outputpath }) => Deno.writeTextFile(outputpath, "hi").then(() => 1) }),
    step({ id: "plain", run: async (_inputs, context) => {
      const same = await context;
      // rv14: lodash's omit and isEmpty ask for length, a feature check for a field of a later version.
      const asked = [context.length, context.progress, Array.from(context).length];
      return JSON.parse(JSON.stringify({ keys: Object.keys(same).sort(), has: "outputPath" in context, asked }));
    } }),
  ],
});`);
  const run = runnerOf(file);
  await assert.rejects(run("typo"), (error) => {
    assert.ok(error instanceof TypeError, String(error));
    assert.equal(
      error.message,
      'A step\'s context has no field "outputpath" (did you mean "outputPath"?): it has params, signal, outputPath, ' +
        "spawn, warn, runProcess",
    );
    return true;
  });
  assert.deepEqual(await run("plain"), {
    keys: ["outputPath", "params", "runProcess", "signal", "spawn", "warn"],
    has: true,
    asked: [null, null, 0],
  });
});

Deno.test("customStep names where its value stops being JSON: a Map, a BigInt, a cycle, NaN; a Date is its string", async () => {
  // Before: a Map was stored as {} and NaN as null without a word; a BigInt or a cycle failed with JSON's own words.
  const file = await writeWorkflowFile(`const loop: Record<string, unknown> = {};
loop.self = loop;
export default workflow({
  steps: [
    step({ id: "map", run: () => ({ counts: new Map([["a", 1]]) }) as never }),
    step({ id: "big", run: () => ({ list: [1, 2n] }) as never }),
    step({ id: "loop", run: () => loop as never }),
    step({ id: "nan", run: () => ({ ratio: Number.NaN }) }),
    step({ id: "fine", run: () => ({ at: new Date(0), skip: undefined, list: [1, "a", null, { b: true }] }) as never }),
  ],
});`);
  const run = runnerOf(file);
  const cases: [string, string][] = [
    ["map", "a Map at .counts (return plain objects, arrays and numbers)"],
    ["big", "a bigint at .list[1]"],
    ["loop", "a value that contains itself at .self"],
    ["nan", "NaN at .ratio"],
  ];
  for (const [step, problem] of cases) {
    await assert.rejects(run(step), (error) => {
      assert.ok(error instanceof UnrecoverableError, String(error));
      assert.equal(error.message, `Custom step "${step}" returned a value that is not JSON: ${problem}`);
      return true;
    });
  }
  assert.deepEqual(await run("fine"), { at: "1970-01-01T00:00:00.000Z", list: [1, "a", null, { b: true }] });
});

Deno.test("customStep names where the params of a child it spawns stop being JSON, as bad input", async () => {
  // nt15: "()=>1 could not be cloned", naming neither the step nor the field, and not as bad input.
  const file = await writeWorkflowFile(`export default workflow({
  steps: [step({ id: "parent", run: (_inputs, context) => context.spawn("kid", { f: (() => 1) as never }) })],
  templates: [step({ id: "kid", run: () => 1 })],
});`);
  await assert.rejects(runnerOf(file)("parent"), (error) => {
    assert.ok(error instanceof UnrecoverableError, String(error));
    assert.equal(error.badInput, true);
    assert.equal(
      error.message,
      'Custom step "parent" spawned "kid" with params that are not JSON: a function at .f',
    );
    return true;
  });
});

Deno.test("customStep sends a child's params as JSON: a URL is its address", async () => {
  // rv27: sent by structured clone, a URL arrived as {}.
  const file = await writeWorkflowFile(`export default workflow({
  steps: [step({ id: "parent", run: (_inputs, context) => context.spawn("kid", { at: new URL("file:///x") as never }) })],
  templates: [step({ id: "kid", run: () => 1 })],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const spawned: unknown[] = [];
  await runStepKind(customStep, {
    params: { step: "parent", params: {} },
    inputs: [],
    outputPath: `${dir}/parent/artifact.bin`,
    scratchDir: `${dir}/parent`,
    runtime: { module: `file://${file}` },
  }, { spawn: (child) => spawned.push(child) });
  assert.deepEqual(spawned, [{ step: "kid", params: { at: "file:///x" } }]);
});

Deno.test("customStep refuses a folder made at its outputPath, as bad input", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [step({ id: "folder", run: async (_inputs, context) => { await Deno.mkdir(context.outputPath); } })],
});`);
  await assert.rejects(runnerOf(file)("folder"), (error) => {
    assert.ok(error instanceof UnrecoverableError, String(error));
    assert.equal(error.badInput, true);
    assert.equal(error.message, 'Custom step "folder" made a folder at its outputPath: write one file there');
    return true;
  });
});

Deno.test("customStep refuses a value over 16 million characters as JSON, naming the step and where large data goes", async () => {
  // fi5: a value of 300 MB ran the render out of memory (exit 133, no summary, the other steps lost).
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "huge", run: () => "w".repeat(16_000_000) }),
    step({ id: "fits", run: () => "w".repeat(15_999_998) }),
  ],
});`);
  const run = runnerOf(file);
  await assert.rejects(run("huge"), (error) => {
    assert.ok(error instanceof UnrecoverableError, String(error));
    assert.match(
      error.message,
      /^Custom step "huge" returned a value of 16\.0 million characters as JSON: .* outputPath$/,
    );
    return true;
  });
  assert.equal(((await run("fits")) as string).length, 15_999_998);
});

Deno.test("customStep's runProcess drops null arguments, fails as reel's own children do, and takes a signal of the step's own", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "echo", run: async (_inputs, { runProcess }) =>
      new TextDecoder().decode((await runProcess("echo", ["a", null, "b"])).stdout).trim() }),
    step({ id: "fails", run: async (_inputs, { runProcess }) => {
      await runProcess("sh", ["-c", "echo first >&2; echo 'no such stream' >&2; exit 3"]);
      return 1;
    } }),
    step({ id: "missing", run: async (_inputs, { runProcess }) => {
      await runProcess("reel-no-such-program", []);
      return 1;
    } }),
    step({ id: "own", run: async (_inputs, { runProcess }) => {
      await runProcess("sh", ["-c", "exit 0"], { signal: AbortSignal.abort(new RangeError("the step's own deadline")) });
      return 1;
    } }),
  ],
});`);
  const run = runnerOf(file);
  assert.equal(await run("echo"), "a b");
  await assert.rejects(run("fails"), (error) => {
    assert.ok(error instanceof ProcessError, String(error));
    assert.equal(error.message, "sh exited with code 3: first | no such stream");
    assert.equal(error.code, 3);
    return true;
  });
  await assert.rejects(
    run("missing"),
    (error) => error instanceof Deno.errors.NotFound && error.message.includes("reel-no-such-program"),
  );
  await assert.rejects(
    run("own"),
    (error) => error instanceof RangeError && /own deadline/.test(error.message),
  );
});

Deno.test({
  name: "customStep's runProcess kills its child when the step's signal aborts (Linux)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    // The child writes its pid into a FIFO, then becomes a ten-minute sleep (same pid): reading the FIFO waits for it.
    const fifo = `${await tempDir()}/started`;
    assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
    const script = `echo $$ > ${fifo}; exec sleep 600`;
    const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "hold", run: async (_inputs, { runProcess }) => {
      await runProcess("sh", ["-c", ${JSON.stringify(script)}]);
      return 1;
    } }),
  ],
});`);
    const controller = new AbortController();
    const running = runnerOf(file)("hold", controller.signal);
    // A step that ends without starting the child opens the FIFO's other end, so the read ends, empty.
    let started = false;
    const settled = running.then(() => "returned", String).finally(async () => {
      if (!started) (await Deno.open(fifo, { write: true })).close();
    });
    const pid = Number((await Deno.readTextFile(fifo)).trim());
    started = true;
    if (!(pid > 0)) assert.fail(`The step ended before it started its child: ${await settled}`);
    controller.abort(new Error("stopped by the test"));
    await assert.rejects(running, /stopped by the test/);
    // The child was killed and reaped before the step's promise settled: nothing is left under its pid.
    await assert.rejects(Deno.stat(`/proc/${pid}`), Deno.errors.NotFound);
  },
});

Deno.test("customStep's warn passes a sentence on, trimmed, and refuses one that is empty or not text, as bad input", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "skips", run: (_inputs, { warn }) => { warn(" 2 empty notes skipped "); warn("1 clamped"); return 1; } }),
    step({ id: "empty", run: (_inputs, { warn }) => { warn("  "); return 1; } }),
    step({ id: "number", run: (_inputs, { warn }) => { warn(42); return 1; } }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const run = async (step: string) => {
    const warnings: string[] = [];
    const value = await runStepKind(customStep, {
      params: { step, params: {} },
      inputs: [],
      outputPath: `${dir}/${step}/artifact.bin`,
      scratchDir: `${dir}/${step}`,
      runtime: { module: `file://${file}` },
    }, { warn: (message) => warnings.push(message) });
    return { value, warnings };
  };
  assert.deepEqual(await run("skips"), { value: 1, warnings: ["2 empty notes skipped", "1 clamped"] });
  for (const [step, what] of [["empty", "an empty message"], ["number", "a number"]]) {
    await assert.rejects(run(step!), (error) => {
      assert.ok(error instanceof UnrecoverableError && error.badInput, String(error));
      assert.equal(error.message, `Custom step "${step}" warned with ${what}: context.warn takes a sentence`);
      return true;
    });
  }
});
