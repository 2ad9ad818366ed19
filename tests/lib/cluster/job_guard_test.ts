import assert from "node:assert/strict";
import type { ClusterJob } from "../../../lib/cluster/cluster_job.ts";
import { JobGuard, JobRefusedError } from "../../../lib/cluster/job_guard.ts";
import { readModuleGraph } from "../../../lib/schema/module_graph.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const KEY = "a".repeat(64);

function job(
  overrides: { runtime?: Record<string, string>; store?: string; modules?: Record<string, string> },
) {
  const data: ClusterJob = {
    version: 1,
    run: "r",
    attempt: "a",
    coordinator: "h:1",
    store: overrides.store ?? "s3://bucket/prefix",
    task: {
      id: "s",
      kind: "custom",
      key: KEY,
      params: null,
      runtime: overrides.runtime ?? {},
      inputIds: [],
      inputs: [],
      output: null,
      blocking: false,
      provider: null,
      cpu: false,
    },
    modules: overrides.modules ?? {},
  };
  return data;
}

Deno.test("JobGuard takes a store inside its roots or an S3 one, and refuses a store elsewhere or a path that climbs out", async () => {
  const root = await Deno.realPath(await tempDir());
  const guard = new JobGuard({ allowRoots: [root], store: null, kinds: new Set(["custom"]) });
  assert.equal((await guard.check(KEY, job({ store: `${root}/.reel` }))).store, `${root}/.reel`);
  assert.equal((await guard.check(KEY, job({ store: "s3://b/p" }))).store, "s3://b/p");
  await assert.rejects(guard.check(KEY, job({ store: "/etc" })), JobRefusedError);
  await assert.rejects(guard.check(KEY, job({ store: `${root}/missing/../../etc` })), /outside the folders/);
  await Deno.symlink("/etc", `${root}/link`);
  await assert.rejects(guard.check(KEY, job({ store: `${root}/link/store` })), /outside the folders/);
  const pinned = new JobGuard({ allowRoots: [], store: "/mnt/shared", kinds: new Set(["custom"]) });
  assert.equal((await pinned.check(KEY, job({ store: "/anywhere" }))).store, "/mnt/shared");
});

Deno.test("JobGuard refuses malformed data, unknown kinds, ids that are not the key, and the worker's own secrets as key variables", async () => {
  const guard = new JobGuard({ allowRoots: [], store: null, kinds: new Set(["speech"]) });
  await assert.rejects(guard.check(KEY, { ...job({}), version: 2 }), /malformed/);
  await assert.rejects(guard.check(KEY, job({})), /no step kind "custom"/);
  const speech = { ...job({}), task: { ...job({}).task, kind: "speech" } };
  await assert.rejects(guard.check("b".repeat(64), speech), /its id is not its step's key/);
  for (const keyEnv of ["REDIS_URL", "AWS_SECRET_ACCESS_KEY", "REEL_CACHE"]) {
    const leaking = { ...speech, task: { ...speech.task, runtime: { keyEnv } } };
    await assert.rejects(guard.check(KEY, leaking), new RegExp(`names ${keyEnv}`));
  }
  const fine = { ...speech, task: { ...speech.task, runtime: { keyEnv: "OPENAI_API_KEY" } } };
  assert.equal((await guard.check(KEY, fine)).job.task.kind, "speech");
});

Deno.test("JobGuard runs workflow code only under its roots and with the coordinator's digest, and refuses a module changed since it was loaded", async () => {
  const root = await Deno.realPath(await tempDir());
  const module = `file://${root}/steps.ts`;
  await Deno.writeTextFile(`${root}/steps.ts`, "export default {};\n");
  const guard = new JobGuard({ allowRoots: [root], store: null, kinds: new Set(["custom"]) });
  const digest = (await readModuleGraph(module)).digest;
  await guard.check(KEY, job({ runtime: { module }, modules: { [module]: digest } }));
  await assert.rejects(guard.check(KEY, job({ runtime: { module }, modules: {} })), /no digest was sent/);
  await assert.rejects(
    guard.check(KEY, job({ runtime: { module: "https://evil.example/x.ts" } })),
    /not a local file/,
  );
  await Deno.writeTextFile(`${root}/steps.ts`, "export default { changed: true };\n");
  await assert.rejects(
    guard.check(KEY, job({ runtime: { module }, modules: { [module]: digest } })),
    /hashes to/,
  );
  const changed = (await readModuleGraph(module)).digest;
  await assert.rejects(
    guard.check(KEY, job({ runtime: { module }, modules: { [module]: changed } })),
    /changed since this worker loaded it/,
  );
});
