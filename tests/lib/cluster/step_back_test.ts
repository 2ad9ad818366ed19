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

const { first, most } = STEP_BACK_MS;

Deno.test("StepBack pauses a queue's consumer at a refusal and resumes it after the step-back, doubled at each refusal in a row up to the most", async () => {
  const clock = new VirtualClock();
  const steps = new StepBack({ clock });
  const cpu = consumer(clock);
  const durations: number[] = [];
  // Enough refusals to reach the most, and one more at it.
  const doublings = Math.ceil(Math.log2(most / first));
  for (let refusal = 0; refusal < doublings + 2; refusal++) {
    const resumed = cpu.nextResume();
    durations.push(steps.refused("cpu", cpu));
    await resumed;
  }
  const expected = Array.from({ length: doublings + 2 }, (_, i) => Math.min(first * 2 ** i, most));
  assert.deepEqual(durations, expected);
  // Paused at each refusal, resumed when its step-back ended, one after the other.
  let now = 0;
  assert.deepEqual(cpu.calls, expected.flatMap((ms) => [`pause@${now}`, `resume@${(now += ms)}`]));
});

Deno.test("StepBack: a refusal while stepping back restarts the wait, a job run after it starts the next at the first, and each queue steps back alone", async () => {
  const clock = new VirtualClock();
  const steps = new StepBack({ clock });
  const cpu = consumer(clock);
  const speech = consumer(clock);
  // Two jobs fetched before the pause, refused one after the other: one resume, after the second's doubled wait.
  steps.refused("cpu", cpu);
  const resumed = cpu.nextResume();
  assert.equal(steps.refused("cpu", cpu), 2 * first);
  // A job taken while it steps back (fetched before the pause) ends nothing.
  steps.ran("cpu");
  assert.equal(steps.refused("provider-speech", speech), first);
  await resumed;
  assert.deepEqual(cpu.calls, ["pause@0", "pause@0", `resume@${2 * first}`]);
  assert.deepEqual(speech.calls, ["pause@0", `resume@${first}`]);
  // Taking jobs again, it ran one: the next refusal steps back the first time again.
  steps.ran("cpu");
  const again = cpu.nextResume();
  assert.equal(steps.refused("cpu", cpu), first);
  await again;
  assert.equal(cpu.calls.at(-1), `resume@${3 * first}`);
});

Deno.test("StepBack: a refusal long after the last step-back ended is not in a row with it", async () => {
  // rv8: a refusal in the next render, an hour later, started at the most.
  const clock = new VirtualClock();
  const steps = new StepBack({ clock });
  const cpu = consumer(clock);
  let resumed = cpu.nextResume();
  steps.refused("cpu", cpu);
  await resumed;
  resumed = cpu.nextResume();
  assert.equal(steps.refused("cpu", cpu), 2 * first);
  await resumed;
  await clock.sleep(most);
  assert.equal(steps.refused("cpu", cpu), first);
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
