import assert from "node:assert/strict";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { STEP_BACK_MS, StepBack } from "../../../lib/cluster/_step_back.ts";

/** A queue's consumer that records when it was paused and resumed, by the clock's time. */
function consumer(clock: VirtualClock) {
  const calls: string[] = [];
  let resumed = Promise.withResolvers<void>();
  return {
    calls,
    /** Resolves at its next resume. */
    nextResume: () => resumed.promise,
    pause: () => calls.push(`pause@${clock.now()}`),
    resume: () => {
      calls.push(`resume@${clock.now()}`);
      resumed.resolve();
      resumed = Promise.withResolvers<void>();
    },
  };
}

Deno.test("StepBack pauses a queue's consumer at a refusal and resumes it a second later, doubling at each refusal in a row up to 8 s", async () => {
  const clock = new VirtualClock();
  const steps = new StepBack({ clock });
  const cpu = consumer(clock);
  const durations: number[] = [];
  for (let refusal = 0; refusal < 5; refusal++) {
    const resumed = cpu.nextResume();
    durations.push(steps.refused("cpu", cpu));
    await resumed;
  }
  assert.deepEqual(durations, [1000, 2000, 4000, 8000, 8000]);
  assert.equal(STEP_BACK_MS.most, 8000);
  assert.deepEqual(cpu.calls, [
    "pause@0",
    "resume@1000",
    "pause@1000",
    "resume@3000",
    "pause@3000",
    "resume@7000",
    "pause@7000",
    "resume@15000",
    "pause@15000",
    "resume@23000",
  ]);
});

Deno.test("StepBack: a refusal while stepping back restarts the wait, a job run after it starts the next at a second, and each queue steps back alone", async () => {
  const clock = new VirtualClock();
  const steps = new StepBack({ clock });
  const cpu = consumer(clock);
  const speech = consumer(clock);
  // Two jobs fetched before the pause, refused one after the other: one resume, after the second's 2 s.
  steps.refused("cpu", cpu);
  const resumed = cpu.nextResume();
  assert.equal(steps.refused("cpu", cpu), 2000);
  // A job taken while it steps back (fetched before the pause) ends nothing.
  steps.ran("cpu");
  assert.equal(steps.refused("provider-speech", speech), 1000);
  await resumed;
  assert.deepEqual(cpu.calls, ["pause@0", "pause@0", "resume@2000"]);
  assert.deepEqual(speech.calls, ["pause@0", "resume@1000"]);
  // Taking jobs again, it ran one: the next refusal steps back a second again.
  steps.ran("cpu");
  const again = cpu.nextResume();
  assert.equal(steps.refused("cpu", cpu), 1000);
  await again;
  assert.equal(cpu.calls.at(-1), "resume@3000");
});

Deno.test("StepBack resumes nothing once closed", async () => {
  const clock = new VirtualClock();
  const steps = new StepBack({ clock });
  const cpu = consumer(clock);
  steps.refused("cpu", cpu);
  steps.close();
  assert.equal(steps.refused("cpu", cpu), 0);
  // Time passes well beyond the step-back: no resume.
  await clock.sleep(60_000);
  assert.deepEqual(cpu.calls, ["pause@0"]);
});
