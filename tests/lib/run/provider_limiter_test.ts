import assert from "node:assert/strict";
import { VirtualClock } from "../../../lib/run/clock.ts";
import { ProviderLimiter } from "../../../lib/run/provider_limiter.ts";
import { RateMeter } from "../../../lib/run/rate_meter.ts";

const config = { concurrency: 4, requests: null, tokens: null, per: 60_000, burst: 1 };

Deno.test("ProviderLimiter.rateLimited() pauses every caller and halves concurrency; successes grow it back", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(config, { clock });
  limiter.rateLimited(5000);
  assert.equal(limiter.stats.concurrency, 2);
  const permit = await limiter.acquire({});
  assert.equal(clock.now(), 5000, "the first call waited for the pause");
  permit.release();
  limiter.rateLimited(null);
  assert.equal(limiter.stats.concurrency, 1);
  for (let i = 0; i < 4; i++) limiter.succeeded();
  assert.ok(
    limiter.stats.concurrency >= 3 && limiter.stats.concurrency <= 4,
    String(limiter.stats.concurrency),
  );
});

Deno.test("ProviderLimiter holds calls in flight to its concurrency", async () => {
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter({ ...config, concurrency: 2 }, { clock });
  const first = await limiter.acquire({});
  const second = await limiter.acquire({});
  let third = false;
  const waiting = limiter.acquire({}).then((permit) => {
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
  limiter.observe({ remainingRequests: 0, resetRequestsMs: 750, remainingTokens: 3, resetTokensMs: 10 });
  (await limiter.acquire({})).release();
  assert.equal(clock.now(), 750);
  limiter.observe({ remainingRequests: 5, resetRequestsMs: 750, remainingTokens: null, resetTokensMs: null });
  (await limiter.acquire({})).release();
  assert.equal(clock.now(), 750, "budget left: no pause");
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
