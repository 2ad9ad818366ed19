/**
 * `deno task worker`: the cluster worker, the same as `reel worker` (see tasks/_cli/worker_command.ts).
 * @module
 */
import { main } from "./_cli/main.ts";

if (import.meta.main) Deno.exit(await main(["worker", ...Deno.args]));
