/**
 * `probeToolchain` run in a process of its own with some variables set or unset (`REEL_LIBX264`, `REEL_FFPROBE`),
 * so that no test running beside it in the shared test process probes or renders with them. As a program it prints
 * `{ toolchain, error }`: what the probe found, or what it threw (its class and message).
 *
 * Usage: deno run -A tests/_support/probe_toolchain_run.ts <variables as JSON, null to unset> <lesson|none>
 * @module
 */
import type { Toolchain } from "../../lib/plan/toolchain.ts";
import { loadPlan, probeToolchain } from "../../lib/run/load_plan.ts";
import { runJsonScript } from "./json_script.ts";

/** What the probe gave: the toolchain, or what it threw. */
export interface ProbedToolchain {
  toolchain: Toolchain | null;
  error: { name: string; message: string } | null;
}

/**
 * Probes the toolchain of the example lesson (or of no workflow) in a process of its own with `variables` set
 * (null: unset).
 *
 * @param variables The environment's changes.
 * @param workflows `lesson` for workflows/lesson.ts, `none` for no workflow.
 * @returns The toolchain, or what the probe threw.
 */
export async function probeToolchainWith(
  variables: Record<string, string | null>,
  workflows: "lesson" | "none",
): Promise<ProbedToolchain> {
  return await runJsonScript(import.meta.filename!, [
    JSON.stringify(variables),
    workflows,
  ]) as ProbedToolchain;
}

if (import.meta.main) {
  const [variables, which] = Deno.args;
  if (variables === undefined || (which !== "lesson" && which !== "none")) {
    throw new Error("Usage: deno run -A probe_toolchain_run.ts <variables as JSON> <lesson|none>");
  }
  // Loaded before the variables change (loading plans the lesson, which probes too).
  const workflows = which === "lesson" ? (await loadPlan(["workflows/lesson.ts"])).workflows : [];
  for (const [name, value] of Object.entries(JSON.parse(variables) as Record<string, string | null>)) {
    if (value === null) Deno.env.delete(name);
    else Deno.env.set(name, value);
  }
  const outcome: ProbedToolchain = await probeToolchain(workflows).then(
    (toolchain) => ({ toolchain, error: null }),
    (error: Error) => ({ toolchain: null, error: { name: error.constructor.name, message: error.message } }),
  );
  console.log(JSON.stringify(outcome));
}
