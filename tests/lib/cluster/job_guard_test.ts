import assert from "node:assert/strict";
import { type ClusterJob, jobIdOf } from "../../../lib/cluster/cluster_job.ts";
import type { EngineEntry } from "../../../lib/cluster/engine_mismatch.ts";
import { JobGuard, JobRefusedError } from "../../../lib/cluster/job_guard.ts";
import type { Json } from "../../../lib/core/json.ts";
import { readModuleGraph } from "../../../lib/schema/module_graph.ts";
import { sha256File } from "../../../lib/core/sha256.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { storeIdentity } from "../../../lib/store/store_identity.ts";
import { testClusterJob } from "../../_support/cluster_job_fixture.ts";

const KEY = "a".repeat(64);
const KINDS = new Map([["custom", { version: 1 }], ["speech", { version: 3 }]]);
/** A worker whose ffmpeg and espeak-ng are these, and which has no other local engine. */
const HERE: Partial<Record<EngineEntry, string>> = { ffmpeg: "ffmpeg 5.1", espeak: "eSpeak NG 1.51" };
const ENGINES = { identity: (entry: EngineEntry) => Promise.resolve(HERE[entry] ?? null) };

function guardOf(options: { allowRoots?: string[]; store?: string | null } = {}): JobGuard {
  return new JobGuard({
    allowRoots: options.allowRoots ?? [],
    store: options.store ?? null,
    kinds: KINDS,
    engines: ENGINES,
  });
}

/** A job's id (from its store and key) and its data, as a worker reads them from Redis. */
function idAnd(data: unknown): [string, unknown] {
  return [jobIdOf(data as ClusterJob), data];
}

function job(
  overrides: {
    runtime?: Record<string, string>;
    store?: string;
    modules?: Record<string, string>;
    kind?: string;
    version?: number;
    engine?: Json;
  },
) {
  return testClusterJob({
    store: overrides.store ?? "s3://bucket/prefix",
    modules: overrides.modules ?? {},
    task: {
      id: "s",
      kind: overrides.kind ?? "custom",
      version: overrides.version ?? KINDS.get(overrides.kind ?? "custom")?.version ?? 1,
      key: KEY,
      runtime: overrides.runtime ?? {},
      engine: overrides.engine ?? null,
      provider: null,
    },
  });
}

Deno.test("JobGuard takes a store inside its roots or an S3 one, and refuses a store elsewhere or a path that climbs out", async () => {
  const root = await Deno.realPath(await tempDir());
  const guard = guardOf({ allowRoots: [root] });
  assert.equal((await guard.check(...idAnd(job({ store: `${root}/.reel` })))).store, `${root}/.reel`);
  assert.equal((await guard.check(...idAnd(job({ store: "s3://b/p" })))).store, "s3://b/p");
  await assert.rejects(guard.check(...idAnd(job({ store: "/etc" }))), JobRefusedError);
  await assert.rejects(
    guard.check(...idAnd(job({ store: `${root}/missing/../../etc` }))),
    /outside the folders/,
  );
  await Deno.symlink("/etc", `${root}/link`);
  await assert.rejects(guard.check(...idAnd(job({ store: `${root}/link/store` }))), /outside the folders/);
  const pinned = guardOf({ store: "/mnt/shared" });
  assert.equal((await pinned.check(...idAnd(job({ store: "/anywhere" })))).store, "/mnt/shared");
});

Deno.test("JobGuard with --store takes only jobs of the store it mounts, told by the folder's store-id", async () => {
  // Before: a worker with --store took every job and wrote its artifact into its own store, and the render of the
  // other store failed ("reported the artifact stored, but the store lacks it").
  const mount = await tempDir();
  const pinned = guardOf({ store: mount });
  const refused = async (data: ClusterJob, said: RegExp) => {
    const error = await pinned.check(...idAnd(data)).then(() => null, (error: unknown) => error);
    assert.ok(error instanceof JobRefusedError && error.elsewhere, String(error));
    assert.match(error.message, said);
    return error;
  };
  // Its folder has no id yet: a job that names one is another store's.
  await refused(
    { ...job({ store: "/coordinator/store" }), storeId: "x" },
    /its store \/coordinator\/store is not the store this worker has at .* \(--store\): .* has no store-id file/,
  );
  const id = (await storeIdentity(mount, { make: true }))!;
  assert.equal(
    (await pinned.check(...idAnd({ ...job({ store: "/coordinator/store" }), storeId: id }))).store,
    mount,
  );
  const other = await refused(
    { ...job({ store: "/other/store" }), storeId: "another" },
    /their store-id files differ/,
  );
  // Said of every job of that store, told by its id (rv23: by its path, two coordinators' stores at one path were one).
  assert.equal(other.sameFor, "store /other/store another");
  // A bucket is named alike everywhere (a trailing slash aside): a folder mount takes none.
  const bucket = guardOf({ store: "s3://bucket/prefix/" });
  assert.equal(
    (await bucket.check(...idAnd(job({ store: "s3://bucket/prefix" })))).store,
    "s3://bucket/prefix/",
  );
  await refused(job({ store: "s3://bucket/prefix" }), /its store s3:\/\/bucket\/prefix is not the store/);
  // A job of a coordinator that sends no id is taken, as before.
  assert.equal((await pinned.check(...idAnd(job({ store: "/anywhere" })))).store, mount);
});

Deno.test("JobGuard refuses a store it cannot write, for another worker to take, and leaves no file in one it can", async () => {
  const root = await Deno.realPath(await tempDir());
  const guard = guardOf({ allowRoots: [root] });
  await Deno.writeTextFile(`${root}/file`, "a file where the shared folder should be mounted");
  const refused = await guard.check(...idAnd(job({ store: `${root}/file/store` }))).then(
    () => assert.fail("not refused"),
    (error: unknown) => error,
  );
  assert.ok(refused instanceof JobRefusedError);
  assert.ok(refused.elsewhere);
  // Not said of the store's other jobs: it may pass, and is tried again at each (rv23).
  assert.equal(refused.sameFor, null);
  assert.match(
    refused.reason,
    new RegExp(`^its store ${root}/file/store cannot be written by this worker: .*file`),
  );
  await Deno.mkdir(`${root}/store`);
  assert.equal((await guard.check(...idAnd(job({ store: `${root}/store` })))).store, `${root}/store`);
  assert.deepEqual([...Deno.readDirSync(`${root}/store`)], []);
});

Deno.test("JobGuard refuses malformed data, unknown kinds, ids that are not the key, and the worker's own secrets as key variables", async () => {
  const guard = guardOf();
  await assert.rejects(
    guard.check(...idAnd({ ...job({}), task: { ...job({}).task, engine: undefined } })),
    /malformed/,
  );
  await assert.rejects(guard.check(...idAnd(job({ kind: "clip" }))), /no step kind "clip"/);
  const speech = job({ kind: "speech" });
  await assert.rejects(guard.check("b".repeat(64), speech), /its id is not its step's key and store/);
  // A job queued for another store under this one's id (or a version 2 job, named by its key alone).
  await assert.rejects(guard.check(jobIdOf({ ...speech, store: "/b" }), speech), /its id is not/);
  await assert.rejects(guard.check(KEY, speech), /its id is not/);
  for (const keyEnv of ["REDIS_URL", "AWS_SECRET_ACCESS_KEY", "REEL_CACHE"]) {
    const leaking = { ...speech, task: { ...speech.task, runtime: { keyEnv } } };
    await assert.rejects(guard.check(...idAnd(leaking)), new RegExp(`names ${keyEnv}`));
  }
  const fine = { ...speech, task: { ...speech.task, runtime: { keyEnv: "OPENAI_API_KEY" } } };
  assert.equal((await guard.check(...idAnd(fine))).job.task.kind, "speech");
});

Deno.test("JobGuard runs workflow code only under its roots and with the coordinator's digest, and refuses a module changed since it was loaded", async () => {
  const root = await Deno.realPath(await tempDir());
  const module = `file://${root}/steps.ts`;
  await Deno.writeTextFile(`${root}/steps.ts`, "export default {};\n");
  const guard = guardOf({ allowRoots: [root] });
  const digest = (await readModuleGraph(module)).digest;
  await guard.check(...idAnd(job({ runtime: { module }, modules: { [module]: digest } })));
  await assert.rejects(
    guard.check(...idAnd(job({ runtime: { module }, modules: {} }))),
    /no digest was sent/,
  );
  await assert.rejects(
    guard.check(...idAnd(job({ runtime: { module: "https://evil.example/x.ts" } }))),
    /not a local file/,
  );
  await Deno.writeTextFile(`${root}/steps.ts`, "export default { changed: true };\n");
  await assert.rejects(
    guard.check(...idAnd(job({ runtime: { module }, modules: { [module]: digest } }))),
    /hashes to .*: it or a file it imports is not what the render planned/,
  );
  const changed = (await readModuleGraph(module)).digest;
  await assert.rejects(
    guard.check(...idAnd(job({ runtime: { module }, modules: { [module]: changed } }))),
    /changed since this worker loaded it/,
  );
});

Deno.test("JobGuard names the file that changed since it loaded a module: one the module imports", async () => {
  const root = await Deno.realPath(await tempDir());
  const module = `file://${root}/steps.ts`;
  await Deno.writeTextFile(`${root}/data.ts`, "export const data = 1;\n");
  await Deno.writeTextFile(
    `${root}/steps.ts`,
    'import { data } from "./data.ts";\nexport default { data };\n',
  );
  const guard = guardOf({ allowRoots: [root] });
  const first = await readModuleGraph(module);
  await guard.check(...idAnd(job({ runtime: { module }, modules: { [module]: first.digest } })));
  await Deno.writeTextFile(`${root}/data.ts`, "export const data = 5;\n");
  const edited = await readModuleGraph(module);
  // fi13: the module was named, where its helper had changed.
  await assert.rejects(
    guard.check(...idAnd(job({ runtime: { module }, modules: { [module]: edited.digest } }))),
    /module \S+steps\.ts changed since this worker loaded it \(data\.ts\): this worker runs the code it loaded first, so restart it/,
  );
});

Deno.test("JobGuard refuses a custom step whose declared file is not the coordinator's here, or is missing", async () => {
  const root = await Deno.realPath(await tempDir());
  const module = `file://${root}/steps.ts`;
  await Deno.writeTextFile(`${root}/steps.ts`, "export default {};\n");
  await Deno.writeTextFile(`${root}/data.csv`, "a,b\n");
  const guard = guardOf({ allowRoots: [root] });
  const modules = { [module]: (await readModuleGraph(module)).digest };
  const withFiles = (files: Record<string, string>) =>
    idAnd(job({ runtime: { module }, modules, engine: { version: "1", source: "() => 1", files } }));
  await guard.check(...withFiles({ "data.csv": await sha256File(`${root}/data.csv`) }));
  // Before: run, and its output stored under the coordinator's key, made from this worker's copy of the file.
  await assert.rejects(
    guard.check(...withFiles({ "data.csv": "f".repeat(64) })),
    (error: unknown) =>
      error instanceof JobRefusedError && error.elsewhere &&
      error.message.includes(`step "s" reads ${root}/data.csv, which hashes to`),
  );
  await assert.rejects(
    guard.check(...withFiles({ "gone.csv": "f".repeat(64) })),
    /gone\.csv, which this worker does not have/,
  );
});

Deno.test("JobGuard refuses a job of another data version or step kind version, naming both versions", async () => {
  const guard = guardOf();
  await assert.rejects(
    guard.check(...idAnd({ ...job({}), version: 1 })),
    /Refused job a{12}: its data is of version 1, and this worker reads version 4/,
  );
  const older = job({ kind: "speech", version: 4 });
  const refused = await guard.check(...idAnd(older)).then(() => null, (error: unknown) => error);
  assert.ok(refused instanceof JobRefusedError);
  assert.equal(
    refused.message,
    'Refused job aaaaaaaaaaaa: step "s" was planned with version 4 of step kind "speech", but this worker has version 3: run the coordinator\'s reel here, or run this worker elsewhere',
  );
});

Deno.test("JobGuard refuses a step planned with another local engine than the worker's, and runs one that matches", async () => {
  const guard = guardOf();
  const matching = job({ kind: "speech", engine: { id: "local/espeak@1", espeak: "eSpeak NG 1.51" } });
  assert.equal((await guard.check(...idAnd(matching))).job.task.kind, "speech");
  const other = job({ kind: "speech", engine: { id: "local/espeak@1", espeak: "eSpeak NG 1.52" } });
  const refused = await guard.check(...idAnd(other)).then(() => null, (error: unknown) => error);
  assert.ok(refused instanceof JobRefusedError);
  assert.equal(
    refused.message,
    'Refused job aaaaaaaaaaaa: step "s" was planned with espeak-ng "eSpeak NG 1.52", but this worker has "eSpeak NG 1.51": install the same version here, or run this worker elsewhere',
  );
  // A provider's API and a custom step's code are not local engines.
  const api = job({
    kind: "speech",
    engine: { api: "openai", baseUrl: "http://x", version: null, ffmpeg: "ffmpeg 5.1" },
  });
  assert.equal((await guard.check(...idAnd(api))).job.task.id, "s");
  await assert.rejects(
    guard.check(...idAnd(job({ engine: { digest: "d", renderer: "resvg 2" } }))),
    /this worker has none/,
  );
});

Deno.test("JobGuard's refusals say whether another worker may run the job: for the worker's reasons, not the job's own", async () => {
  const root = await Deno.realPath(await tempDir());
  const guard = guardOf({ allowRoots: [root] });
  const refusal = (data: unknown) =>
    guard.check(...idAnd(data)).then(() => assert.fail("not refused"), (error: unknown) => {
      assert.ok(error instanceof JobRefusedError);
      return { elsewhere: error.elsewhere, reason: error.reason };
    });
  const speech = job({ kind: "speech" });
  // This worker's: its engines, its step kinds, its data version, the folders it was allowed.
  const engine = await refusal(job({ kind: "speech", engine: { espeak: "eSpeak NG 1.52" } }));
  assert.equal(engine.elsewhere, true);
  assert.ok(engine.reason.startsWith('step "s" was planned with espeak-ng'));
  assert.ok((await refusal(job({ kind: "speech", version: 4 }))).elsewhere);
  assert.ok((await refusal(job({ kind: "clip" }))).elsewhere);
  assert.ok((await refusal({ ...job({}), version: 1 })).elsewhere);
  assert.ok((await refusal(job({ store: "/etc" }))).elsewhere);
  // The job's own: every worker would refuse it.
  assert.ok(!(await refusal({ ...speech, task: { ...speech.task, engine: undefined } })).elsewhere);
  assert.ok(
    !(await refusal({ ...speech, task: { ...speech.task, runtime: { keyEnv: "REDIS_URL" } } })).elsewhere,
  );
  assert.ok(!(await refusal(job({ store: "relative/store" }))).elsewhere);
  assert.ok(!(await refusal(job({ runtime: { module: "https://evil.example/x.ts" } }))).elsewhere);
});

Deno.test("JobGuard names the imported file whose bytes differ from the coordinator's", async () => {
  // fi14: "it or a file it imports" was all a worker could say.
  const root = await Deno.realPath(await tempDir());
  const module = `file://${root}/steps.ts`;
  await Deno.writeTextFile(`${root}/steps.ts`, 'import { rows } from "./data.ts";\nexport default rows;\n');
  await Deno.writeTextFile(`${root}/data.ts`, "export const rows = [1];\n");
  const { digest, parts } = await readModuleGraph(module);
  await Deno.writeTextFile(`${root}/data.ts`, "export const rows = [2];\n");
  const guard = guardOf({ allowRoots: [root] });
  const planned = job({ runtime: { module }, modules: { [module]: digest } });
  await assert.rejects(
    guard.check(...idAnd({ ...planned, moduleParts: { [module]: parts } })),
    /module .*steps\.ts hashes to \w+ here, not \w+ as the coordinator's: data\.ts is not what the render planned/,
  );
});
