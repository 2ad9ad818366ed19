/** tuneWorkflows() as a library caller meets it: what the CLI checks is checked before any workflow is read. */
import assert from "node:assert/strict";
import { type TuneOptions, tuneWorkflows } from "../../../lib/run/tune_workflow.ts";

Deno.test("tuneWorkflows() refuses rounds, a sample or counts that are not whole numbers of 1 or more, or no count", async () => {
  // rv36, rv37: no round made every setting's median NaN; no count failed in `reduce`, after the plan was made.
  const cases: [TuneOptions, string][] = [
    [{ rounds: 0 }, "Expected rounds of 1 or more, a whole number, got 0"],
    [{ sample: 1.5 }, "Expected sample of 1 or more, a whole number, got 1.5"],
    [{ counts: [2, 0] }, "Expected a count of 1 or more, a whole number, got 0"],
    [{ counts: [] }, "Expected a count to try, got none"],
  ];
  for (const [options, said] of cases) {
    await assert.rejects(tuneWorkflows(["no-such-workflow.ts"], options), (error) => {
      assert.ok(error instanceof RangeError, String(error));
      assert.equal(error.message, said);
      return true;
    });
  }
});
