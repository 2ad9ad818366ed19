/**
 * What a worker checks before it runs a job read from Redis, so that whoever can write to Redis cannot make it run
 * arbitrary code or read its secrets: the job's data is well formed and names a step kind the worker has; a step
 * that imports workflow code (`runtime.module`) names a module under one of the roots the worker was started with
 * (`--allow-root`) whose local module graph hashes to the digest the coordinator sent; the store is one the worker
 * may write (inside a root, or its own `--store`); and an API key's variable is not one of the worker's own secrets.
 * Paths, binaries and keys are never taken from the job: the worker uses its own. And since the worker's bytes go
 * to the shared store under the coordinator's key, what the key holds must be what the worker makes: the step
 * kind's code version, and each local engine the step's key names (see {@linkcode engineMismatches}).
 * @module
 */
import { resolve } from "node:path";
import { messageOf } from "../core/errors.ts";
import { nearestFolder } from "../core/exists.ts";
import type { Json } from "../core/json.ts";
import { listed } from "../core/plural.ts";
import { sha256File } from "../core/sha256.ts";
import { changedParts, readModuleGraph } from "../schema/module_graph.ts";
import { ownerMark } from "../store/owner_mark.ts";
import { STORE_ID_FILE, storeIdentity } from "../store/store_identity.ts";
import { workflowDir } from "../schema/workflow_path.ts";
import { type ClusterJob, isClusterJob, JOB_FORMAT, jobIdOf } from "./cluster_job.ts";
import { type EngineEntry, engineMismatches, engineMismatchMessage } from "./engine_mismatch.ts";

/**
 * A job the worker will not run, and why. Some reasons are the job's own (malformed data, a secret named as its
 * key's variable), so every worker refuses it; the others are this worker's (its engines, its step kinds' code,
 * the folders it was allowed), and another worker may run the job.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JobRefusedError } from "./job_guard.ts";
 * const refused = new JobRefusedError("k", "no", { elsewhere: true });
 * assert.equal(refused.name, "JobRefusedError");
 * assert.ok(refused.elsewhere);
 * assert.ok(!new JobRefusedError("k", "its data is malformed").elsewhere);
 * ```
 */
export class JobRefusedError extends Error {
  /** The job's id. */
  readonly job: string;
  /** Why it is refused (the message without the job's id). */
  readonly reason: string;
  /** True when the reason is this worker's: another worker may run the job. */
  readonly elsewhere: boolean;
  /**
   * What the reason is about that other jobs share (their store, module, planned engine): this worker refuses every
   * job that shares it, so a worker that refused one is not waited for by the others (see `recordRefusal`); null when
   * the reason is the job's own.
   */
  readonly sameFor: string | null;
  /**
   * @param job The job's id.
   * @param reason Why it is refused.
   * @param options Whether another worker may run it, and what the reason is about. @default { elsewhere: false }
   */
  constructor(job: string, reason: string, options: { elsewhere?: boolean; sameFor?: string } = {}) {
    super(`Refused job ${job.slice(0, 12)}: ${reason}`);
    this.name = "JobRefusedError";
    this.job = job;
    this.reason = reason;
    this.elsewhere = options.elsewhere ?? false;
    this.sameFor = options.sameFor ?? null;
  }
}

/** Options for {@linkcode JobGuard}. */
export interface JobGuardOptions {
  /** Folders whose workflow modules (and stores) the worker accepts; real, absolute paths. */
  allowRoots: readonly string[];
  /** The store the worker uses whatever the job says, or null to take the job's when allowed. */
  store: string | null;
  /** The step kinds the worker has, by name, with the version of each one's code. */
  kinds: ReadonlyMap<string, { version: number }>;
  /** What the worker's local engines are (see `WorkerEngines`). */
  engines: {
    identity(entry: EngineEntry, task: { runtime: Record<string, Json> }): Promise<string | null>;
  };
}

/** Variables a job may not name as its API key's: the worker's own secrets. */
const SECRET_VARIABLES = /^(REDIS_URL$|AWS_|REEL_)/;

/**
 * Checks jobs for one worker. It remembers the digest of each module it let through: the module is imported once
 * per worker, so a later job whose module changed on disk is refused (restart the worker to load the new code).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JOB_FORMAT } from "./cluster_job.ts";
 * import { JobGuard } from "./job_guard.ts";
 * const engines = { identity: () => Promise.resolve(null) };
 * const guard = new JobGuard({ allowRoots: ["/srv/course"], store: null, kinds: new Map(), engines });
 * await assert.rejects(guard.check("k", { version: JOB_FORMAT }), /malformed/);
 * ```
 */
export class JobGuard {
  readonly #options: JobGuardOptions;
  /** The module graphs this worker has loaded (each once a process: an ES module is not loaded again). */
  readonly #loaded = new Map<string, { digest: string; parts: Record<string, string> }>();
  /** Store folders this worker has written in (each is tried once; one it cannot write is tried at each job). */
  readonly #writable = new Set<string>();
  /** The id of the store folder mounted with --store, as last read. */
  #mounted: string | null = null;

  /** @param options Allowed roots, the worker's own store, its step kinds and local engines. */
  constructor(options: JobGuardOptions) {
    this.#options = options;
  }

  /**
   * Checks a job's data.
   *
   * @param id The job's id.
   * @param data Its data as read from Redis.
   * @returns The data, typed, with the store the worker is to use.
   * @throws {JobRefusedError} When the worker must not run it.
   * @throws {ProcessError} When a local engine the step's key names cannot say what it is.
   */
  async check(id: string, data: unknown): Promise<{ job: ClusterJob; store: string }> {
    const format = (data as { version?: unknown } | null)?.version;
    if (typeof format === "number" && format !== JOB_FORMAT) {
      throw new JobRefusedError(
        id,
        `its data is of version ${format}, and this worker reads version ${JOB_FORMAT}: run the same reel on the coordinator and the workers`,
        { elsewhere: true, sameFor: `format ${format}` },
      );
    }
    if (!isClusterJob(data)) throw new JobRefusedError(id, "its data is malformed");
    const { task } = data;
    if (jobIdOf(data) !== id) throw new JobRefusedError(id, `its id is not its step's key and store`);
    const kind = this.#options.kinds.get(task.kind);
    if (kind === undefined) {
      throw new JobRefusedError(id, `this worker has no step kind "${task.kind}"`, {
        elsewhere: true,
        sameFor: `kind ${task.kind}`,
      });
    }
    if (kind.version !== task.version) {
      throw new JobRefusedError(
        id,
        `step "${task.id}" was planned with version ${task.version} of step kind "${task.kind}", but this worker has version ${kind.version}: run the coordinator's reel here, or run this worker elsewhere`,
        { elsewhere: true, sameFor: `kind ${task.kind}@${task.version}` },
      );
    }
    const keyEnv = task.runtime.keyEnv;
    if (typeof keyEnv === "string" && SECRET_VARIABLES.test(keyEnv)) {
      throw new JobRefusedError(id, `step "${task.id}" names ${keyEnv} as its API key's variable`);
    }
    const store = await this.#store(id, data);
    const module = task.runtime.module;
    if (module !== undefined) {
      await this.#checkModule(id, module, data);
      await this.#checkFiles(id, { module: module as string, task });
    }
    const mismatches = await engineMismatches(
      task.engine,
      (entry) => this.#options.engines.identity(entry, task),
    );
    if (mismatches.length > 0) {
      throw new JobRefusedError(id, engineMismatchMessage(task.id, mismatches), {
        elsewhere: true,
        sameFor: `engines ${JSON.stringify(mismatches.map(({ entry, planned }) => [entry, planned]))}`,
      });
    }
    return { job: data, store };
  }

  async #store(id: string, job: Pick<ClusterJob, "store" | "storeId">): Promise<string> {
    const location = job.store;
    const mount = this.#options.store;
    if (mount !== null) {
      // A bucket is named the same everywhere; a folder mounted elsewhere is told by its id.
      const bucket = location.startsWith("s3://") || mount.startsWith("s3://");
      const here = bucket ? null : await this.#mountId(mount, job.storeId);
      const bare = (store: string) => store.replace(/\/+$/, "");
      const same = bucket
        ? bare(location) === bare(mount)
        : job.storeId === undefined || here === job.storeId;
      if (!same) {
        const why = bucket
          ? ""
          : here === null
          ? `: ${mount} has no ${STORE_ID_FILE} file (a store a cluster render used has one)`
          : `: their ${STORE_ID_FILE} files differ`;
        throw new JobRefusedError(
          id,
          `its store ${location} is not the store this worker has at ${mount} (--store)${why}`,
          // The store by its id too: two coordinators' stores at one path are two stores (rv23).
          { elsewhere: true, sameFor: `store ${location} ${job.storeId ?? ""}` },
        );
      }
      return mount;
    }
    if (location.startsWith("s3://")) return location;
    if (!location.startsWith("/")) {
      throw new JobRefusedError(id, `its store ${location} is not an absolute path`);
    }
    if (await this.#underRoot(location)) {
      await this.#checkWritable(id, location);
      return location;
    }
    throw new JobRefusedError(
      id,
      `its store ${location} is outside the folders this worker was allowed (--allow-root, --store)`,
      { elsewhere: true, sameFor: `store ${location}` },
    );
  }

  /** The mounted store's id, read again when a job names another (a store made anew since, or slow to show). */
  async #mountId(mount: string, wanted: string | undefined): Promise<string | null> {
    if (this.#mounted === null || (wanted !== undefined && this.#mounted !== wanted)) {
      this.#mounted = await storeIdentity(mount, { make: false });
    }
    return this.#mounted;
  }

  async #checkModule(id: string, module: unknown, data: ClusterJob): Promise<void> {
    if (typeof module !== "string" || !module.startsWith("file:")) {
      throw new JobRefusedError(id, `its module ${String(module)} is not a local file`);
    }
    const path = decodeURIComponent(new URL(module).pathname);
    if (!(await this.#underRoot(path))) {
      throw new JobRefusedError(
        id,
        `module ${path} is outside the folders this worker was allowed (--allow-root)`,
        { elsewhere: true, sameFor: `module ${module}` },
      );
    }
    const expected = data.modules[module];
    if (expected === undefined) throw new JobRefusedError(id, `no digest was sent for module ${path}`);
    const graph = await readModuleGraph(module);
    const actual = graph.digest;
    if (actual !== expected) {
      // fi14: which file differs could not be said (the digest is of the whole graph).
      const planned = data.moduleParts?.[module];
      const which = changedNames(planned === undefined ? [] : changedParts(planned, graph.parts));
      throw new JobRefusedError(
        id,
        // fi14: said without what it means, when a helper the module imports was edited during the render.
        `module ${path} hashes to ${actual.slice(0, 12)} here, not ${
          expected.slice(0, 12)
        } as the coordinator's: ${which} not what the render planned (edited since: render again; or another ` +
          "copy on this host)",
        { elsewhere: true, sameFor: `module ${module} ${expected}` },
      );
    }
    const loaded = this.#loaded.get(module);
    if (loaded !== undefined && loaded.digest !== actual) {
      // fi13: the module was named when a file it imports had changed.
      const which = changedNames(changedParts(loaded.parts, graph.parts));
      throw new JobRefusedError(
        id,
        `module ${path} changed since this worker loaded it (${
          which.replace(/ (is|are)$/, "")
        }): this worker ` +
          "runs the code it loaded first, so restart it",
        { elsewhere: true, sameFor: `module ${module} ${expected}` },
      );
    }
    this.#loaded.set(module, { digest: actual, parts: graph.parts });
  }

  /**
   * A custom step's declared files (their digests in its key, by path from the workflow's folder) must be the
   * coordinator's here too: another copy of a data file would make other bytes under the same key.
   */
  async #checkFiles(id: string, job: { module: string; task: ClusterJob["task"] }): Promise<void> {
    const { module, task } = job;
    const engine = task.engine;
    const files = typeof engine === "object" && engine !== null && !Array.isArray(engine)
      ? engine.files
      : null;
    if (typeof files !== "object" || files === null || Array.isArray(files)) return;
    const home = workflowDir(module);
    for (const [name, expected] of Object.entries(files)) {
      const path = resolve(home, name);
      let actual: string;
      try {
        actual = await sha256File(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        throw new JobRefusedError(id, `step "${task.id}" reads ${path}, which this worker does not have`, {
          elsewhere: true,
          sameFor: `file ${path} ${expected}`,
        });
      }
      if (actual !== expected) {
        throw new JobRefusedError(
          id,
          `step "${task.id}" reads ${path}, which hashes to ${actual.slice(0, 12)} here, not ${
            String(expected).slice(0, 12)
          } as the coordinator's`,
          { elsewhere: true, sameFor: `file ${path} ${expected}` },
        );
      }
    }
  }

  /**
   * Refuses a job whose store this worker cannot write (not mounted here, read-only here, a file in the way): the
   * step would run and its artifact could not be stored, and another worker may write it. The store's folder may
   * not be there yet: the folder it would be made in is tried then.
   */
  async #checkWritable(id: string, location: string): Promise<void> {
    if (this.#writable.has(location)) return;
    try {
      // Named as the store's private files are: a render or `cache gc` beside it leaves it alone.
      const probe = await Deno.makeTempFile({
        dir: await nearestFolder(location),
        prefix: `.${ownerMark()}-probe-`,
      });
      await Deno.remove(probe);
    } catch (error) {
      throw new JobRefusedError(
        id,
        `its store ${location} cannot be written by this worker: ${messageOf(error)}`,
        // Not said of every job of the store: it may pass (a full disk), and is tried again at each job (rv23).
        { elsewhere: true },
      );
    }
    this.#writable.add(location);
  }

  /** True when a path (made real, so a link cannot lead out) is inside an allowed root. */
  async #underRoot(path: string): Promise<boolean> {
    const real = await realPathOrParent(path);
    return this.#options.allowRoots.some((root) => real === root || real.startsWith(`${root}/`));
  }
}

/** The real path of a file, or of its nearest existing parent's and the rest (a store may not exist yet). */
async function realPathOrParent(path: string): Promise<string> {
  const missing: string[] = [];
  // `..` is resolved first, by name: what is left to join to a real parent holds no way up.
  let at = resolve(path);
  for (;;) {
    try {
      const real = await Deno.realPath(at === "" ? "/" : at);
      return [real.replace(/\/$/, ""), ...missing.reverse()].join("/");
    } catch (error) {
      // Not there, or under a file (where a shared folder is not mounted): named by its parent's real path.
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) throw error;
      const slash = at.lastIndexOf("/");
      missing.push(at.slice(slash + 1));
      at = at.slice(0, slash);
    }
  }
}

/** The parts of a module graph that differ, as a refusal names them: at most three, then how many more. */
function changedNames(changed: readonly string[]): string {
  // An older coordinator's job says nothing of the parts.
  if (changed.length === 0) return "it or a file it imports is";
  const names = changed.slice(0, 3).map((name) => name === "(workflow)" ? "the module itself" : name);
  const more = changed.length > 3 ? ` and ${changed.length - 3} more` : "";
  return `${listed(names)}${more} ${changed.length === 1 ? "is" : "are"}`;
}
