import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/core/clock.ts";
import { MAX_RATE_LIMITED } from "../../lib/run/attempt_policy.ts";
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
  Deno.test(`a 429 with ${JSON.stringify(headers)} is not retried at once: the provider pauses as when no wait is said, and the step gives up naming its 429s`, async () => {
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
      const answers = MAX_RATE_LIMITED + 1;
      assert.equal(server.requests, answers);
      // Each 429 pauses the provider 1 s of the clock, as a 429 that names no wait does.
      assert.ok(clock.now() >= MAX_RATE_LIMITED * 1000, `${answers} requests in ${clock.now()} ms`);
      const message = [...result.errors.values()].join("\n");
      assert.match(
        message,
        new RegExp(`answered 429: slow down \\(gave up after ${answers} answers of 429\\)`),
      );
    } finally {
      await server.close();
    }
  });
}
