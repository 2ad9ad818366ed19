import assert from "node:assert/strict";
import { retryAfterMs } from "../../../../lib/providers/http/rate_limit_headers.ts";

const read = (headers: Record<string, string>) => retryAfterMs(new Headers(headers), 1_000_000);

Deno.test("retryAfterMs() reads retry-after-ms, then retry-after in seconds or as an HTTP date", () => {
  assert.equal(read({ "retry-after-ms": "350", "retry-after": "9" }), 350);
  assert.equal(read({ "retry-after": "2" }), 2000);
  assert.equal(read({ "retry-after": "1.5" }), 1500);
  assert.equal(read({ "retry-after": new Date(1_003_000).toUTCString() }), 3000);
  assert.equal(read({ "x-ratelimit-reset-requests": "6s" }), 6000);
});

Deno.test("retryAfterMs() treats a wait of 0, a negative one or one it cannot read as absent", () => {
  for (
    const headers of <Record<string, string>[]> [
      { "retry-after": "0" },
      { "retry-after": "-5" },
      { "retry-after-ms": "0" },
      { "retry-after-ms": "-20" },
      { "retry-after": "garbage-date" },
      { "retry-after": new Date(999_000).toUTCString() },
      { "retry-after": "0", "retry-after-ms": "0", "x-ratelimit-reset-requests": "0s" },
    ]
  ) {
    assert.equal(read(headers), null, JSON.stringify(headers));
  }
});

Deno.test("retryAfterMs() skips a retry-after-ms of 0 for a retry-after that asks for a wait", () => {
  assert.equal(read({ "retry-after-ms": "0", "retry-after": "3" }), 3000);
  assert.equal(read({ "retry-after": "-1", "x-ratelimit-reset-requests": "250ms" }), 250);
});
