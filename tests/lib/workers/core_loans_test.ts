/** CoreLoans answers each ask once and gives back every slot it was lent, however late the slot comes. */
import assert from "node:assert/strict";
import { CoreLoans } from "../../../lib/workers/_core_loans.ts";
import { Semaphore } from "../../../lib/run/semaphore.ts";

Deno.test("CoreLoans: a slot that comes after its ask was given back goes back at once; a closed step's asks get none", async () => {
  const slots = new Semaphore(1);
  const answers: [number, boolean][] = [];
  const lent = Promise.withResolvers<{ release(): void }>();
  // The first ask's slot comes when the test says; the others', from the semaphore.
  let asked = 0;
  const loans = new CoreLoans(
    (signal) => asked++ === 0 ? lent.promise : slots.acquire({ signal }),
    (loan, granted) => answers.push([loan, granted]),
  );
  loans.ask(1);
  loans.giveBack(1);
  const slot = await slots.acquire();
  let released = false;
  lent.resolve({ release: () => released = true });
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(released, true);
  // Given back before it came: never answered.
  assert.deepEqual(answers, []);
  // An ask waiting for a slot, then the step ends: withdrawn, and the slot freed goes to nobody.
  loans.ask(2);
  loans.close();
  slot.release();
  assert.equal(slots.available, 1);
  loans.ask(3);
  assert.deepEqual(answers, [[3, false]]);
});
