/**
 * What a worker checks before it runs a job read from Redis, so that whoever can write to Redis cannot make it run
 * arbitrary code or read its secrets: the job's data is well formed and names a step kind the worker has; a step
 * that imports workflow code (`runtime.module`) names a module under one of the roots the worker was started with
 * (`--allow-root`) whose local module graph hashes to the digest the coordinator sent; the store is one the worker
 * may write (inside a root, or its own `--store`); and an API key's variable is not one of the worker's own secrets.
 * Paths, binaries and keys are never taken from the job: the worker uses its own.
 * @module
 */
import { resolve } from "node:path";
import { readModuleGraph } from "../schema/module_graph.ts";
import { type ClusterJob, isClusterJob } from "./cluster_job.ts";

/**
 * A job the worker will not run; the job fails (only it) and the worker logs why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JobRefusedError } from "./job_guard.ts";
 * assert.equal(new JobRefusedError("k", "no").name, "JobRefusedError");
 * ```
 */
export class JobRefusedError extends Error {
  /** The job's id. */
  readonly job: string;
  /**
   * @param job The job's id.
   * @param reason Why it is refused.
   */
  constructor(job: string, reason: string) {
    super(`Refused job ${job.slice(0, 12)}: ${reason}`);
    this.name = "JobRefusedError";
    this.job = job;
  }
}

/** Options for {@linkcode JobGuard}. */
export interface JobGuardOptions {
  /** Folders whose workflow modules (and stores) the worker accepts; real, absolute paths. */
  allowRoots: readonly string[];
  /** The store the worker uses whatever the job says, or null to take the job's when allowed. */
  store: string | null;
  /** The step kinds the worker has. */
  kinds: ReadonlySet<string>;
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
 * import { JobGuard } from "./job_guard.ts";
 * const guard = new JobGuard({ allowRoots: ["/srv/course"], store: null, kinds: new Set(["clip"]) });
 * await assert.rejects(guard.check("k", { version: 1 }), /malformed/);
 * ```
 */
export class JobGuard {
  readonly #options: JobGuardOptions;
  readonly #loaded = new Map<string, string>();

  /** @param options Allowed roots, the worker's own store, its step kinds. */
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
   */
  async check(id: string, data: unknown): Promise<{ job: ClusterJob; store: string }> {
    if (!isClusterJob(data)) throw new JobRefusedError(id, "its data is malformed");
    const { task } = data;
    if (task.key !== id) throw new JobRefusedError(id, `its id is not its step's key`);
    if (!this.#options.kinds.has(task.kind)) {
      throw new JobRefusedError(id, `this worker has no step kind "${task.kind}"`);
    }
    const keyEnv = task.runtime.keyEnv;
    if (typeof keyEnv === "string" && SECRET_VARIABLES.test(keyEnv)) {
      throw new JobRefusedError(id, `step "${task.id}" names ${keyEnv} as its API key's variable`);
    }
    const store = await this.#store(id, data.store);
    const module = task.runtime.module;
    if (module !== undefined) await this.#checkModule(id, module, data.modules);
    return { job: data, store };
  }

  async #store(id: string, location: string): Promise<string> {
    if (this.#options.store !== null) return this.#options.store;
    if (location.startsWith("s3://")) return location;
    if (!location.startsWith("/")) {
      throw new JobRefusedError(id, `its store ${location} is not an absolute path`);
    }
    if (await this.#underRoot(location)) return location;
    throw new JobRefusedError(
      id,
      `its store ${location} is outside the folders this worker was allowed (--allow-root, --store)`,
    );
  }

  async #checkModule(id: string, module: unknown, digests: Record<string, string>): Promise<void> {
    if (typeof module !== "string" || !module.startsWith("file:")) {
      throw new JobRefusedError(id, `its module ${String(module)} is not a local file`);
    }
    const path = decodeURIComponent(new URL(module).pathname);
    if (!(await this.#underRoot(path))) {
      throw new JobRefusedError(
        id,
        `module ${path} is outside the folders this worker was allowed (--allow-root)`,
      );
    }
    const expected = digests[module];
    if (expected === undefined) throw new JobRefusedError(id, `no digest was sent for module ${path}`);
    const actual = (await readModuleGraph(module)).digest;
    if (actual !== expected) {
      throw new JobRefusedError(
        id,
        `module ${path} hashes to ${actual.slice(0, 12)} here, not ${
          expected.slice(0, 12)
        } as the coordinator's`,
      );
    }
    const loaded = this.#loaded.get(module);
    if (loaded !== undefined && loaded !== actual) {
      throw new JobRefusedError(id, `module ${path} changed since this worker loaded it: restart the worker`);
    }
    this.#loaded.set(module, actual);
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
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      const slash = at.lastIndexOf("/");
      missing.push(at.slice(slash + 1));
      at = at.slice(0, slash);
    }
  }
}
