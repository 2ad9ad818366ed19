/**
 * Rendering workflow files end to end: load, plan, check the machine, run on the worker pool, publish outputs.
 * The CLI is a thin layer over this.
 * @module
 */
import { dirname, resolve } from "node:path";
import { type Clock, realClock } from "../core/clock.ts";
import { InputError, systemReason } from "../core/errors.ts";
import {
  fileInTheWay,
  isMissing,
  nearestFolder,
  pathTrouble,
  realFolder,
  realPathOrNull,
} from "../core/exists.ts";
import type { StepExecutor } from "../core/executor.ts";
import { findFfmpeg } from "../media/ffmpeg.ts";
import type { RedisTarget } from "../cluster/redis_target.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { Plan } from "../plan/plan.ts";
import { planPaths } from "../plan/plan_paths.ts";
import { moduleFiles } from "../schema/module_graph.ts";
import { planStatus } from "../plan/plan_status.ts";
import { openStore } from "../store/open_store.ts";
import { giveBackCommand, ownedByAnother, probeFile, refusedByOwner } from "../store/writable_folders.ts";
import { removeStaleOutputs } from "../store/publish_output.ts";
import { openExecutor } from "./_open_executor.ts";
import { fitSlidesOn } from "./slide_fits.ts";
import { guardOutputs, type OutputGuard } from "./output_guard.ts";
import { checkForcedGlobs, forcedSteps } from "./step_glob.ts";
import { type LoadedPlan, loadPlan, type LoadPlanOptions } from "./load_plan.ts";
import { preflight } from "./preflight.ts";
import { ProviderLimiter } from "./provider_limiter.ts";
import type { RunEvent } from "./run_events.ts";
import type { RunResult } from "./run_options.ts";
import { runPlan } from "./scheduler.ts";

/** Options for {@linkcode renderWorkflows}. */
export interface RenderOptions extends LoadPlanOptions {
  /** The output folder; created when missing. */
  outDir: string;
  /** The artifact store's folder. @default REEL_CACHE, else `.reel/` beside the first workflow */
  cacheDir?: string;
  /**
   * The artifact store, when not the folder: `s3://bucket/prefix` (endpoint and keys from the AWS variables; its
   * files are cached in `cacheDir`), or a folder.
   */
  store?: string;
  /** For an S3 store: reads its endpoint and keys (the AWS variables). @default Deno.env.get */
  storeEnv?: (name: string) => string | undefined;
  /**
   * Run the steps on a cluster: the Redis URL (`redis://host:6379[/db]`, `rediss://` for TLS) whose workers
   * (`deno task worker`) take them. The store must then be one every worker reaches (a shared folder, an S3 bucket).
   */
  cluster?: RedisTarget;
  /**
   * How long a cluster's steps wait for its Redis when it goes away, in ms: then those still waiting fail.
   * @default 60000
   */
  redisTimeoutMs?: number;
  /** Hears about trouble that fails no step (a cluster's Redis away for a while). */
  onNotice?: (message: string) => void;
  /** Ignore the store. @default false */
  force?: boolean;
  /** Ignore the store for steps whose id matches one of these globs (`*` within a path part, `**` across). */
  forceSteps?: string[];
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Receives every event. */
  onEvent?: (event: RunEvent) => void;
  /** Render slides whose text does not fit, cut with an ellipsis, instead of failing before the run. */
  allowOverflow?: boolean;
  /** Receives warnings found before the run (characters no font has, text that will be cut). */
  onWarning?: (warning: string) => void;
  /** Hears the plan once it is made, before the checks (`render --watch` learns the files it names). */
  onPlan?: (plan: Plan) => void | Promise<void>;
}

/** What a render leaves: the plan and how it ran. */
export interface RenderResult {
  /** The plan that ran. */
  plan: Plan;
  /** How every step ended. */
  run: RunResult;
  /** The ffmpeg binaries the run used. */
  ffmpeg: FfmpegPaths;
}

/**
 * Checks that `folder` exists or can be made, and that a file can be written in it; makes it unless `make` is false
 * (then a file is written, and removed, in the folder or in the nearest folder above it that exists, where it would
 * be made: nothing is left, so that several folders can be checked before any is made).
 *
 * @param folder The folder.
 * @param role What it is for, in messages (`output folder`).
 * @param options Whether to make it (@default make), the hint when the role's own is not the one; and, for one of
 *   another user's, what in it shows that reel made it (`reelsOwn`: its report, a store's entries; then its owner
 *   is named) and the folder to give back to this user (@default the folder).
 * @throws {InputError} When it cannot be written.
 *
 * @example
 * ```ts
 * import { ensureWritableFolder } from "./render_workflows.ts";
 * const dir = await Deno.makeTempDir();
 * await ensureWritableFolder(`${dir}/out`, "output folder");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function ensureWritableFolder(
  folder: string,
  role: string,
  options: { make?: boolean; hint?: string; giveBack?: string; reelsOwn?: string } = {},
): Promise<void> {
  try {
    const make = options.make ?? true;
    if (make) await Deno.mkdir(folder, { recursive: true });
    const dir = make ? folder : await nearestFolder(folder);
    const probe = await Deno.makeTempFile(probeFile(dir));
    await Deno.remove(probe);
  } catch (error) {
    // Another user's, and reel's own (a render run with sudo made it): said so, with the command that gives it
    // back (nt19); not a folder that is no render's (rv39: `--out /usr/local` was blamed on a sudo render).
    const owner = error instanceof Deno.errors.PermissionDenied && options.reelsOwn !== undefined
      ? await ownerIfThere(folder, options.reelsOwn)
      : null;
    if (owner !== null && ownedByAnother({ folder, owner })) {
      throw refusedByOwner({ folder, owner }, {
        doing: "write to",
        place: role,
        root: options.giveBack ?? folder,
      });
    }
    // A folder the system will not make where it is asked (under /proc): "not found" alone read as a mistyped
    // name (nt22).
    const reason = error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory
      ? inTheWay(folder)
      : error instanceof Deno.errors.NotFound && (options.make ?? true)
      ? "it cannot be made there (the system says not found)"
      : pathTrouble(error, folder) ?? systemReason(error);
    throw new InputError(`Cannot write to the ${role} ${folder}: ${reason}`, {
      where: folder,
      hint: options.hint ?? FOLDER_HINTS[role] ?? "Choose another folder with --cache (or REEL_CACHE)",
      cause: error,
    });
  }
}

/**
 * Refuses a folder whose path cannot be used at all (its links loop, its name is too long, a file is in the way,
 * this user may not look there), before anything reads from it: the store's lookups stopped with Deno's words and
 * a trace (fi22). A folder that is not there yet, or is there, passes (see {@linkcode ensureWritableFolder}).
 *
 * @param folder The folder.
 * @param role What it is, as the messages name it (`cache folder`, `output folder`).
 * @param options What the command does with it, as its message says (`write to`, a render's, which tells a
 *   folder it may not look into later, with whose it is; default `use`).
 * @throws {InputError} Naming the folder and why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseUnusableFolder } from "./render_workflows.ts";
 * assert.throws(() => refuseUnusableFolder("deno.json/x", "cache folder"), /deno\.json is a file, not a folder/);
 * refuseUnusableFolder("no-such-folder-yet", "cache folder");
 * ```
 */
export function refuseUnusableFolder(folder: string, role: string, options: { doing?: string } = {}): void {
  try {
    // Synchronous: one system call before a command reads the folder.
    Deno.statSync(folder);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    // A render's folder this user may not look into is told later, with whose it is (`ensureWritableFolder`).
    if (error instanceof Deno.errors.PermissionDenied && options.doing === "write to") return;
    const trouble = pathTrouble(error, folder);
    if (trouble === null) throw error;
    throw new InputError(`Cannot ${options.doing ?? "use"} the ${role} ${folder}: ${trouble}`, {
      where: folder,
      hint: FOLDER_HINTS[role] ?? "Choose another folder with --cache (or REEL_CACHE)",
      cause: error,
    });
  }
}

/**
 * The refusal of a store that is not there, or not a folder: a file in its place, or on the way to it, named.
 *
 * @param folder Where the store was looked for.
 * @param options Where it was named (`--cache`, `REEL_CACHE`, the folder) and what to do.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noStoreAt } from "./render_workflows.ts";
 * const error = noStoreAt("deno.json/x", { where: "--cache", hint: "Name the store with --cache" });
 * assert.equal(error.message, "No store at deno.json/x (deno.json is a file, not a folder)");
 * ```
 */
export function noStoreAt(folder: string, options: { where: string; hint: string }): InputError {
  const file = fileInTheWay(folder);
  const why = file === null ? "" : file === folder ? " (it is a file)" : ` (${file} is a file, not a folder)`;
  return new InputError(`No store at ${folder}${why}`, options);
}

/** The warning of stored entries another user made, which this render serves but cannot mark used. */
function unmarkedWarning(records: readonly string[], root: string): string {
  const one = records.length === 1;
  const entries = one ? "1 stored entry" : `${records.length} stored entries`;
  // Named as entries are: their folders, not their records.
  const first = `${dirname(records[0]!)}${one ? "" : ", …"}`;
  return `${entries} another user made cannot be marked used (${first}): \`cache gc\` takes ${
    one ? "it" : "them"
  } for unused, and cannot remove ${one ? "it" : "them"}. To give the store back to your user: ${
    giveBackCommand(root)
  }`;
}

/**
 * The owner of `folder` when it and `mark` in it are there, or when it is there and this user may not look in it
 * (another user's private folder, rv40); else null.
 */
async function ownerIfThere(folder: string, mark: string): Promise<number | null> {
  let owner: number | null;
  try {
    owner = (await Deno.stat(folder)).uid;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) return null;
    throw error;
  }
  try {
    await Deno.stat(mark);
    return owner;
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) return owner;
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * The output folder is none of the store's own folders, nor inside one (`--out .reel/tmp`, `--out cache/entries`):
 * a resumed render empties `tmp` of what a killed one left, and `cache gc` removes from `entries` what is no entry,
 * old kept answers from `answers`, and the first layout's `artifacts` whole (rv34).
 * Beside them it is a folder of its own: the store at the project's root (`REEL_CACHE=.`) with `out` in it, or the
 * videos in the store's folder itself (nt16: `--out o --cache o`), touch nothing of each other's.
 *
 * @throws {InputError} Naming both folders.
 */
async function outputsApartFromStore(outDir: string, storeFolders: readonly string[]): Promise<void> {
  const out = await realFolder(outDir);
  for (const folder of storeFolders) {
    const own = await realFolder(folder);
    if (out !== own && !out.startsWith(`${own}/`)) continue;
    throw new InputError(
      `The output folder ${outDir} is ${out === own ? "" : "inside "}the store's own folder ${folder}: the ` +
        "store removes from it what it did not write",
      { where: outDir, hint: FOLDER_HINTS["output folder"] },
    );
  }
}

/**
 * No folder stands where an output will be written: its step failed at the end, after the others had written
 * theirs (a folder named `talk.srt` left the transcript's text, VTT and JSON beside a failure, exit 1). No output
 * is written over a file the render reads: a custom step's `output: "lesson.ts"` with `--out .` replaced the
 * workflow file itself, exit 0 (a module it imports likewise).
 */
async function checkOutputPlaces(outDir: string, loaded: LoadedPlan): Promise<void> {
  const { plan, workflows } = loaded;
  // The files the render reads: those its plan names and the workflows' local modules, by their real paths too (a
  // link, a folder reached two ways). Not the files their code read while they loaded: a workflow may read its own
  // last output (`out/note.txt`) that a step of it writes again.
  const modules = await Promise.all(
    // A workflow made in memory (`reel transcribe`) has its folder as its module: no graph.
    workflows.filter((workflow) =>
      workflow.moduleUrl.startsWith("file:") && !workflow.moduleUrl.endsWith("/")
    )
      .map((workflow) => moduleFiles(workflow.moduleUrl)),
  );
  const paths = [...planPaths(plan), ...modules.flat()];
  const read = new Set(paths.flatMap((path) => [path, realPathOrNull(path) ?? path]));
  // Steps only: a child spawned from a template writes no output of its own.
  for (const step of plan.steps) {
    if (step.output === null) continue;
    const place = `${outDir.replace(/\/+$/, "")}/${step.output}`;
    let folder = false;
    try {
      folder = Deno.statSync(place).isDirectory;
    } catch (error) {
      // A link that loops where the output goes (fi22: Deno's words and a trace), a name too long.
      const trouble = isMissing(error) ? null : pathTrouble(error, place);
      if (trouble !== null) {
        throw new InputError(`Cannot write the output ${place} (step ${step.id}): ${trouble}`, {
          where: place,
          hint: "Move or remove what is there, or choose another folder with --out",
          cause: error,
        });
      }
      if (!isMissing(error)) throw error;
    }
    if (folder) {
      throw new InputError(`A folder is in the way of the output ${place} (step ${step.id})`, {
        where: place,
        hint: "Move or remove the folder, or choose another folder with --out",
      });
    }
    if (read.has(resolve(place)) || read.has(realPathOrNull(place) ?? "")) {
      throw new InputError(
        `The output ${place} (step ${step.id}) would be written over a file this run reads`,
        {
          where: place,
          hint: "Choose another folder with --out, or give the step another output name",
        },
      );
    }
  }
}

/** What to do when a folder of each role cannot be written (the store's default: the cache's). */
const FOLDER_HINTS: Record<string, string> = {
  "output folder": "Choose another folder with --out",
  "store folder": "Choose another folder with --store",
  "tune settings folder": "Set XDG_CONFIG_HOME to a folder you can write, or add --no-save",
};

/** Which file stands where a folder or one of the folders above it should be. */
function inTheWay(folder: string): string {
  const file = fileInTheWay(folder);
  return file === null || file === folder
    ? "a file of that name is in the way"
    : `${file} is a file, not a folder`;
}

/**
 * The default store folder: `REEL_CACHE`, else `.reel/` beside the workflow file (in the working folder for a
 * command that has none: `transcribe`, `variants`).
 *
 * @param workflowFile The first workflow file, or null.
 * @returns The folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCacheDir } from "./render_workflows.ts";
 * if (!Deno.env.get("REEL_CACHE")) {
 *   assert.equal(defaultCacheDir("workflows/lesson.ts"), "workflows/.reel");
 *   assert.equal(defaultCacheDir(null), ".reel");
 * }
 * ```
 */
export function defaultCacheDir(workflowFile: string | null): string {
  const configured = Deno.env.get("REEL_CACHE");
  if (configured !== undefined && configured !== "") return configured;
  if (workflowFile === null) return ".reel";
  const slash = workflowFile.lastIndexOf("/");
  return `${slash < 0 ? "." : workflowFile.slice(0, slash) || "/"}/.reel`;
}

/**
 * Renders workflow files: every check that can fail on bad input runs before the first step.
 *
 * @param files Workflow files.
 * @param options Output folder, limits, filters, signal, listener.
 * @returns The plan and the run's result.
 * @throws {InputError} On bad input (a bad workflow, missing ffmpeg, unwritable folders): nothing has run then.
 *
 * @example
 * ```ts
 * import { renderWorkflows } from "./render_workflows.ts";
 * // const { run } = await renderWorkflows(["workflows/lesson.ts"], { outDir: "out" });
 * ```
 */
export async function renderWorkflows(
  files: readonly string[],
  options: RenderOptions,
): Promise<RenderResult> {
  const loaded = await loadPlan(files, options);
  await options.onPlan?.(loaded.plan);
  return await renderLoaded(loaded, { ...options, cacheDir: options.cacheDir ?? defaultCacheDir(files[0]!) });
}

/**
 * Renders a plan already made (see {@linkcode planLoaded}), e.g. of a workflow made in memory: the checks, the
 * folders, the worker pool and the run, as {@linkcode renderWorkflows} does after loading.
 *
 * @param loaded The plan and its workflows.
 * @param options As for {@linkcode renderWorkflows}, with the store's folder required.
 * @returns The plan and the run's result.
 * @throws {InputError} On bad input found by the checks, or unwritable folders: nothing has run then.
 *
 * @example
 * ```ts
 * import { renderLoaded } from "./render_workflows.ts";
 * // const { run } = await renderLoaded(await planLoaded([workflow]), { outDir: "out", cacheDir: ".reel" });
 * ```
 */
export async function renderLoaded(
  loaded: LoadedPlan,
  options: RenderOptions & { cacheDir: string },
): Promise<RenderResult> {
  const { plan, workflows } = loaded;
  // A custom step may spawn any template by its full id.
  const spawners = plan.steps.filter((step) => step.kind === "custom").map((step) => step.id);
  const globWarnings = checkForcedGlobs(options.forceSteps ?? [], {
    steps: plan.steps.map((step) => step.id),
    templates: plan.templates.map((template) => ({ id: template.id, spawners })),
    narrowed: options.only !== undefined || options.formats !== undefined,
  });
  for (const warning of globWarnings) options.onWarning?.(warning);
  const ffmpeg = await findFfmpeg();
  // Redis and its clients are loaded only for a cluster: a local render never pays for them.
  const redis = options.cluster === undefined ? null : {
    target: options.cluster,
    ...await import("../cluster/redis_connection.ts"),
    ...await import("../cluster/redis_claims.ts"),
  };
  if (redis !== null) await redis.checkRedis(redis.target);
  const cacheDir = options.cacheDir;
  const objectStore = options.store?.startsWith("s3://") === true;
  const claims = objectStore && redis !== null
    ? new redis.RedisClaims(redis.target, {
      onError: (error) => options.onNotice?.(`Redis: ${error.message}`),
    })
    : undefined;
  // The cache folder is a folder whatever its name (`--cache run:2`): only --store may name an S3 bucket.
  const store = openStore(options.store ?? resolve(cacheDir), {
    cacheDir: `${cacheDir}/s3-cache`,
    claims,
    env: options.storeEnv,
    onClaimError: (error) =>
      options.onNotice?.(
        `Cannot refresh this render's claims (another render may make their steps too): ${error.message}`,
      ),
  });
  let guard: OutputGuard | null = null;
  try {
    const usedFolders: [string, string][] = [
      [cacheDir, "cache folder"],
      ...options.store !== undefined && !objectStore
        ? [[options.store, "store folder"] as [string, string]]
        : [],
      [options.outDir, "output folder"],
    ];
    for (const [folder, role] of usedFolders) refuseUnusableFolder(folder, role, { doing: "write to" });
    await store.reachable();
    const status = await planStatus(plan, store);
    // The kinds of the steps that will run: not stored, or forced (all of them, or by --force-step's globs).
    const isForced = forcedSteps(options);
    // What the store will serve: stored, and not forced.
    const served = new Set<string>();
    for (const step of plan.steps) {
      if (status.get(step.id)?.status === "stored" && !isForced(step.id)) served.add(step.id);
    }
    const warm = new Map<string, number>();
    for (const step of plan.steps) {
      if (!served.has(step.id)) warm.set(step.kind, (warm.get(step.kind) ?? 0) + 1);
    }
    // The workers start loading while the checks run (a failed check closes them again); when no step will run,
    // none starts unless one is needed after all.
    const stored = warm.size === 0;
    const opening = openExecutor(plan, { ...options, store, stored, warm });
    // Its failure is reported where it is awaited, below; this only keeps it from counting as unhandled meanwhile.
    opening.catch(() => {});
    let executor: StepExecutor;
    try {
      // Every check that bad input can fail runs before a folder is made.
      const warnings = await preflight(plan, workflows, {
        ffmpeg,
        status,
        allowOverflow: options.allowOverflow,
        signal: options.signal,
        forced: isForced,
        // Slides are checked on the local workers, which read the fonts for the slides anyway; a cluster's
        // coordinator checks them itself.
        fitSlides: options.cluster !== undefined
          ? undefined
          : async (slides, signal) =>
            await fitSlidesOn(await opening, slides, {
              workers: plan.limits.workers,
              ffmpeg,
              signal: signal ?? options.signal,
            }),
      });
      // The store writes in folders of its own: one that cannot be written (made read-only, a file in its place)
      // failed every step that runs, each with its raw message.
      const role = options.store !== undefined && !objectStore ? "store folder" : "cache folder";
      const folders: [string, string][] = [
        [cacheDir, "cache folder"],
        ...store.folders().map((folder): [string, string] => [folder, role]),
        [options.outDir, "output folder"],
      ];
      // All checked before any is made: an output folder refused leaves no empty store behind.
      // Where another user's folder is in the way: what shows that reel made it (its report, a store's entries, a
      // store's own folder), and what to give back to this user (the folder named, or the whole store).
      const ownerOptions = (folder: string) =>
        folder === options.outDir
          ? { reelsOwn: `${folder}/report.html`, giveBack: folder }
          : folder === cacheDir
          ? { reelsOwn: `${folder}/entries`, giveBack: folder }
          : { reelsOwn: folder, giveBack: store.localRoot };
      for (const [folder, role] of folders) {
        await ensureWritableFolder(folder, role, { make: false, ...ownerOptions(folder) });
      }
      // A folder a render run as another user (with sudo) left in the store: every step stored there was made,
      // paid for, and lost, each failed with the system's words. The keys of the steps to run, where each is
      // known before the run (none waits for what an earlier step returns); else every folder of entries.
      const toRun = plan.steps.filter((step) => !served.has(step.id)).map((step) => status.get(step.id)?.key);
      const replaced = plan.steps.flatMap((step) => {
        const found = status.get(step.id);
        return found?.status === "stored" && found.key !== null && isForced(step.id) ? [found.key] : [];
      });
      const unwritable = store.unwritable({
        keys: toRun.every((key) => typeof key === "string") ? toRun as string[] : null,
        replaced,
      });
      if (unwritable !== null) {
        throw refusedByOwner(unwritable, { doing: "write to", place: role, root: store.localRoot });
      }
      await outputsApartFromStore(options.outDir, store.clearedFolders());
      // Another render writing one of these outputs with other bytes is refused now, not found out by its result,
      // and before a folder is made (fi15: an empty store was left). Its workflows named as any folder reads them.
      guard = await guardOutputs(plan, options.outDir, {
        workflows: workflows.map((workflow) => realPathOrNull(workflow.file) ?? workflow.file),
      });
      for (const [folder, role] of folders) {
        await ensureWritableFolder(folder, role, ownerOptions(folder));
      }
      await checkOutputPlaces(options.outDir, loaded);
      for (const warning of warnings) options.onWarning?.(warning);
      // Once every check passed (rv40): the entries it serves are marked used. Another user's (readable to all, a
      // shared store) are served, but only their owner may set their time (rv39: refused, such a store served
      // nothing): `cache gc` reads them as unused.
      const unmarked = store.markUsed(
        plan.steps.flatMap((step) => served.has(step.id) ? [status.get(step.id)!.key!] : []),
      );
      if (unmarked.length > 0) options.onWarning?.(unmarkedWarning(unmarked, store.localRoot));
      // Resume after a crash: what a killed run left half-done is removed; everything it finished is reused.
      await store.removeStale();
      await removeStaleOutputs(options.outDir);
      executor = await opening;
    } catch (error) {
      await opening.then((opened) => opened.close(), () => {});
      throw error;
    }
    const limiters = providerLimiters(plan, realClock);
    // From here until it closes, `cache gc` keeps what this render uses. A render that finds every step stored
    // makes nothing for later steps to read, and writes no holder file (a file made and freed a render: on a file
    // system without a journal, making one after many were freed costs a scan of them).
    if (!stored) store.attend();
    try {
      const run = await runPlan(plan, {
        providerGate: (provider) => limiters.get(provider) ?? null,
        executor,
        store,
        forceSteps: options.forceSteps,
        ffmpeg,
        outDir: options.outDir,
        signal: options.signal,
        onEvent: options.onEvent,
        force: options.force,
        // A cluster's workers are whoever is listening on its Redis, not the local pool's size.
        workers: options.cluster === undefined ? undefined : 0,
        remote: options.cluster !== undefined,
        stored: served.size,
      });
      return { plan, run, ffmpeg };
    } finally {
      await executor.close();
    }
  } finally {
    await guard?.release();
    store.close();
  }
}

/**
 * Makes one limiter per HTTP provider of the plan's workflows, shared by every step that calls it.
 *
 * @param plan The plan.
 * @param clock The clock the limiters pace by.
 * @returns The limiters by provider name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realClock } from "../core/clock.ts";
 * import { planFiles } from "./load_plan.ts";
 * import { providerLimiters } from "./render_workflows.ts";
 * assert.equal(providerLimiters(await planFiles(["workflows/lesson.ts"]), realClock).size, 0);
 * ```
 */
export function providerLimiters(plan: Plan, clock: Clock): Map<string, ProviderLimiter> {
  const limiters = new Map<string, ProviderLimiter>();
  for (const provider of plan.providers) {
    limiters.set(
      provider.name,
      new ProviderLimiter({
        concurrency: provider.concurrency,
        ...provider.rate,
        maxRetryAfter: provider.maxRetryAfter,
      }, { clock }),
    );
  }
  return limiters;
}
