/**
 * The reel CLI: `render`, `transcribe`, `plan`, `estimate`, `cache` and `schema`. Run through `deno task render <workflow...>`
 * or `deno task reel <command>`. Exit codes: 0 ok, 1 some step failed, 2 bad input, 130 interrupted.
 *
 * A local render starts its step workers first, before the CLI's modules load (see `early_workers.ts`): the
 * workers load theirs on the other cores meanwhile.
 * @module
 */
import { startWorkersEarly } from "../lib/workers/early_workers.ts";
import { catchEarlyInterrupt } from "./_cli/early_interrupt.ts";

/**
 * Whether `args` render on this machine's workers: `render` without `--plan`, `--watch` (whose rounds are
 * processes of their own), `--cluster` or help.
 *
 * @param args The CLI's arguments.
 * @returns True when a worker pool will be opened.
 */
export function rendersLocally(args: readonly string[]): boolean {
  if (args[0] !== "render") return false;
  return !args.some((arg) =>
    ["--plan", "--watch", "--help", "-h"].includes(arg) || arg.startsWith("--cluster")
  );
}

if (import.meta.main) {
  // A stop while the CLI's modules load is said, as one before any step is (see `early_interrupt.ts`).
  const help = Deno.args.some((arg) => arg === "--help" || arg === "-h");
  if (["render", "transcribe", "variants"].includes(Deno.args[0] ?? "") && !help) {
    catchEarlyInterrupt();
  }
  // One core is left to this thread, which loads the CLI's modules meanwhile (see `early_workers.ts`).
  if (rendersLocally(Deno.args)) startWorkersEarly(navigator.hardwareConcurrency - 1);
  const { main } = await import("./_cli/main.ts");
  Deno.exit(await main(Deno.args));
}
