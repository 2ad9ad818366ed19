/**
 * fitSlidesOn(): slides checked on the workers give what the same check gives on the main thread, in the slides'
 * order, shared between the workers when there are many; a batch the workers fail is checked on this thread, with
 * its own errors.
 */
import assert from "node:assert/strict";
import type { Execution, StepExecutor } from "../../../lib/core/executor.ts";
import type { StepTask } from "../../../lib/core/step_task.ts";
import { checkSlideFits, type SlideText } from "../../../lib/providers/local/slides/check_slide_fit.ts";
import { fitSlidesOn } from "../../../lib/run/slide_fits.ts";
import { WorkerPool } from "../../../lib/workers/worker_pool.ts";

const ffmpeg = { ffmpeg: "/bin/false", ffprobe: "/bin/false" };

const slides: SlideText[] = [
  { width: 320, height: 180, title: "Fits", bullets: ["One **point**"] },
  {
    width: 320,
    height: 180,
    title: "Crowded",
    bullets: Array.from({ length: 8 }, () => "A long point ".repeat(40)),
  },
  { width: 180, height: 320, title: "Tall and fits", bullets: ["A", "B"] },
  { width: 320, height: 180, title: "Wide code", bullets: [], kind: "code", code: "x".repeat(400) },
  { width: 640, height: 360, title: "Big", bullets: ["plain", "*slanted*"] },
];

/** Counts the tasks it is given and runs them on a real pool. */
class CountingExecutor implements StepExecutor {
  readonly tasks: StepTask[] = [];
  constructor(readonly pool: WorkerPool) {}
  execute(task: StepTask, options: { signal: AbortSignal }): Promise<Execution> {
    this.tasks.push(task);
    return this.pool.execute(task, options);
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}

Deno.test("fitSlidesOn() checks slides on the workers as this thread would, shared when there are many", async () => {
  const expected = await Promise.all(slides.map((slide) => checkSlideFits(slide)));
  assert.deepEqual(expected.map((fit) => fit.fits), [true, false, true, false, true]);
  const executor = new CountingExecutor(new WorkerPool({ size: 3 }));
  const batches = () =>
    executor.tasks.splice(0).map((task) => [task.kind, (task.params as { slides: unknown[] }).slides.length]);
  try {
    // A few slides: one worker, the one the CLI started first, checks them all.
    assert.deepEqual(await fitSlidesOn(executor, slides, { workers: 2, ffmpeg }), expected);
    assert.deepEqual(batches(), [["slide-fit", 5]]);
    // Many: every 64 slides one worker more, up to the workers there are, in the slides' order.
    const many = Array.from({ length: 26 }, () => slides).flat();
    assert.deepEqual(
      await fitSlidesOn(executor, many, { workers: 2, ffmpeg }),
      many.map((_, i) => expected[i % 5]),
    );
    assert.deepEqual(batches(), [["slide-fit", 65], ["slide-fit", 65]]);
    assert.deepEqual(
      await fitSlidesOn(executor, many, { workers: 3, ffmpeg }),
      many.map((_, i) => expected[i % 5]),
    );
    assert.deepEqual(batches(), [["slide-fit", 44], ["slide-fit", 43], ["slide-fit", 43]]);
  } finally {
    await executor.close();
  }
});

Deno.test("fitSlidesOn() checks on this thread what the workers could not, with this thread's errors", async () => {
  let calls = 0;
  const failing: StepExecutor = {
    execute: () => {
      calls++;
      return Promise.reject(new Error("worker gone"));
    },
    close: () => Promise.resolve(),
  };
  const expected = await Promise.all(slides.map((slide) => checkSlideFits(slide)));
  assert.deepEqual(await fitSlidesOn(failing, slides, { workers: 3, ffmpeg }), expected);
  assert.equal(calls, 1);
  // 130 slides, three batches: each checked here when its worker fails.
  const many = Array.from({ length: 26 }, () => slides).flat();
  assert.deepEqual(
    await fitSlidesOn(failing, many, { workers: 3, ffmpeg }),
    many.map((_, i) => expected[i % 5]),
  );
  assert.equal(calls, 4);
  // A slide the check itself refuses fails as it does here, not as "worker gone".
  await assert.rejects(
    fitSlidesOn(failing, [{ width: 0, height: 180, title: "No", bullets: [] }], { workers: 2, ffmpeg }),
    RangeError,
  );
});
