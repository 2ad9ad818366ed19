import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { checkForcedGlobs } from "../../../lib/run/step_glob.ts";

const steps = ["intro/s1/speech", "intro/s1/slide@16x9", "mine"];

Deno.test("checkForcedGlobs() refuses a glob that matches no step, saying when --only left steps out", () => {
  assert.deepEqual(checkForcedGlobs(["*/s1/*", "**", "mine"], { steps, templates: [] }), []);
  // `*` stays within one part of an id.
  assert.throws(() => checkForcedGlobs(["*"], { steps: ["intro/s1/speech"], templates: [] }), InputError);
  for (const narrowed of [false, true]) {
    assert.throws(
      () => checkForcedGlobs(["useb"], { steps, templates: [], narrowed }),
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
  const templates = [{ id: "kid", spawners: ["mine"] }];
  assert.equal(checkForcedGlobs(["other#*"], { steps, templates }).length, 1);
});

Deno.test("checkForcedGlobs() passes a glob that matches steps spawned at run time, and tells one naming their template", () => {
  const plan = {
    steps: ["talk/split", "sp", "mine"],
    templates: [{ id: "talk/split/chunk", spawners: ["sp", "mine"] }, {
      id: "kid",
      spawners: ["sp", "mine"],
    }],
  };
  // A relative template's children are named under its spawner, an absolute one's under each step that may spawn it.
  assert.deepEqual(
    checkForcedGlobs(["talk/split/chunk#*", "talk/**", "sp/kid*", "mine/kid#12", "*/kid#*"], plan),
    [],
  );
  // nt5: `sp/kid` was said to match no step, and forced nothing; the template itself never runs.
  assert.deepEqual(checkForcedGlobs(["talk/split/chunk", "kid"], plan), [
    "--force-step 'talk/split/chunk' names talk/split/chunk, whose steps are spawned while the render runs and " +
    "named talk/split/chunk#<n>: write 'talk/split/chunk#*' to force them",
    // Two custom steps may spawn it: neither is said (rv11: the first was, which may not).
    "--force-step 'kid' names kid, whose steps are spawned while the render runs and named <spawner>/kid#<n>: " +
    "write '**/kid#*' to force them",
  ]);
  // Its children without their number (rv11: "matches no step"), and the template of one spawner.
  const one = { steps: ["notes", "split"], templates: [{ id: "part", spawners: ["split"] }] };
  assert.deepEqual(checkForcedGlobs(["split/part", "part"], one), [
    "--force-step 'split/part' names part, whose steps are spawned while the render runs and named " +
    "split/part#<n>: write 'split/part#*' to force them",
    "--force-step 'part' names part, whose steps are spawned while the render runs and named split/part#<n>: " +
    "write 'split/part#*' to force them",
  ]);
  assert.deepEqual(checkForcedGlobs(["nothing"], plan), [
    "--force-step 'nothing' matches no step of the plan (it can still match steps added while the render runs)",
  ]);
});
