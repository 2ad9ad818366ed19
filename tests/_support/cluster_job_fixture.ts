/**
 * A cluster job's data for tests that hand one to a worker's side or a coordinator's wait without a render.
 * @module
 */
import { type ClusterJob, JOB_FORMAT } from "../../lib/cluster/cluster_job.ts";

/**
 * A job of the current format: one attempt of an image step of provider `api`, with no inputs, unless told
 * otherwise (the task's fields one by one).
 *
 * @param fields The job's fields to set, and the task's.
 * @returns The job.
 */
export function testClusterJob(
  fields: Partial<Omit<ClusterJob, "task">> & { task?: Partial<ClusterJob["task"]> } = {},
): ClusterJob {
  const { task, ...job } = fields;
  return {
    version: JOB_FORMAT,
    run: "r",
    attempt: "a",
    coordinator: "h:1",
    store: "/store",
    modules: {},
    ...job,
    task: {
      id: "v/s1/image",
      kind: "image",
      version: 1,
      key: "b".repeat(64),
      params: null,
      runtime: {},
      engine: null,
      inputIds: [],
      inputs: [],
      output: null,
      blocking: false,
      provider: "api",
      cpu: false,
      ...task,
    },
  };
}
