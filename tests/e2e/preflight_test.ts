/**
 * What a render refuses before its first step, and what `plan` tells without running anything.
 */
import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { SECOND_NARRATION_CHANGED, writeWorkflowFile } from "../_support/workflows.ts";

async function workflowFile(value: unknown): Promise<{ file: string; dir: string }> {
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(value)});`);
  return { file, dir: file.slice(0, file.lastIndexOf("/")) };
}

const crowded = {
  formats: ["160x90"],
  videos: [{
    id: "v",
    sections: [
      { title: "Fine", narration: "Short." },
      {
        title: "Too much",
        bullets: Array.from(
          { length: 8 },
          (_, i) => `Point ${i + 1} ${"says a great deal more than fits on one line ".repeat(12)}`,
        ),
        narration: "Crowded.",
      },
    ],
  }],
};

Deno.test("slide text that does not fit: exit 2 naming the section, nothing written; --allow-overflow renders and warns", async () => {
  const { file, dir } = await workflowFile(crowded);
  try {
    const refused = await runCli(["render", file, "--out", `${dir}/out`]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /✖ The slide text does not fit a 160x90 slide even at half size: .* would be cut\n {2}→ at videos\[0\]\.sections\[1\]/,
    );
    assert.match(refused.stderr, /--allow-overflow/);
    assert.equal(await listFolder(`${dir}/out`), null);
    const allowed = await runCli(["render", file, "--out", `${dir}/out`, "--allow-overflow"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(
      allowed.stderr,
      /⚠ videos\[0\]\.sections\[1\]: The slide text does not fit .* it will be cut/,
    );
    assert.ok((await probe(`${dir}/out/v.160x90.mp4`)).duration > 0.5);
    // Stored now: the check reads the fit the slide step recorded, and still refuses without the flag.
    const again = await runCli(["render", file, "--out", `${dir}/again`]);
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /does not fit a 160x90 slide .*\n {2}→ at videos\[0\]\.sections\[1\]/);
    assert.equal(await listFolder(`${dir}/again`), null);
    const allowedAgain = await runCli(["render", file, "--out", `${dir}/again`, "--allow-overflow"]);
    assert.equal(allowedAgain.code, 0, allowedAgain.stderr);
    assert.match(
      allowedAgain.stderr,
      /⚠ videos\[0\]\.sections\[1\]: The slide text does not fit .* it will be cut/,
    );
    assert.match(allowedAgain.stderr, /\(0 ran, \d+ cached\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the checks' mistakes are told together, each with its own hint: an unknown voice and slide text that does not fit", async () => {
  // Before: the voice alone, and the slide once the voice was mended. In the file's order: the voice is written
  // after the videos here.
  // Two crowded sections: their hint is said once, after both.
  const twice = {
    ...crowded,
    videos: [{
      ...crowded.videos[0]!,
      sections: [...crowded.videos[0]!.sections, crowded.videos[0]!.sections[1]!],
    }],
  };
  const { file, dir } = await workflowFile({ ...twice, voice: { provider: "espeak", voice: "xx-nope" } });
  try {
    const refused = await runCli(["render", file, "--out", `${dir}/out`]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        "✖ The slide text does not fit a 160x90 slide[^\\n]*\\n {2}→ at videos\\[0\\]\\.sections\\[1\\], line 3, column \\d+ [^\\n]*\\n" +
          "✖ The slide text does not fit a 160x90 slide[^\\n]*\\n {2}→ at videos\\[0\\]\\.sections\\[2\\], line 3, column \\d+ [^\\n]*\\n {2}Shorten[^\\n]*\\n" +
          '✖ Unknown espeak-ng voice "xx-nope"[^\\n]*\\n {2}→ at voice\\.voice, line 3, column \\d+ [^\\n]*\\n {2}Run `espeak-ng --voices=en`',
      ),
    );
    assert.equal(await listFolder(`${dir}/out`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plan says which steps the store holds and which will run; --json lists each with its key", async () => {
  const { file, dir } = await workflowFile({
    formats: ["160x90"],
    videos: [{ id: "v", sections: [{ title: "A", narration: "One." }, { title: "B", narration: "Two." }] }],
  });
  try {
    const cold = await runCli(["plan", file]);
    assert.equal(cold.code, 0, cold.stderr);
    assert.match(cold.stdout, /store: 0 of 12 steps stored, 12 to run; no provider call to pay/);
    assert.equal((await runCli(["render", file, "--out", `${dir}/out`])).code, 0);
    const source = await Deno.readTextFile(file);
    await Deno.writeTextFile(file.replace(".ts", "2.ts"), source.replace('"Two."', '"Two, again."'));
    const warm = await runCli(["plan", file.replace(".ts", "2.ts"), "--cache", `${dir}/.reel`, "--json"]);
    assert.equal(warm.code, 0, warm.stderr);
    const json = JSON.parse(warm.stdout) as {
      summary: { stored: number; run: number };
      steps: { id: string; status: string; key: string }[];
    };
    const running = json.steps.filter((step) => step.status === "run").map((step) => step.id).sort();
    assert.deepEqual(running, SECOND_NARRATION_CHANGED);
    // Stored: s1's speech and cues, both slides, the title card and the stills.
    assert.deepEqual(json.summary, { steps: 12, stored: 6, run: 6, paid: {} });
    assert.ok(json.steps.every((step) => /^[0-9a-f]{64}$/.test(step.key)));
    // The dry run marked nothing as used and wrote nothing.
    assert.deepEqual(await listFolder(`${dir}/.reel/claims`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a hung speech engine is stopped after the step's timeout; the run ends and names it", async () => {
  const { file, dir } = await workflowFile({
    formats: ["160x90"],
    timeout: 400,
    voice: { provider: "espeak" },
    videos: [{ id: "v", sections: [{ title: "A", narration: "Hangs." }] }],
  });
  const hang = `${dir}/espeak-ng`;
  await Deno.writeTextFile(
    hang,
    `#!/bin/sh\ncase "$*" in *--voices*|*--version*) exec espeak-ng "$@";; esac\nexec sleep 600\n`,
  );
  await Deno.chmod(hang, 0o755);
  try {
    const result = await runCli(["render", file, "--out", `${dir}/out`], { env: { REEL_ESPEAK: hang } });
    assert.equal(result.code, 1, result.stderr);
    // The workflow's 400 ms and 20 ms for each of the narration's 6 characters.
    assert.match(result.stderr, /v\/s1\/speech \(speech\): Step "v\/s1\/speech" timed out after 520 ms/);
    const sleeping = await new Deno.Command("pgrep", { args: ["-f", `sleep 600`] }).output();
    assert.equal(new TextDecoder().decode(sleeping.stdout).trim(), "", "the hung engine was killed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
