import assert from "node:assert/strict";
import { ProgressModel } from "../../../lib/report/progress_model.ts";
import { TerminalView } from "../../../lib/report/terminal_view.ts";

const base = { step: "v/a/vertical", kind: "variant", contentKey: "k" };

Deno.test("the live view shows how far a running encode is, from its step:progress events", () => {
  let text = "";
  const writer = {
    writeSync: (bytes: Uint8Array) => ((text += new TextDecoder().decode(bytes)), bytes.length),
  };
  const view = new TerminalView({ writer, columns: 80 });
  view.update({ type: "run:started", at: 0, total: 1, workers: 1, stored: 0, kinds: {} });
  view.update({ type: "step:started", at: 0, ...base, worker: 1, attempt: 1 });
  view.update({ type: "step:progress", at: 500, ...base, worker: 1, fraction: 0.42 });
  view.render(1000);
  assert.match(text, /worker 1 {2}v\/a\/vertical {2}variant {2}1\.0s {2}42%/);
  view.finish();
});

Deno.test("ProgressModel forgets a step's progress once it settles", () => {
  const model = new ProgressModel();
  model.apply({ type: "step:started", at: 0, ...base, worker: 1, attempt: 1 });
  model.apply({ type: "step:progress", at: 1, ...base, worker: 1, fraction: 0.5 });
  assert.equal(model.fraction(base.step), 0.5);
  model.apply({
    type: "step:finished",
    at: 2,
    ...base,
    worker: 1,
    attempt: 1,
    cached: false,
    elapsed: 2,
    path: null,
  });
  assert.equal(model.fraction(base.step), null);
});
