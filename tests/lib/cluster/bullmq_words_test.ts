/** A cluster worker's log tells BullMQ's messages about a job in reel's words, the job by its short id and step. */
import assert from "node:assert/strict";
import { inReelWords, withSteps } from "../../../lib/cluster/cluster_worker.ts";

const id = `${"a".repeat(64)}-${"b".repeat(16)}`;
const step = (job: string) => job === id ? "v/s2/speech" : undefined;
const told = (message: string) => withSteps(inReelWords(message), step);

Deno.test("BullMQ's messages of a job gone, lost or unrenewed are told in reel's words, with the job's step", () => {
  // fi13: "Queue cpu: Missing key for job <80 characters>. moveToFinished", two or three times a job, no step.
  assert.equal(
    told(`Missing key for job ${id}. moveToFinished`),
    'job aaaaaaaaaaaa (step "v/s2/speech") was gone from Redis when this worker went to record it (Redis restarted ' +
      "or flushed?): the coordinator hands its step out again if it still needs it",
  );
  assert.match(
    told(`Missing key for job ${id}. updateProgress`),
    /^job aaaaaaaaaaaa \(step "v\/s2\/speech"\) was gone/,
  );
  for (
    const lost of [
      `Missing lock for job ${id}. moveToFinished`,
      `Lock mismatch for job ${id}. Cmd moveToFinished from active`,
    ]
  ) {
    assert.equal(
      told(lost),
      'job aaaaaaaaaaaa (step "v/s2/speech") was no longer this worker\'s (its lock lapsed: the worker was paused or ' +
        "stalled past --lock-ms), and another worker took it",
    );
  }
  assert.equal(
    told(`could not renew lock for job ${id}`),
    'cannot renew the lock of job aaaaaaaaaaaa (step "v/s2/speech"): if it lapses (--lock-ms), another worker takes ' +
      "the step",
  );
  // A job this worker never ran: its short id alone; any other message as it is.
  assert.match(
    told(`could not renew lock for job ${"c".repeat(64)}-${"d".repeat(16)}`),
    /^cannot renew the lock of job c{12}: if it lapses/,
  );
  assert.equal(told("Connection is closed."), "Connection is closed.");
});
