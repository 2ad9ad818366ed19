import assert from "node:assert/strict";
import { type AttemptCounts, decideAfterFailure, MAX_RATE_LIMITED } from "../../../lib/run/attempt_policy.ts";
import { StepAttemptError, StepTimeoutError, WorkerCrashError } from "../../../lib/core/executor.ts";

const fresh = (): AttemptCounts => ({ failures: 0, rateLimited: 0, ownCrashes: 0, sharedCrashes: 0 });

function failure(status: number | null, options: { retryable?: boolean; retryAfterMs?: number | null } = {}) {
  return new StepAttemptError({
    name: "ProviderError",
    message: `status ${status}`,
    retryable: options.retryable ?? true,
    status,
    retryAfterMs: options.retryAfterMs ?? null,
    provider: "p",
  }, 1);
}

function decide(
  error: unknown,
  counts = fresh(),
  extra: { retries?: number; gated?: boolean; refusingForMs?: number } = {},
) {
  return decideAfterFailure(error, {
    step: { retries: extra.retries ?? 2, backoff: { base: 100, cap: 1000 } },
    counts,
    attempt: 1,
    gated: extra.gated ?? true,
    maxRetryAfter: 5000,
    refusingForMs: extra.refusingForMs,
    random: () => 0.5,
  });
}

Deno.test("decideAfterFailure(): 429s have a budget of their own and leave the retries for failures", () => {
  const counts = fresh();
  for (let i = 0; i < MAX_RATE_LIMITED; i++) {
    assert.equal(decide(failure(429), counts, { retries: 0 }).retry, true);
  }
  assert.equal(decide(failure(429), counts, { retries: 0 }).retry, false);
  assert.equal(counts.failures, 0);
});

Deno.test("decideAfterFailure(): a 429 waits in the provider's gate when there is one, else itself", () => {
  const gated = decide(failure(429, { retryAfterMs: 4000 }));
  assert.deepEqual([gated.delayMs, gated.rateLimitedForMs], [0, 4000]);
  const alone = decide(failure(429, { retryAfterMs: 4000 }), fresh(), { gated: false });
  assert.equal(alone.delayMs, 4000);
});

Deno.test("decideAfterFailure(): a 429 that asks for a wait past maxRetryAfter stops the provider, saying why", () => {
  // Before: waited out in pieces of maxRetryAfter, each meeting a 429 again, 31 a call (hours for a batch).
  const spent = decide(failure(429, { retryAfterMs: 3_600_000 }));
  assert.deepEqual([spent.sort, spent.retry], ["refused", false]);
  assert.equal(
    spent.reason,
    "it asks to wait 3600 s, longer than its maxRetryAfter (5 s): its quota may be spent; render again later, " +
      "or raise maxRetryAfter",
  );
  assert.equal(
    decide(failure(429, { retryAfterMs: 5000 })).retry,
    true,
    "a wait of the cap itself is waited",
  );
});

Deno.test("decideAfterFailure(): a provider that has answered only 429s for longer than maxRetryAfter stops, saying why", () => {
  // Before: 429s with no Retry-After were asked again 31 times a call, one call at a time.
  const spent = decide(failure(429), fresh(), { refusingForMs: 6500 });
  assert.deepEqual([spent.sort, spent.retry], ["refused", false]);
  assert.equal(
    spent.reason,
    "it has answered only 429 for 7 s, longer than its maxRetryAfter (5 s): its quota may be spent; render again " +
      "later, or raise maxRetryAfter",
  );
  assert.equal(
    decide(failure(429), fresh(), { refusingForMs: 5000 }).retry,
    true,
    "the cap itself is waited",
  );
  assert.equal(
    decide(failure(429, { retryAfterMs: 1000 }), fresh(), { refusingForMs: 4000 }).sort,
    "rate-limited",
  );
});

Deno.test("decideAfterFailure(): failures spend the retries with full jitter, never less than a capped Retry-After", () => {
  const counts = fresh();
  const first = decide(failure(503, { retryAfterMs: 2000 }), counts);
  assert.deepEqual([first.sort, first.retry, first.delayMs], ["failure", true, 2000]);
  assert.equal(decide(failure(500), counts).delayMs, 50, "half of min(cap, base × 2^0)");
  assert.equal(decide(failure(500), counts).retry, false, "two retries spent");
});

Deno.test("decideAfterFailure(): a refused key and permanent errors end the step at once", () => {
  assert.deepEqual([decide(failure(401)).sort, decide(failure(401)).retry], ["refused", false]);
  assert.equal(decide(failure(403)).sort, "refused");
  const permanent = decide(failure(400, { retryable: false }));
  assert.deepEqual([permanent.sort, permanent.retry], ["permanent", false]);
});

Deno.test("decideAfterFailure(): a timeout is a failure that may pass on retry; crashes retry once alone, thrice shared", () => {
  assert.equal(decide(new StepTimeoutError("s", 1000)).sort, "failure");
  assert.equal(decide(new StepTimeoutError("s", 1000), fresh(), { retries: 0 }).retry, false);
  const counts = fresh();
  assert.equal(decide(new WorkerCrashError(1, "boom"), counts).retry, true);
  assert.equal(decide(new WorkerCrashError(1, "boom"), counts).retry, false);
  const shared = fresh();
  for (let i = 0; i < 3; i++) {
    assert.equal(decide(new WorkerCrashError(1, "x", { shared: true }), shared).retry, true);
  }
  assert.equal(decide(new WorkerCrashError(1, "x", { shared: true }), shared).retry, false);
});

Deno.test("decideAfterFailure(): a Retry-After of 0 or less is no wait asked for: the backoff applies", () => {
  for (const retryAfterMs of [0, -5000]) {
    const limited = decide(failure(429, { retryAfterMs }), fresh(), { gated: false });
    assert.equal(limited.rateLimitedForMs, null);
    assert.equal(limited.delayMs, 50, "the jittered backoff, as when the server says nothing");
    const failed = decide(failure(503, { retryAfterMs }));
    assert.equal(failed.delayMs, 50);
  }
});
