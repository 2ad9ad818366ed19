/**
 * The files of the user's disk that a plan reads, as far as the plan names them: what a watch waits on and what no
 * output may be written over.
 * @module
 */
import { dirname, resolve } from "node:path";
import type { Plan } from "./plan.ts";

/**
 * Every absolute path a plan's steps and templates name in their run-time details (pictures, backgrounds, music,
 * inputs, fonts, the workflow module of a custom step), the files custom steps declare, and the workflow files;
 * each once, whether or not it exists. The store and the binaries are not among them.
 *
 * @param plan The plan.
 * @returns The paths.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planPaths } from "./plan_paths.ts";
 * const step = {
 *   runtime: { musicPath: "/w/song.mp3", items: ["/w/a.png", "relative.png"], module: "file:///w/flow.ts" },
 *   engine: { files: { "data.csv": "d1" } },
 * };
 * assert.deepEqual(planPaths({ steps: [step], templates: [], files: ["/w/flow.ts"] } as never), [
 *   "/w/flow.ts",
 *   "/w/song.mp3",
 *   "/w/a.png",
 *   "/w/data.csv",
 * ]);
 * ```
 */
export function planPaths(plan: Pick<Plan, "steps" | "templates" | "files">): string[] {
  const paths = new Set(plan.files.map((file) => resolve(file)));
  for (const step of [...plan.steps, ...plan.templates]) {
    let module: string | null = null;
    for (const value of Object.values(step.runtime)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item !== "string") continue;
        if (item.startsWith("/")) paths.add(item);
        else if (item.startsWith("file://")) {
          module = decodeURIComponent(new URL(item).pathname);
          paths.add(module);
        }
      }
    }
    // A custom step's declared files, by their paths from its workflow's folder.
    const declared = (step.engine as { files?: unknown } | null)?.files;
    if (module !== null && typeof declared === "object" && declared !== null) {
      for (const file of Object.keys(declared)) paths.add(resolve(dirname(module), file));
    }
  }
  return [...paths];
}
