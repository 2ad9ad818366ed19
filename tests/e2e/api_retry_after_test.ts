import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/core/clock.ts";
import { seededRandom } from "../_support/fake_executor.ts";
import { imagePlan, runOnWorkers } from "../_support/api_plan.ts";

/** A server that answers every request 429 with `headers`, counting the requests. */
function alwaysTooMany(headers: Record<string, string>) {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    requests++;
    return new Response("slow down", { status: 429, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get requests() {
      return requests;
    },
    close: () => server.shutdown(),
  };
}

for (
  const headers of <Record<string, string>[]> [
    { "retry-after": "0" },
    { "retry-after": "-5" },
    { "retry-after-ms": "0" },
  ]
) {
  Deno.test(`a 429 with ${JSON.stringify(headers)} is not retried at once: the provider pauses as when no wait is said, and is stopped once it has answered only 429s for longer than maxRetryAfter`, async () => {
    const clock = new VirtualClock();
    const server = alwaysTooMany(headers);
    try {
      const { plan, dir } = await imagePlan({
        videos: 1,
        sections: 1,
        provider: { baseUrl: server.url, retries: 2, backoff: { base: 100, cap: 500 } },
      });
      const result = await runOnWorkers(plan, { dir, clock, random: seededRandom(3) });
      assert.ok(!result.ok);
      // Pauses of 1, 1, 2, 4 … 64 s of the clock, as for a 429 that names no wait; the next 429 comes 128 s after
      // the first, past the default maxRetryAfter (120 s). Before: 31 answers, 1 s apart.
      assert.equal(server.requests, 9);
      assert.ok(clock.now() >= 120_000, `${server.requests} requests in ${clock.now()} ms`);
      const message = [...result.errors.values()].join("\n");
      assert.match(
        message,
        /answered 429: slow down \(it has answered only 429 for 128 s, longer than its maxRetryAfter \(120 s\): its quota may be spent/,
      );
    } finally {
      await server.close();
    }
  });
}
