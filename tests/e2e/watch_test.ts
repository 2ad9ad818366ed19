import assert from "node:assert/strict";
import { CLI } from "../_support/cli.ts";
import { MOD_URL } from "../_support/workflows.ts";

function workflowText(second: string): string {
  return `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90"],
  videos: [{ id: "v", sections: [{ title: "A", narration: "First part." }, { title: "B", narration: ${
    JSON.stringify(second)
  } }] }],
});`;
}

Deno.test("render --watch renders again when the workflow is saved, running only the changed steps", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reel-watch-" });
  await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("Second part."));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", "lesson.ts", "--out", "out", "--json", "--watch"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const runs: { ran: string[] }[] = [];
  let current: string[] = [];
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) {
      const event = JSON.parse(line) as { type: string; step?: string; cached?: boolean };
      if (event.type === "step:finished" && !event.cached) current.push(event.step!);
      if (event.type !== "run:finished") continue;
      runs.push({ ran: current.sort() });
      current = [];
      // The watcher starts after the run; saving a moment later is what an editor does.
      if (runs.length === 1) {
        const stderr = child.stderr.getReader();
        for (let seen = ""; !seen.includes("watching");) seen += decoder.decode((await stderr.read()).value);
        stderr.releaseLock();
        await Deno.writeTextFile(`${dir}/lesson.ts`, workflowText("A changed second part."));
      }
    }
    if (runs.length === 2) break;
  }
  child.kill("SIGINT");
  const status = await child.status;
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
  assert.equal(runs[0]!.ran.length, 9);
  assert.deepEqual(runs[1]!.ran, [
    "v/concat@160x90",
    "v/s2/clip@160x90",
    "v/s2/speech",
    "v/subtitles.srt",
    "v/subtitles.vtt",
  ]);
  assert.equal(status.code, 130);
});
