import assert from "node:assert/strict";
import { GroupGate } from "../../../lib/run/group_gate.ts";

Deno.test("GroupGate: groups are let in in registration order, as many as the capacity", async () => {
  const gate = new GroupGate(1);
  for (const group of ["a", "b"]) gate.register(group);
  const order: string[] = [];
  const b = gate.admit("b").then(() => order.push("b"));
  await gate.admit("a");
  order.push("a");
  assert.equal(gate.inFlight, 1);
  gate.settle("a");
  await b;
  assert.deepEqual(order, ["a", "b"]);
});

Deno.test("GroupGate: the step that lets its group in is answered in as few turns as one of a group already in", async () => {
  // The first step of a video took more turns of the event loop than the steps asked after it in the same turn:
  // they reached the CPU permits first, and a render's first slides took both of a two-core machine's slots before
  // the speech that ranked above them.
  const gate = new GroupGate(2);
  gate.register("video");
  gate.register("video");
  const answered: string[] = [];
  await Promise.all([
    gate.admit("video").then(() => answered.push("first asked")),
    gate.admit("video").then(() => answered.push("second asked")),
  ]);
  assert.deepEqual(answered, ["first asked", "second asked"]);
});
