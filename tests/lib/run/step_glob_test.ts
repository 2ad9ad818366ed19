import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { checkForcedGlobs } from "../../../lib/run/step_glob.ts";

const steps = ["intro/s1/speech", "intro/s1/slide@16x9", "mine"];

Deno.test("checkForcedGlobs() refuses a glob that matches no step, saying when --only left steps out", () => {
  assert.deepEqual(checkForcedGlobs(["*/s1/*", "**", "mine"], { steps, addsSteps: false }), []);
  // `*` stays within one part of an id.
  assert.throws(() => checkForcedGlobs(["*"], { steps: ["intro/s1/speech"], addsSteps: false }), InputError);
  for (const narrowed of [false, true]) {
    assert.throws(
      () => checkForcedGlobs(["useb"], { steps, addsSteps: false, narrowed }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        // fi5: with --only, the step left out was said to be no step of the plan, without a word of --only.
        assert.equal(
          error.message,
          `--force-step 'useb' matches no step of the plan${
            narrowed ? "; --only and --format leave out what they do not name" : ""
          }`,
        );
        return true;
      },
    );
  }
  // A plan whose steps add steps as it runs is warned, not refused.
  assert.equal(checkForcedGlobs(["kid#*"], { steps, addsSteps: true }).length, 1);
});
