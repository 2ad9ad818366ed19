/**
 * Telling whether a process that left a temporary file behind is still running.
 * @module
 */

/** True when a process with this id exists (on Linux, by `/proc/<pid>`; elsewhere assumed alive). */
export async function processAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Deno.build.os !== "linux";
    throw error;
  }
}
