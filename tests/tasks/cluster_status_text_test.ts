/** `cluster status` as text: a worker whose heartbeats stopped is marked, its steps as what it last said it ran. */
import assert from "node:assert/strict";
import { statusText } from "../../tasks/_cli/cluster_commands.ts";

Deno.test("statusText() marks a worker silent past its heartbeats, and its steps as what it last said", () => {
  // fi14: a killed worker was shown running its step, unmarked, beside the worker that had taken it over.
  const worker = (pid: number, heartbeat: number) => ({
    host: "vm",
    pid,
    concurrency: 2,
    cpu: 1,
    queues: ["steps"],
    wants: null,
    running: [{ step: "v/s1/speech", kind: "speech", queue: "provider-fake", since: 1000 }],
    heartbeat,
    started: 0,
  });
  const text = statusText({
    workers: [worker(1, 4_000), worker(2, 8_000)],
    queues: [],
    silentAfterMs: 4_000,
  }, 9_000);
  const lines = text.split("\n");
  assert.match(lines[1]!, /^ {2}vm:1 .* heartbeat 5\.0s ago \(silent: killed or stuck\?\) {2}running 1/);
  assert.match(lines[2]!, /^ {4}v\/s1\/speech \(speech, provider-fake\) for 8\.0s \(as it last said\)$/);
  assert.match(lines[3]!, /^ {2}vm:2 .* heartbeat 1\.0s ago {2}running 1/);
  assert.match(lines[4]!, /^ {4}v\/s1\/speech \(speech, provider-fake\) for 8\.0s$/);
});
