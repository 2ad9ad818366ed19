import assert from "node:assert/strict";
import type { Execution, StepExecutor } from "../../../lib/core/executor.ts";
import type { StepTask } from "../../../lib/core/step_task.ts";
import { OnDemandExecutor } from "../../../lib/run/on_demand_executor.ts";

/** Counts what it is asked; answers each step with its id. */
class CountingExecutor implements StepExecutor {
  executed: string[] = [];
  closed = 0;
  execute(task: StepTask): Promise<Execution> {
    this.executed.push(task.id);
    return Promise.resolve({ result: { value: task.id, children: [] }, worker: 1 });
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

Deno.test("OnDemandExecutor opens its executor once, on the first step, and closes it", async () => {
  const inner = new CountingExecutor();
  let opened = 0;
  const executor = new OnDemandExecutor(() => {
    opened++;
    return Promise.resolve(inner);
  });
  assert.equal(opened, 0);
  const signal = new AbortController().signal;
  const done = await Promise.all(
    ["a", "b"].map((id) => executor.execute({ id } as StepTask, { signal })),
  );
  assert.equal(opened, 1);
  assert.deepEqual(done.map((execution) => execution.result.value), ["a", "b"]);
  assert.deepEqual(inner.executed, ["a", "b"]);
  await executor.close();
  assert.equal(inner.closed, 1);
});

Deno.test("OnDemandExecutor opens nothing when no step comes", async () => {
  let opened = 0;
  const executor = new OnDemandExecutor(() => {
    opened++;
    return Promise.resolve(new CountingExecutor());
  });
  await executor.close();
  assert.equal(opened, 0);
});
