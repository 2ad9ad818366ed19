/**
 * `render --watch`: renders in a fresh process, then waits for the workflow file or a local module it imports to be
 * saved, says what changed, and renders again (the store makes that run only the changed steps).
 * @module
 */
import { plural } from "../lib/core/plural.ts";
import { REEL_V8_FLAGS } from "./_v8_flags.ts";

/** reel's own modules: the library and its entry point (not the example workflows beside them). */
const REEL_OWN = [
  new URL("../lib/", import.meta.url).pathname,
  new URL("../mod.ts", import.meta.url).pathname,
];

/** The local files a workflow's module graph reads (the workflow itself when the graph cannot be read). */
export async function watchedFiles(files: readonly string[]): Promise<string[]> {
  const found = new Set<string>(files.map((file) => (file.startsWith("/") ? file : `${Deno.cwd()}/${file}`)));
  for (const file of files) {
    const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", file], stderr: "null" })
      .output()
      .catch((error) => {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      });
    if (output === null || !output.success) continue;
    const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules?: { specifier?: string }[];
    };
    for (const module of graph.modules ?? []) {
      if (module.specifier?.startsWith("file://")) {
        found.add(decodeURIComponent(new URL(module.specifier).pathname));
      }
    }
  }
  return [...found];
}

/**
 * Runs `render` (without `--watch`) again every time a watched file is saved, until `signal` aborts.
 *
 * @param args The render command's arguments, `--watch` removed.
 * @param files The workflow files.
 * @param options Where to say what happens, and the signal that ends the watch.
 */
export async function watchAndRender(
  args: readonly string[],
  files: readonly string[],
  options: { say: (line: string) => void; signal: AbortSignal },
): Promise<void> {
  const { say, signal } = options;
  const entry = new URL("./render.ts", import.meta.url).pathname;
  for (let round = 1; !signal.aborted; round++) {
    const watched = await watchedFiles(files);
    const before = await modificationTimes(watched);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", REEL_V8_FLAGS, entry, "render", ...args],
    }).spawn();
    // Ctrl-C or SIGTERM on the watcher stops the render under way too: no orphan render.
    const stopChild = () => {
      try {
        child.kill("SIGINT");
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // it has exited already
      }
    };
    signal.addEventListener("abort", stopChild, { once: true });
    await child.status;
    signal.removeEventListener("abort", stopChild);
    if (signal.aborted) return;
    // A file saved while the render ran is a change too.
    const after = await modificationTimes(watched);
    const savedDuring = watched.filter((path) => before.get(path) !== after.get(path));
    const changed = savedDuring.length > 0 ? savedDuring : await nextChange(watched, {
      signal,
      onReady: () => say(`${watchingLine(files, watched)}; Ctrl-C to stop`),
    });
    if (changed === null) return;
    say(`changed: ${changed.join(", ")}; rendering again (round ${round + 1})`);
  }
}

/**
 * Says what a watch looks at: the workflow files, how many of their own modules, and reel's apart.
 *
 * @param files The workflow files, as given.
 * @param watched Every file watched (see {@linkcode watchedFiles}).
 * @returns e.g. `watching lesson.ts and 2 local modules it imports (and reel's own 150 modules)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchingLine } from "./_watch.ts";
 * const lib = new URL("../lib/core/json.ts", import.meta.url).pathname;
 * assert.equal(watchingLine(["a.ts"], ["/w/a.ts", "/w/b.ts", lib]), "watching a.ts and 1 local module it imports (and reel's own 1 module)");
 * assert.equal(watchingLine(["a.ts"], ["/w/a.ts"]), "watching a.ts");
 * ```
 */
export function watchingLine(files: readonly string[], watched: readonly string[]): string {
  const own = watched.filter((path) => REEL_OWN.some((prefix) => path.startsWith(prefix))).length;
  const imports = Math.max(0, watched.length - own - files.length);
  return `watching ${files.join(", ")}${
    imports > 0 ? ` and ${plural(imports, "local module")} it imports` : ""
  }${own > 0 ? ` (and reel's own ${plural(own, "module")})` : ""}`;
}

async function modificationTimes(paths: readonly string[]): Promise<Map<string, number | null>> {
  const times = new Map<string, number | null>();
  for (const path of paths) {
    try {
      times.set(path, (await Deno.stat(path)).mtime?.getTime() ?? null);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      times.set(path, null);
    }
  }
  return times;
}

async function nextChange(
  paths: readonly string[],
  { signal, onReady }: { signal: AbortSignal; onReady: () => void },
): Promise<string[] | null> {
  if (signal.aborted) return null;
  const watcher = Deno.watchFs([...paths], { recursive: false });
  onReady();
  const stop = () => closeWatcher(watcher);
  signal.addEventListener("abort", stop, { once: true });
  try {
    const changed = new Set<string>();
    for await (const event of watcher) {
      if (event.kind !== "modify" && event.kind !== "create") continue;
      for (const path of event.paths) changed.add(path);
      // Editors save in several writes: let them finish before rendering.
      await new Promise((resolve) => setTimeout(resolve, 150));
      return [...changed];
    }
    return null;
  } finally {
    signal.removeEventListener("abort", stop);
    closeWatcher(watcher);
  }
}

function closeWatcher(watcher: Deno.FsWatcher): void {
  try {
    watcher.close();
  } catch (error) {
    // Closed already (the abort closed it).
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
