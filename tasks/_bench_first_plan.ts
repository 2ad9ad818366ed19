/**
 * The planner's and scheduler's cost on a process's first plan, as a one-video render pays it: run as its own
 * process with the render's V8 flags, the CLI's modules loaded first (a render has loaded them when it plans;
 * importing `render.ts` does not run it), then one workflow planned and run with nothing done (see
 * `_bench_overhead.ts`). Prints `{ steps, msPerStep }` as JSON.
 *
 *   deno run --allow-all --v8-flags=... tasks/_bench_first_plan.ts WORKFLOW STORE_DIR
 * @module
 */
import "./_cli/main.ts";
import { fixMmapThreshold } from "../lib/core/malloc_tuning.ts";
import { schedulerOverhead } from "./_bench_overhead.ts";

const [file, storeDir] = Deno.args;
if (file === undefined || storeDir === undefined) {
  throw new Error("usage: _bench_first_plan.ts WORKFLOW STORE_DIR");
}
// As the CLI's main does first.
fixMmapThreshold();
console.log(JSON.stringify(await schedulerOverhead(file, storeDir)));
