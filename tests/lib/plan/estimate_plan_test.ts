/** `estimate` and `plan` on what a render will call: what they count, what they price, and what they cannot know. */
import assert from "node:assert/strict";
import { describePlan } from "../../../lib/plan/describe_plan.ts";
import { estimatePlan, formatEstimates } from "../../../lib/plan/estimate_plan.ts";
import type { Plan } from "../../../lib/plan/plan.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const dir = await tempDir("reel-estimate-plan-");
await Deno.writeTextFile(`${dir}/talk.wav`, "a recording");

async function planOf(input: WorkflowInput): Promise<Plan> {
  const workflow = await resolveWorkflow(input, {
    file: "e.ts",
    moduleUrl: `file://${dir}/e.ts`,
    env: () => undefined,
  });
  return planWorkflows([workflow], { toolchain: { ...TEST_TOOLCHAIN, pocketsphinx: "pocketsphinx test" } });
}

const hostedTranscription: WorkflowInput = {
  providers: { whisper: { api: "openai", baseUrl: "http://127.0.0.1:9/v1", rate: { requests: 60 } } },
  transcribe: [{ id: "talk", input: "talk.wav", engine: "whisper", model: "whisper-1" }],
};

Deno.test("estimate names a hosted transcription's provider, whose calls are spawned at run time, and its cost as unknown", async () => {
  const plan = await planOf(hostedTranscription);
  const [whisper, ...others] = estimatePlan(plan);
  assert.deepEqual(others, []);
  assert.deepEqual([whisper?.provider, whisper?.calls, whisper?.spawned, whisper?.cost], [
    "whisper",
    0,
    ["talk/split/chunk"],
    null,
  ]);
  const text = formatEstimates(estimatePlan(plan));
  // Before: "no HTTP provider is called: nothing to pay, no rate limit to wait for".
  assert.doesNotMatch(text, /nothing to pay/);
  assert.match(
    text,
    /^whisper: calls made by steps spawned at run time \(talk\/split\/chunk: how many is known only/m,
  );
  assert.match(text, /cost unknown \(the calls made at run time are not counted\)/);
  assert.match(text, /^total: .*cost unknown$/m);
});

Deno.test("estimate counts a hosted transcription's chunk calls foreseen from its recording, and prices their minutes", async () => {
  const priced: WorkflowInput = {
    ...hostedTranscription,
    providers: {
      whisper: {
        api: "openai",
        baseUrl: "http://127.0.0.1:9/v1",
        rate: { requests: 2, per: "minute" },
        prices: { perMinute: 0.5 },
      },
    },
  };
  const plan = await planOf(priced);
  const foreseen = [{ template: "talk/split/chunk", calls: 7, seconds: 240, doneWith: "talk/merge" }];
  const [whisper] = estimatePlan(plan, null, { foreseen });
  // 7 calls, 2 a minute: the 6 after the first take 180 s; 4 minutes of audio at $0.50 a minute.
  assert.deepEqual(
    [
      whisper?.calls,
      whisper?.foreseen,
      whisper?.audioSeconds,
      whisper?.spawned,
      whisper?.lowerBoundMs,
      whisper?.cost,
    ],
    [7, 7, 240, [], 180_000, 2],
  );
  assert.match(
    formatEstimates([whisper!]),
    /^whisper: about 7 calls, 4\.0 min of audio; at least 180\.0 s by its rate limits; \$2\.00$/m,
  );
  // Without a price per minute, the missing price is named.
  const unpriced = formatEstimates(estimatePlan(await planOf(hostedTranscription), null, { foreseen }));
  assert.match(unpriced, /cost unknown \(transcription: no price per minute in its options\)/);
  // With the transcript stored, none of its chunks is called again.
  const status = new Map(plan.steps.map((step) => [step.id, { status: "stored" as const }]));
  const [again] = estimatePlan(plan, status as never, { foreseen });
  assert.deepEqual([again?.calls, again?.stored, again?.cost], [0, 7, 0]);
  // Nor when its length was not foreseen: its split is stored, so nothing is spawned. Before: "calls made by steps
  // spawned at run time…; cost unknown", and plan's "provider calls to pay by the steps spawned at run time".
  const [unforeseen] = estimatePlan(plan, status as never);
  assert.deepEqual([unforeseen?.calls, unforeseen?.spawned, unforeseen?.cost], [0, [], 0]);
  assert.match(
    describePlan(plan, status as never),
    /^store: 7 of 7 steps stored, 0 to run; no provider call to pay$/m,
  );
});

Deno.test("plan names a hosted transcription's provider among the calls, not none", async () => {
  const text = describePlan(await planOf(hostedTranscription), new Map());
  // Before: "provider calls: none".
  assert.match(text, /^provider calls: whisper by steps spawned at run time \(talk\/split\/chunk: /m);
  assert.match(text, /→ whisper 60 rpm, \d+ at once →/);
  assert.match(text, /; provider calls to pay by the steps spawned at run time$/m);
});

Deno.test("estimate still says nothing is paid for a local transcription", async () => {
  const plan = await planOf({ transcribe: [{ id: "talk", input: "talk.wav" }] });
  assert.deepEqual(estimatePlan(plan), []);
  assert.match(describePlan(plan), /^provider calls: none$/m);
});

Deno.test("estimate names the price a provider lacks and gives the cost of what is priced, in the singular for one", async () => {
  const plan = await planOf({
    formats: ["16:9"],
    providers: { api: { api: "openai", baseUrl: "http://127.0.0.1:9/v1", prices: { image: 0.04 } } },
    voice: { provider: "api", voice: "alloy" },
    videos: [{
      id: "v",
      sections: [{ title: "T", narration: "Hello there.", image: { provider: "api", prompt: "a cat" } }],
    }],
  });
  const text = formatEstimates(estimatePlan(plan));
  // Before: "2 calls, 1 images, ...; cost unknown (no prices in its options)".
  assert.match(
    text,
    /^api: 2 calls, 1 image, 12 characters; .*; cost unknown \(images: \$0\.04; speech: no price per million characters in its options\)$/m,
  );
  assert.match(text, /^total: .*cost unknown \(\$0\.04 for what is priced\)$/m);
});

Deno.test("estimate says a cost under a cent as such, and no wait where no rate limit holds the calls back", async () => {
  const plan = await planOf({
    formats: ["16:9"],
    providers: {
      tts: { api: "openai", baseUrl: "http://127.0.0.1:9/v1", prices: { perMillionCharacters: 15 } },
    },
    voice: { provider: "tts", voice: "alloy" },
    videos: [{ id: "v", sections: [{ title: "T", narration: "Hello there, a short narration." }] }],
  });
  // nt7: "tts: 1 call, 41 characters; at least 0.0 s by its rate limits; $0.00".
  const text = formatEstimates(estimatePlan(plan));
  assert.match(text, /^tts: 1 call, 31 characters; no wait by its rate limits; under \$0\.01$/m);
  assert.match(text, /^total: no wait by rate limits, cost under \$0\.01$/m);
});

Deno.test("estimate says a wait under a tenth of a second in milliseconds", async () => {
  const plan = await planOf({
    formats: ["16:9"],
    providers: {
      tts: { api: "openai", baseUrl: "http://127.0.0.1:9/v1", rate: { requests: 100, per: "second" } },
    },
    voice: { provider: "tts", voice: "alloy" },
    videos: [{
      id: "v",
      sections: [{ title: "T", narration: "One narration." }, { title: "U", narration: "Another one." }],
    }],
  });
  // rv12: "at least 0.0 s by its rate limits" of a 10 ms bound (2 calls, 1 at once, 100 a second).
  const text = formatEstimates(estimatePlan(plan));
  assert.match(text, /^tts: 2 calls, \d+ characters; at least 10 ms by its rate limits; /m);
  assert.match(text, /^total: at least 10 ms \(providers run side by side\)/m);
});
