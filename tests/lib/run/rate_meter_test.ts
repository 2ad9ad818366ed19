/** The rate meter: a wait a pause may end. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { RateMeter } from "../../../lib/run/rate_meter.ts";

Deno.test("RateMeter.take() with yieldToPause ends its wait, nothing taken, when a pause begins", async () => {
  const clock = new VirtualClock();
  let pausedUntil = 0;
  const meter = new RateMeter({ perMs: 1 / 1000, burst: 1, clock, notBefore: () => pausedUntil });
  assert.equal(await meter.take(1), true);
  const yielding = meter.take(1, { yieldToPause: true });
  // A pause of a minute begins while it waits for its slot.
  await clock.sleep(10);
  pausedUntil = 60_000;
  assert.equal(await yielding, false);
  assert.ok(clock.now() < 60_000, `yielded at ${clock.now()} ms`);
  // Without yielding, a call waits the pause out, and the one that yielded took nothing from the schedule.
  assert.equal(await meter.take(1), true);
  assert.equal(clock.now(), 60_000);
});
