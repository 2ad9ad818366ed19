/**
 * `render --watch`: renders in a fresh process, then waits for the workflow file, a local module it imports, a file
 * its plan names (a picture, music, an input) or a file its code read (a script in a Markdown file) to be saved,
 * says what changed, and renders again (the store makes that run only the changed steps).
 * @module
 */
import { dirname, resolve } from "node:path";
import { isFolder } from "../lib/core/exists.ts";
import { userCacheFile } from "../lib/core/user_cache.ts";
import { plural } from "../lib/core/plural.ts";
import type { Plan } from "../lib/plan/plan.ts";
import { planPaths } from "../lib/plan/plan_paths.ts";
import { guardedByDeath } from "../lib/media/run_process.ts";
import { leftByGoneOwner, ownerMark, ownerOf } from "../lib/store/owner_mark.ts";
import { REEL_V8_FLAGS } from "./_v8_flags.ts";

/** Where a watched render writes the files its plan names (see {@linkcode tellWatcher}), for its watcher. */
const WATCH_LIST_ENV = "REEL_WATCH_LIST";

/** A font file: a caption's or an overlay's, the system's, not a file the workflow names. */
const FONT_FILE = /\.(ttf|otf|ttc|woff2?)$/i;

/**
 * What a render reads that is not the workflow's: reel's own modules (the library and its entry point, not the
 * example workflows beside them), what it remembers between runs (rewritten by each), and the system's files, which
 * reel's own monitor reads meanwhile (nt15: `/proc/<pid>/stat` of a process gone, waited for as a file gone, and no
 * save rendered again when a workflow took a while to load).
 */
const REEL_OWN = [
  new URL("../lib/", import.meta.url).pathname,
  new URL("../mod.ts", import.meta.url).pathname,
  ...[userCacheFile("")].flatMap((folder) => folder === null ? [] : [folder]),
  "/proc/",
  "/sys/",
  "/dev/",
];

/** A file a plan names, and its modification time when the plan was made. */
interface NamedFile {
  path: string;
  mtime: number | null;
}

/**
 * The files a plan's steps read from the user's disk: every path the plan names (see `planPaths`: the pictures,
 * backgrounds, music, inputs, a custom step's files) that is a file, but fonts (the system's, which the workflow
 * does not name). Then the files `read` (reel's own modules left out), and
 * the files `named` by the workflows' issues (a missing picture: watched until it is there).
 *
 * @param plan The plan.
 * @param files Files the workflows' code read while they loaded, and files their issues named.
 * @returns Each file once, with its modification time (null for a named file that is not there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planNamedFiles } from "./_watch.ts";
 * const file = await Deno.makeTempFile();
 * const step = { runtime: { musicPath: file, picturePath: null, items: [file, "/no/such/file"], font: "/f/a.ttf" } };
 * const plan = { steps: [step], templates: [], files: [] };
 * // reel's own reads while the workflow loaded are not the workflow's (nt15: /proc's, waited for once gone).
 * const named = planNamedFiles(plan as never, { named: ["/no/such/picture.png"], read: ["/proc/1/stat"] });
 * assert.deepEqual(named.map((entry) => entry.path), [file, "/no/such/picture.png"]);
 * await Deno.remove(file);
 * ```
 */
export function planNamedFiles(
  plan: Pick<Plan, "steps" | "templates" | "files">,
  files: { read?: Iterable<string>; named?: Iterable<string> } = {},
): NamedFile[] {
  const named = new Map<string, NamedFile>();
  const add = (path: string) => {
    if (named.has(path)) return;
    try {
      const info = Deno.statSync(path);
      if (info.isFile) named.set(path, { path, mtime: info.mtime?.getTime() ?? null });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  for (const path of planPaths(plan)) if (!FONT_FILE.test(path)) add(path);
  for (const path of files.read ?? []) if (!REEL_OWN.some((prefix) => path.startsWith(prefix))) add(path);
  for (const path of files.named ?? []) {
    add(path);
    if (!named.has(path)) named.set(path, { path, mtime: null });
  }
  return [...named.values()];
}

/**
 * In a render a watch started: writes the files the plan names and those the workflows' code read where the watch
 * reads them (nothing otherwise).
 *
 * @param plan The render's plan, once made (none, empty, when the workflows could not be planned).
 * @param files The files the workflows' code read while they loaded (a lesson's script in a Markdown file), and
 * those their issues named (a missing or broken picture).
 */
export async function tellWatcher(
  plan: Pick<Plan, "steps" | "templates" | "files">,
  files: { read?: Iterable<string>; named?: Iterable<string> } = {},
): Promise<void> {
  const list = Deno.env.get(WATCH_LIST_ENV);
  if (list === undefined || list === "") return;
  await Deno.writeTextFile(list, JSON.stringify(planNamedFiles(plan, files)));
}

/** Whether this render was started by a watch (which wants the files its workflows read). */
export function startedByWatch(): boolean {
  return (Deno.env.get(WATCH_LIST_ENV) ?? "") !== "";
}

/** The local files a workflow's module graph reads (the workflow itself when the graph cannot be read). */
export async function watchedFiles(files: readonly string[]): Promise<string[]> {
  // Normalised as `deno info` names them (`./lesson.ts` is the same file as `lesson.ts`), so none counts twice.
  const found = new Set<string>(files.map((file) => resolve(file)));
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
  // Whether a round has run its steps (exit 0, or 1 for a failed step): `--force` asked for that round alone (rv7:
  // not for a first round refused for a typo, or ended while it loaded).
  let ran = false;
  // Files this watch has seen: one missing now that it never saw is "not there yet", not "gone" (fi15: an import
  // of a module not written yet was said gone).
  const seen = new Set<string>();
  const see = (times: ReadonlyMap<string, number | null>) => {
    for (const [path, mtime] of times) if (mtime !== null) seen.add(path);
  };
  for (let round = 1; !signal.aborted; round++) {
    const modules = await watchedFiles(files);
    const before = await modificationTimes(modules);
    see(before);
    const list = await Deno.makeTempFile({ prefix: `${LIST_PREFIX}${ownerMark()}-`, suffix: ".json" });
    if (round === 1) await removeLeftLists(dirname(list));
    // A watcher killed outright (SIGKILL) stops its render too, as Ctrl-C does: before, the render ran on alone and
    // published its outputs over those of a newer render.
    const started = await guardedByDeath(
      Deno.execPath(),
      ["run", "--allow-all", REEL_V8_FLAGS, entry, "render", ...ran ? withoutForcing(args) : args],
      "TERM",
    );
    const child = new Deno.Command(started.program, { args: started.args, env: { [WATCH_LIST_ENV]: list } })
      .spawn();
    // Ctrl-C or SIGTERM on the watcher stops the render under way too: no orphan render.
    let stopped = false;
    const stopChild = () => {
      stopped = true;
      try {
        child.kill("SIGINT");
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // it has exited already
      }
    };
    signal.addEventListener("abort", stopChild, { once: true });
    // A save while the round still loads ends it (fi5: a workflow whose code never returned held the watch for good,
    // its fix saved in vain): nothing is made before its plan is told, and the save is rendered next.
    const loaded = new AbortController();
    const loading = untilSavedWhileLoading(modules, list, loaded.signal).then((saved) => {
      if (saved) stopChild();
    });
    // Its failure (the system's watches run out) is the watch's own, told once the round ends (rv7: an unhandled
    // rejection meanwhile).
    loading.catch(() => {});
    const { code, signal: killedBy } = await child.status;
    ran ||= code === 0 || code === 1;
    // Killed from outside (fi15: a SIGKILL, or the out-of-memory killer, went unsaid, the watch watching on).
    if (killedBy !== null && !stopped && !signal.aborted) {
      say(
        `render ${round} was ended by ${killedBy} before it finished: what it had not published was not made`,
      );
    }
    loaded.abort();
    await loading;
    signal.removeEventListener("abort", stopChild);
    // The files its plan named, as they were then: none when the workflow could not be planned.
    const named = await readNamedFiles(list);
    if (signal.aborted) return;
    for (const file of named) before.set(file.path, file.mtime);
    const watched = [...new Set([...modules, ...named.map((file) => file.path)])];
    // A file saved while the render ran is a change too.
    const after = await modificationTimes(watched);
    see(before);
    see(after);
    const savedDuring = watched.filter((path) => before.get(path) !== after.get(path));
    const changed = await nextChange(watched, {
      signal,
      pending: savedDuring,
      // A file never there (a picture, a module not made yet): waited for, not "gone".
      absent: watched.filter((path) => !seen.has(path)),
      say,
      // A file the plan names that is also a module (a script the workflow imports and reads) is counted once.
      onReady: () => say(`${watchingLine(files, watched, watched.length - modules.length)}; Ctrl-C to stop`),
    });
    if (changed === null) return;
    say(`changed: ${changed.join(", ")}; rendering again (render ${round + 1})`);
  }
}

/**
 * Whether one of `modules` is saved while the round's render has not yet told its plan (its list file still empty):
 * resolves false once `signal` aborts (the round ended) or the plan is told.
 */
async function untilSavedWhileLoading(
  modules: readonly string[],
  list: string,
  signal: AbortSignal,
): Promise<boolean> {
  const watched = new Set(modules);
  const watcher = Deno.watchFs(watchableFolders(modules), { recursive: false });
  const stop = () => closeWatcher(watcher);
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const event of watcher) {
      if (event.kind === "access" || event.kind === "other") continue;
      if (!event.paths.some((path) => watched.has(path))) continue;
      // Told: the render runs its steps now, and a save is rendered after it, as any save during a render is.
      return (await Deno.stat(list)).size === 0;
    }
    return false;
  } finally {
    signal.removeEventListener("abort", stop);
    closeWatcher(watcher);
  }
}

/**
 * A watch's arguments for the rounds after one that ran its steps: `--force` and `--force-step` ask for the render
 * started, not for every save (fi5: a paid call forced was paid again at each save, its key unchanged).
 *
 * @param args The render's arguments.
 * @returns Them without `--force` and `--force-step <glob>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutForcing } from "./_watch.ts";
 * assert.deepEqual(withoutForcing(["a.ts", "--force-step", "v/*", "--force", "--force-step=x", "-q"]), ["a.ts", "-q"]);
 * ```
 */
export function withoutForcing(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--force-step") i++;
    else if (arg !== "--force" && !arg.startsWith("--force-step=")) kept.push(arg);
  }
  return kept;
}

/**
 * Says what a watch looks at: the workflow files, how many of their own modules, the files their plan names, and
 * reel's modules apart.
 *
 * @param files The workflow files, as given.
 * @param watched Every file watched (see {@linkcode watchedFiles}), the named ones last.
 * @param named How many of `watched` the plan named (pictures, music, inputs).
 * @returns e.g. `watching lesson.ts, 2 local modules it imports and 3 files it reads (and reel's own 150 modules)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchingLine } from "./_watch.ts";
 * const lib = new URL("../lib/core/json.ts", import.meta.url).pathname;
 * assert.equal(watchingLine(["a.ts"], ["/w/a.ts", "/w/b.ts", lib], 0), "watching a.ts and 1 local module it imports (and reel's own 1 module)");
 * assert.equal(watchingLine(["a.ts"], ["/w/a.ts", "/w/b.ts", "/w/song.mp3"], 1), "watching a.ts, 1 local module it imports and 1 file it reads");
 * assert.equal(watchingLine(["a.ts"], ["/w/a.ts"], 0), "watching a.ts");
 * ```
 */
export function watchingLine(files: readonly string[], watched: readonly string[], named: number): string {
  const own = watched.filter((path) => REEL_OWN.some((prefix) => path.startsWith(prefix))).length;
  const imports = Math.max(0, watched.length - own - files.length - named);
  const parts = [
    files.join(", "),
    ...imports > 0 ? [`${plural(imports, "local module")} it imports`] : [],
    ...named > 0 ? [`${plural(named, "file")} it reads`] : [],
  ];
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `watching ${listed}${own > 0 ? ` (and reel's own ${plural(own, "module")})` : ""}`;
}

/** How a watch's list of named files begins its name, in the temporary folder: then its owner's mark. */
const LIST_PREFIX = "reel-watch-";

/**
 * Removes the lists that watches killed outright (SIGKILL) left in the temporary folder, each named by the watch's
 * mark (`reel-watch-<pid>-h<host>-….json`): those whose watch is gone (see `leftByGoneOwner`).
 */
async function removeLeftLists(folder: string): Promise<void> {
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isFile || !entry.name.startsWith(LIST_PREFIX) || !entry.name.endsWith(".json")) continue;
    const mark = entry.name.slice(LIST_PREFIX.length);
    // A name without a pid (an older reel's) is left alone: its watch may still run.
    if (Number.isNaN(ownerOf(mark).pid)) continue;
    const path = `${folder}/${entry.name}`;
    if (await leftByGoneOwner(mark, path)) {
      await Deno.remove(path).catch((error) => {
        // Another user's, in a shared /tmp (its sticky bit keeps it theirs): theirs to remove.
        if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied)) {
          throw error;
        }
      });
    }
  }
}

/** Reads and removes the list a watched render wrote (see {@linkcode tellWatcher}); empty when it wrote none. */
async function readNamedFiles(list: string): Promise<NamedFile[]> {
  try {
    const text = await Deno.readTextFile(list);
    return text === "" ? [] : JSON.parse(text) as NamedFile[];
  } finally {
    await Deno.remove(list).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
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

/**
 * Waits for a watched file to be saved: written in place, or deleted and created again, or replaced by a rename (as
 * `git checkout` and many editors do). The folders that hold the files are watched, not the files themselves (a
 * watch on a file dies with it), and their events are kept to the watched paths; a folder that is not there is
 * watched through the nearest one above it that is, and when a folder on the way to a file is made, removed or
 * renamed (`rm -rf pics; mkdir pics`), the folders are watched anew (nt: a picture in a folder made after the start,
 * or made again, was never seen). While a watched file is gone, says so and waits for it to come back (or, one
 * `absent` from the start, for it to be there). Files saved during the render (`pending`) count as changed already.
 */
async function nextChange(
  paths: readonly string[],
  options: {
    signal: AbortSignal;
    pending: readonly string[];
    absent: readonly string[];
    say: (line: string) => void;
    onReady: () => void;
  },
): Promise<string[] | null> {
  const { signal, say } = options;
  const watched = new Set(paths);
  const changed = new Set(options.pending);
  // What was missing when last looked, and said: null before the first look.
  let gone: string[] | null = null;
  while (!signal.aborted) {
    // Watching before looking for missing files: one created in between is still seen. The folders are looked up
    // without an await, so no abort comes between the loop's test and the listener (rv: an async lookup let one in,
    // and the watch hung).
    const watcher = Deno.watchFs(watchableFolders(paths), { recursive: false });
    const stop = () => closeWatcher(watcher);
    signal.addEventListener("abort", stop, { once: true });
    try {
      const now = await missingFiles(paths);
      if (now.length === 0 && changed.size > 0) return [...changed];
      if (now.length > 0 && now.join("\n") !== gone?.join("\n")) say(goneLine(now, options.absent));
      else if (gone === null) options.onReady();
      gone = now;
      for await (const event of watcher) {
        if (event.kind === "access" || event.kind === "other") continue;
        const hits = event.paths.filter((path) => watched.has(path));
        // A folder on the way to watched files made, removed or renamed: they changed with it, and the folders to
        // watch may be others. Not one touched or given other rights (rv: `touch pics` rendered again).
        const moved = event.kind === "modify"
          ? []
          : paths.filter((path) => event.paths.some((folder) => path.startsWith(`${folder}/`)));
        if (hits.length === 0 && moved.length === 0) continue;
        for (const path of [...hits, ...moved]) changed.add(path);
        // Editors save in several writes: let them finish before rendering.
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (moved.length > 0) break;
        const after = await missingFiles(paths);
        if (after.length === 0) return [...changed];
        if (after.join("\n") !== gone.join("\n")) say(goneLine(after, options.absent));
        gone = after;
      }
    } finally {
      signal.removeEventListener("abort", stop);
      closeWatcher(watcher);
    }
  }
  return null;
}

/**
 * The folders to watch for the files: each file's folder, or where it is not there, the nearest folder above it that
 * is (its making is seen there).
 */
function watchableFolders(paths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const path of paths) {
    let folder = path.slice(0, path.lastIndexOf("/")) || "/";
    while (folder !== "/" && !isFolder(folder)) {
      folder = folder.slice(0, folder.lastIndexOf("/")) || "/";
    }
    folders.add(folder);
  }
  return [...folders];
}

/** The files that do not exist now. */
async function missingFiles(paths: readonly string[]): Promise<string[]> {
  const missing = await Promise.all(paths.map(async (path) => {
    try {
      await Deno.stat(path);
      return false;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return true;
      throw error;
    }
  }));
  return paths.filter((_, i) => missing[i]);
}

/** What a watch says while files are missing: gone (they were there), or not there yet (never seen). */
function goneLine(gone: readonly string[], absent: readonly string[]): string {
  const cwd = `${Deno.cwd()}/`;
  const names = gone.map((path) => path.startsWith(cwd) ? path.slice(cwd.length) : path);
  const [is, it] = gone.length === 1 ? ["is", "it"] : ["are", "them"];
  return gone.every((path) => absent.includes(path))
    ? `${names.join(", ")} ${is} not there yet; waiting for ${it}`
    : `${names.join(", ")} ${is} gone; waiting for ${it} to come back`;
}

function closeWatcher(watcher: Deno.FsWatcher): void {
  try {
    watcher.close();
  } catch (error) {
    // Closed already (the abort closed it).
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
