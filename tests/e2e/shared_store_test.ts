/**
 * Two renders and a `cache gc` on one store, at random moments: every output valid, every record matching its
 * bytes, and every provider call paid once.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";
import { CLI, jsonEvents, runCli } from "../_support/cli.ts";
import { seededRandom } from "../_support/fake_executor.ts";
import { probe } from "../_support/media.ts";
import { MOD_URL } from "../_support/workflows.ts";

/** A render in a child process whose JSON events are read as they come. */
function startRender(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, "render", ...args, "--json"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const events: string[] = [];
  let notify = () => {};
  const done = (async () => {
    for await (const event of jsonEvents(child.stdout)) {
      events.push(event.type);
      notify();
    }
    return { code: (await child.status).code, stderr: await stderr };
  })();
  /** Resolves once the render has emitted `count` events (or ended). */
  const reached = async (count: number) => {
    while (events.length < count) {
      const next = new Promise<void>((resolve) => notify = resolve);
      if (await Promise.race([next.then(() => false), done.then(() => true)])) return;
    }
  };
  return { done, reached };
}

function workflowText(seed: number): string {
  const random = seededRandom(seed);
  const sections = Array.from({ length: 2 + Math.floor(random() * 3) }, (_, i) => {
    const choice = Math.floor(random() * 4);
    return {
      title: `Part ${i + 1}`,
      narration: `Seed ${seed} says part ${i + 1}.`,
      ...(choice === 0 || choice === 3 ? { image: { provider: "api", prompt: `picture ${seed}.${i}` } } : {}),
      ...(choice === 1 || choice === 3 ? { voice: { provider: "api", voice: "alloy" } } : {}),
      ...(choice === 2 ? { voice: { provider: "espeak" } } : {}),
    };
  });
  return `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ${JSON.stringify(random() < 0.5 ? ["96x54"] : ["96x54", "54x96"])},
  providers: { api: { api: "openai", baseUrl: "{{URL}}", concurrency: 3 } },
  videos: [{ id: "v", sections: ${JSON.stringify(sections)} }],
});`;
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

for (const seed of [1, 2, 3, 4]) {
  Deno.test(`two renders and a gc on one store (seed ${seed}): outputs valid, records match bytes, each call paid once`, async () => {
    const random = seededRandom(seed * 7919);
    const server = startFakeOpenAi({
      vary: true,
      random: seededRandom(seed),
      latency: { min: 20, max: 200 },
    });
    const dir = await Deno.makeTempDir({ prefix: "reel-shared-" });
    try {
      const file = `${dir}/lesson.ts`;
      await Deno.writeTextFile(file, workflowText(seed).replace("{{URL}}", server.url));
      // Old, unrelated entries for the gc to collect while the renders run.
      const old = `${dir}/old.ts`;
      await Deno.writeTextFile(old, workflowText(seed + 100).replace("{{URL}}", server.url));
      const warm = await runCli(["render", old, "--out", `${dir}/old-out`, "--cache", `${dir}/store`]);
      assert.equal(warm.code, 0, warm.stderr);
      const store = new ArtifactStore(`${dir}/store`);
      const past = new Date(Date.now() - 3_600_000);
      for (const entry of await store.entries()) {
        await Deno.utime(
          `${dir}/store/entries/${entry.key.slice(0, 2)}/${entry.key}/record.json`,
          past,
          past,
        );
      }
      const plan = JSON.parse((await runCli(["plan", file, "--json", "--cache", `${dir}/store`])).stdout) as {
        steps: { key: string | null; paid: boolean }[];
      };
      const paidKeys = new Set(plan.steps.filter((step) => step.paid).map((step) => step.key));
      server.reset();

      const a = startRender([file, "--out", `${dir}/a`, "--cache", `${dir}/store`]);
      await a.reached(1 + Math.floor(random() * 12));
      const b = startRender([file, "--out", `${dir}/b`, "--cache", `${dir}/store`]);
      await b.reached(1 + Math.floor(random() * 12));
      const gc = await runCli(["cache", "gc", "--max-size", "0", "--cache", `${dir}/store`]);
      assert.equal(gc.code, 0, gc.stderr);
      const [resultA, resultB] = await Promise.all([a.done, b.done]);
      assert.equal(resultA.code, 0, resultA.stderr);
      assert.equal(resultB.code, 0, resultB.stderr);

      assert.equal(server.stats.byStatus["200"] ?? 0, paidKeys.size, "each distinct call was paid once");
      for (const out of ["a", "b"]) {
        for (const format of await Array.fromAsync(Deno.readDir(`${dir}/${out}`))) {
          if (!format.name.endsWith(".mp4")) continue;
          const info = await probe(`${dir}/${out}/${format.name}`);
          assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
          assert.ok(info.duration > 0.5, `${out}/${format.name} lasts ${info.duration} s`);
          assert.equal(await sha256(`${dir}/${out}/${format.name}`), await sha256(`${dir}/a/${format.name}`));
        }
      }
      for (const entry of await store.entries()) {
        const folder = `${dir}/store/entries/${entry.key.slice(0, 2)}/${entry.key}`;
        const record = JSON.parse(await Deno.readTextFile(`${folder}/record.json`));
        if (record.file !== null) {
          assert.equal(await sha256(`${folder}/${record.file}`), record.sha256, entry.key);
        }
      }
      assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/store/claims`)), [], "no claim left");
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
