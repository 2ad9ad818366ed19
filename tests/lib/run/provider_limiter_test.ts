import assert from "node:assert/strict";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { ProviderLimiter, ProviderRefusedError } from "../../../lib/run/provider_limiter.ts";
import { RateMeter } from "../../../lib/run/rate_meter.ts";
import type { RateLimitInfo } from "../../../lib/core/step_task.ts";

const config = { concurrency: 4, requests: null, tokens: null, per: 60_000, burst: 1 };
const noHeaders: RateLimitInfo = {
  limitRequests: null,
  limitTokens: null,
  remainingRequests: null,
  resetRequestsMs: null,
  remainingTokens: null,
  resetTokensMs: null,
};

/** One call through the limiter: a place in flight, then the rate. */
async function call(limiter: ProviderLimiter): Promise<void> {
  using _slot = await limiter.admit({});
  await limiter.pace({});
}

Deno.test("ProviderLimiter starts with one call in flight and doubles per success up to its concurrency", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, concurrency: 8 }, { clock });
  assert.equal(limiter.stats.concurrency, 1);
  const first = await limiter.admit({});
  let second = false;
  const waiting = limiter.admit({}).then((permit) => {
    second = true;
    return permit;
  });
  await Promise.resolve();
  assert.equal(second, false, "the second call waits for the first answer");
  limiter.succeeded();
  (await waiting).release();
  first.release();
  for (let i = 0; i < 10; i++) limiter.succeeded();
  assert.equal(limiter.stats.concurrency, 8);
});

Deno.test("ProviderLimiter.rateLimited() pauses every caller and halves the window; successes grow it back", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(config, { clock });
  for (let i = 0; i < 4; i++) limiter.succeeded();
  assert.equal(limiter.stats.concurrency, 4);
  limiter.rateLimited(5000);
  assert.equal(limiter.stats.concurrency, 2);
  await call(limiter);
  assert.equal(clock.now(), 5000, "the first call waited for the pause");
  limiter.rateLimited(null);
  assert.equal(limiter.stats.concurrency, 1);
  for (let i = 0; i < 4; i++) limiter.succeeded();
  assert.ok(
    limiter.stats.concurrency > 1 && limiter.stats.concurrency <= 4,
    String(limiter.stats.concurrency),
  );
});

Deno.test("ProviderLimiter caps a server's Retry-After at maxRetryAfter", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, maxRetryAfter: 2000 }, { clock });
  limiter.rateLimited(86_400_000);
  await call(limiter);
  assert.equal(clock.now(), 2000);
});

Deno.test("ProviderLimiter doubles the pause of 429s that say no wait, counts 429s in flight together once, and forgets them on any other answer", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(config, { clock });
  const pauses: number[] = [];
  for (let i = 0; i < 4; i++) {
    limiter.rateLimited(null);
    limiter.rateLimited(0); // a second call in flight, answered at the same moment: no longer a pause
    pauses.push(limiter.pausedFor());
    await call(limiter);
  }
  // Before: 1 s each time, however long the server had refused.
  assert.deepEqual(pauses, [1000, 1000, 2000, 4000]);
  assert.equal(limiter.refusingFor(), 8000);
  limiter.succeeded();
  assert.equal(limiter.refusingFor(), 0);
  limiter.rateLimited(null);
  assert.equal(limiter.pausedFor(), 1000);
  // Another failure (a 400, a timeout) breaks the run of 429s too; time idle between 429s is not counted.
  await call(limiter);
  limiter.notRateLimited();
  assert.equal(limiter.refusingFor(), 0);
  limiter.rateLimited(null);
  await clock.sleep(600_000);
  limiter.rateLimited(null);
  assert.deepEqual([limiter.refusingFor(), limiter.pausedFor()], [2000, 1000]);
});

Deno.test("ProviderLimiter holds calls in flight to its window", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, concurrency: 2 }, { clock });
  limiter.succeeded();
  const first = await limiter.admit({});
  const second = await limiter.admit({});
  let third = false;
  const waiting = limiter.admit({}).then((permit) => {
    third = true;
    return permit;
  });
  await Promise.resolve();
  assert.equal(third, false);
  first.release();
  (await waiting).release();
  second.release();
  assert.equal(limiter.stats.maxInFlight, 2);
});

Deno.test("ProviderLimiter.observe() pauses before a 429 when the server says the budget is spent", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(config, { clock });
  limiter.observe({
    ...noHeaders,
    remainingRequests: 0,
    resetRequestsMs: 750,
    remainingTokens: 3,
    resetTokensMs: 10,
  });
  await call(limiter);
  assert.equal(clock.now(), 750);
  limiter.observe({ ...noHeaders, remainingRequests: 5, resetRequestsMs: 750 });
  await call(limiter);
  assert.equal(clock.now(), 750, "budget left: no pause");
});

Deno.test("ProviderLimiter.observe() returns the pause a spent budget begins, capped at maxRetryAfter, to be said", async () => {
  // fi16: a spent budget paused every call unsaid, for maxRetryAfter when the server said it resets in hours.
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, maxRetryAfter: 10_000 }, { clock });
  assert.deepEqual(limiter.observe({ ...noHeaders, remainingRequests: 0, resetRequestsMs: 3000 }), {
    budget: "requests",
    ms: 3000,
    resetMs: 3000,
    capped: false,
  });
  // Within the pause already said: nothing new; longer, the tokens' reset: said.
  assert.equal(limiter.observe({ ...noHeaders, remainingRequests: 0, resetRequestsMs: 2000 }), null);
  assert.deepEqual(limiter.observe({ ...noHeaders, remainingTokens: -5, resetTokensMs: 3_600_000 }), {
    budget: "tokens",
    ms: 10_000,
    resetMs: 3_600_000,
    capped: true,
  });
  assert.equal(limiter.observe({ ...noHeaders, remainingRequests: 4, resetRequestsMs: 60_000 }), null);
  assert.equal(limiter.pausedFor(), 10_000);
  // rv32: answers in flight during a capped pause each lengthen it a little: said once, not once each.
  await clock.sleep(50);
  assert.equal(limiter.observe({ ...noHeaders, remainingTokens: 0, resetTokensMs: 3_600_000 }), null);
  assert.equal(limiter.pausedFor(), 10_000);
  // rv34: nor one a second or more later; one that doubles what is left of it is said.
  await clock.sleep(2000);
  assert.equal(limiter.observe({ ...noHeaders, remainingTokens: 0, resetTokensMs: 3_600_000 }), null);
  await clock.sleep(7000);
  assert.equal(limiter.observe({ ...noHeaders, remainingTokens: 0, resetTokensMs: 3_600_000 })?.ms, 10_000);
});

Deno.test("ProviderLimiter.pace() waiting for a slot far off ends at once when a pause begins, nothing reserved", async () => {
  // rv34: a call waiting 30 s for its slot noticed another's 429 only when its 30 s were over, holding its permits.
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, requests: 2, per: 60_000 }, { clock });
  assert.equal(await limiter.pace({}), true);
  const waiting = limiter.pace({});
  await clock.sleep(10);
  limiter.rateLimited(60_000);
  assert.equal(await waiting, false);
  assert.equal(clock.now(), 10);
});

Deno.test("ProviderLimiter.observe() adopts a lower advertised request limit at once, and never a higher one", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, requests: 300 }, { clock });
  limiter.observe({ ...noHeaders, limitRequests: 60 });
  assert.equal(limiter.stats.requestsPerMinute, 60);
  await call(limiter);
  await call(limiter);
  assert.ok(clock.now() >= 1000 && clock.now() <= 1030, `two calls at 60 rpm took ${clock.now()} ms`);
  limiter.observe({ ...noHeaders, limitRequests: 600 });
  assert.equal(limiter.stats.requestsPerMinute, 60);
});

Deno.test("ProviderLimiter.observe() takes an advertised limit when none is configured", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(config, { clock });
  limiter.observe({ ...noHeaders, limitRequests: 120 });
  assert.equal(limiter.stats.requestsPerMinute, 120);
  await call(limiter);
  await call(limiter);
  assert.ok(clock.now() >= 500 && clock.now() <= 520, `two calls at 120 rpm took ${clock.now()} ms`);
});

Deno.test("ProviderLimiter.refused() fails every waiting and later call at once", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(config, { clock });
  const first = await limiter.admit({});
  const waiting = limiter.admit({});
  limiter.refused("images answered 401: bad key (check the key in OPENAI_API_KEY)");
  await assert.rejects(waiting, ProviderRefusedError);
  await assert.rejects(limiter.pace({}), /OPENAI_API_KEY/);
  first.release();
  await assert.rejects(limiter.admit({}), ProviderRefusedError);
});

Deno.test("RateMeter spaces calls by the rate, charges big calls by size, and refunds refused ones", async () => {
  const clock = new VirtualClock();
  const meter = new RateMeter({ perMs: 10 / 1000, burst: 100, clock }); // 10 tokens a second, 100 at once
  await meter.take(100);
  assert.equal(clock.now(), 0);
  await meter.take(50);
  assert.equal(clock.now(), 5000);
  meter.refund(50);
  await meter.take(50);
  assert.equal(clock.now(), 5000, "the refund made room at once");
});

Deno.test("RateMeter.setRate() changes the spacing from then on", async () => {
  const clock = new VirtualClock();
  const meter = new RateMeter({ perMs: 1 / 100, burst: 1, clock });
  await meter.take(1);
  meter.setRate(1 / 1000);
  await meter.take(1);
  await meter.take(1);
  // The second call kept its place at 100 ms; the third came 1 s after it.
  assert.equal(clock.now(), 1100);
});

Deno.test("ProviderLimiter.observe() lowers the token burst to the advertised window's, not only the rate", async () => {
  // rv33: a configured million tokens a minute kept its burst of a million after the server said 100,000.
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, tokens: 1_000_000 }, { clock });
  limiter.observe({ ...noHeaders, limitTokens: 100_000 });
  for (let call = 0; call < 3; call++) assert.equal(await limiter.pace({ tokens: 100_000 }), true);
  // A window's worth at once, then one window (2% under the rate) for each further window's worth.
  assert.ok(clock.now() >= 2 * 60_000, `three windows' worth went by ${clock.now()} ms`);
});
