/** `reel transcribe`'s recordings named as ids: their outputs tell which recording they are of. */
import assert from "node:assert/strict";
import { recordingId, transcribeWorkflow } from "../../tasks/_cli/_transcribe_workflow.ts";

Deno.test("recordingId() keeps a name's letters without their accents, and tells names of other scripts apart", () => {
  assert.equal(recordingId("talks/My Talk.mp3"), "my-talk");
  // Before: `n-c-d`.
  assert.equal(recordingId("Ünï Cödé.wav"), "uni-code");
  assert.equal(recordingId("Straße.wav"), "strasse");
  // Before: both `recording`, then `recording-2`.
  const [one, two] = [recordingId("録音.wav"), recordingId("講義.wav")];
  assert.match(one, /^recording-[0-9a-f]{8}$/);
  assert.match(two, /^recording-[0-9a-f]{8}$/);
  assert.notEqual(one, two);
  assert.equal(recordingId("-.wav"), "recording-3973e022");
  assert.notEqual(recordingId("講義 2.wav"), recordingId("録音 2.wav"));
  assert.equal(recordingId("2024-05-01.wav"), "2024-05-01");
});

Deno.test("transcribeWorkflow() numbers a second recording of the same id", () => {
  const workflow = transcribeWorkflow(
    ["a/Talk.mp3", "b/talk.wav", "Ünï.wav"],
    { engine: "pocketsphinx" } as never,
  );
  assert.deepEqual(workflow.transcribe?.map((entry) => entry.id), ["talk", "talk-2", "uni"]);
});

Deno.test("transcribeWorkflow() shortens a long name to an id, its second too, as variants' output stems are", async () => {
  // fi4: a name of 101 characters was refused "at --id (the command line)", an option transcribe does not have.
  const long = `talks/${"a".repeat(101)}.wav`;
  const ids = transcribeWorkflow([long, long.toUpperCase()], { engine: "pocketsphinx" } as never).transcribe!
    .map((entry) => entry.id);
  assert.match(ids[0]!, /^a{91}-[0-9a-f]{8}$/);
  assert.ok(ids[1]!.length <= 100 && ids[1] !== ids[0], ids[1]);
  const { resolveWorkflow } = await import("../../lib/workflow/resolve_workflow.ts");
  const { WorkflowError } = await import("../../lib/core/errors.ts");
  // The recordings are not there (that is said), but no id is refused.
  const issues = await resolveWorkflow(
    transcribeWorkflow([long, long.toUpperCase()], { engine: "pocketsphinx" } as never),
    { file: "(the command line)", moduleUrl: `file://${Deno.cwd()}/x.ts` },
  ).then(() => [], (error: unknown) => error instanceof WorkflowError ? error.issues : Promise.reject(error));
  assert.ok(issues.length > 0);
  assert.deepEqual(issues.filter((issue) => issue.path.endsWith(".id")), []);
});
