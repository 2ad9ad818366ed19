/** `cluster status` as text: a worker whose heartbeats stopped is marked, its steps as what it last said it ran. */
import assert from "node:assert/strict";
import { statusText } from "../../tasks/_cli/cluster_commands.ts";

Deno.test("statusText() marks a worker silent past its heartbeats, and its steps as what it last said", () => {
  // fi14: a killed worker was shown running its step, unmarked, beside the worker that had taken it over.
  // Each worker's clock its own: the first's is a minute ahead of the second's, which says nothing of silence.
  const worker = (pid: number, heartbeat: number, ageMs: number) => ({
    host: "vm",
    pid,
    concurrency: 2,
    cpu: 1,
    queues: ["steps"],
    wants: null,
    running: [{ step: "v/s1/speech", kind: "speech", queue: "provider-fake", since: heartbeat - 3_000 }],
    heartbeat,
    started: 0,
    ageMs,
  });
  const text = statusText({
    workers: [worker(1, 64_000, 5_000), worker(2, 8_000, 1_000)],
    queues: [],
    silentAfterMs: 4_000,
  });
  const lines = text.split("\n");
  assert.match(lines[1]!, /^ {2}vm:1 .* heartbeat 5\.0s ago \(silent: killed or stuck\?\) {2}running 1/);
  assert.match(lines[2]!, /^ {4}v\/s1\/speech \(speech, provider-fake\) for 8\.0s \(as it last said\)$/);
  assert.match(lines[3]!, /^ {2}vm:2 .* heartbeat 1\.0s ago {2}running 1/);
  assert.match(lines[4]!, /^ {4}v\/s1\/speech \(speech, provider-fake\) for 4\.0s$/);
});
