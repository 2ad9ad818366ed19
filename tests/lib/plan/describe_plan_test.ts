/** The `plan` printout's bound on provider calls in flight: the layers, and each provider's own `concurrency`. */
import assert from "node:assert/strict";
import { describePlan } from "../../../lib/plan/describe_plan.ts";
import type { Plan } from "../../../lib/plan/plan.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const dir = await tempDir("reel-describe-plan-");
await Deno.writeTextFile(`${dir}/talk.wav`, "a recording");

async function planOf(input: WorkflowInput): Promise<Plan> {
  const workflow = await resolveWorkflow(input, {
    file: "d.ts",
    moduleUrl: `file://${dir}/d.ts`,
    env: () => undefined,
  });
  return planWorkflows([workflow], { toolchain: { ...TEST_TOOLCHAIN, pocketsphinx: "pocketsphinx test" } });
}

const fake = (concurrency: number) => ({
  api: "openai" as const,
  baseUrl: "http://127.0.0.1:9/v1",
  concurrency,
});

Deno.test("plan bounds the calls in flight by a provider's own concurrency", async () => {
  const text = describePlan(
    await planOf({
      providers: { fake: fake(1) },
      transcribe: [{ id: "talk", input: "talk.wav", engine: "fake", model: "whisper-1" }],
    }),
  );
  // Before: "fake 1 at once → 8 provider calls in flight at most".
  assert.match(text, /fake 1 at once → 1 HTTP call in flight at most \(fake 1\)$/m);
});

Deno.test("plan adds up the providers' concurrency, each capped by the layers; local engines are bounded by the pool", async () => {
  const text = describePlan(
    await planOf({
      formats: ["16:9"],
      limits: { global: 8 },
      providers: { images: fake(2), speech: fake(20) },
      voice: { provider: "speech", voice: "alloy" },
      videos: [{
        id: "v",
        sections: [{ title: "T", narration: "Hi.", image: { provider: "images", prompt: "a cat" } }],
      }],
    }),
  );
  // The slides are drawn by a local engine, which takes no api or global permit (before: "local engines the rest").
  assert.match(
    text,
    /→ 8 HTTP calls in flight at most \(images 2, speech 8; local engines bounded by the pool\)$/m,
  );
});

Deno.test("plan of local engines alone says they make no HTTP call and the pool bounds them", async () => {
  const text = describePlan(
    await planOf({ formats: ["16:9"], videos: [{ id: "v", sections: [{ title: "T", narration: "Hi." }] }] }),
  );
  // Before: "→ 8 provider calls in flight at most", which bounded them by the global layer they never ask.
  assert.match(text, /→ no HTTP calls \(local engines bounded by the pool\)$/m);
  assert.match(text, /^pool: \d+ workers, \d+ CPU-heavy steps at once/m);
});

Deno.test("plan of variants alone gives the global limit only: the layers bound videos, montages and recordings", async () => {
  const clip = await Deno.readFile("workflows/media/rain.mp4");
  await Deno.writeFile(`${dir}/clip.mp4`, clip);
  const text = describePlan(
    await planOf({ variants: [{ id: "v", inputs: ["clip.mp4"], recipes: ["web"] }] }),
  );
  // nt3: "limits: 2 videos × 4 sections × 2 api = 16 → global 8", none of which bounds a variant.
  assert.match(text, /^limits: global 8 → no HTTP calls$/m);
});

Deno.test("plan of recordings or montages alone says them at once under limits.videos, with no sections or api", async () => {
  const transcription = describePlan(
    await planOf({
      limits: { videos: 3, global: 5 },
      providers: { fake: fake(4) },
      transcribe: [{ id: "talk", input: "talk.wav", engine: "fake", model: "whisper-1" }],
    }),
  );
  // nt6: "limits: 3 videos × 4 sections × 2 api = 24 → global 5", a lesson's words; no step is a section's.
  assert.match(
    transcription,
    /^limits: 3 recordings at once \(limits\.videos\) → global 5 → fake 4 at once → /m,
  );
  await Deno.writeFile(`${dir}/a.png`, await Deno.readFile("workflows/media/tiles/tile-2.png"));
  const montage = describePlan(await planOf({ montages: [{ id: "m", layout: "grid", items: ["a.png"] }] }));
  assert.match(montage, /^limits: 2 montages at once \(limits\.videos\) → global 8 → no HTTP calls$/m);
  // nt8: "1 recordings at once".
  const one = describePlan(
    await planOf({ montages: [{ id: "m", layout: "grid", items: ["a.png"] }], limits: { videos: 1 } }),
  );
  assert.match(one, /^limits: 1 montage at once \(limits\.videos\)/m);
});
