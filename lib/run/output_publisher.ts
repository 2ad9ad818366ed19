/**
 * Publishing deliverables: a step whose plan names an output file gets its artifact copied into the output
 * folder (atomically), and the list of outputs keeps the workflow's order whatever the order steps finish in.
 * @module
 */
import { messageOf } from "../core/errors.ts";
import { PublishError, publishOutputs, stageOutput } from "../store/publish_output.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";

/** One published output. */
export interface PublishedOutput {
  /** The step that made it. */
  step: string;
  /** Its path in the output folder. */
  path: string;
}

/** An output as {@linkcode OutputPublisher.publish} placed it: `unchanged` when the folder held its bytes already. */
export interface WrittenOutput extends PublishedOutput {
  unchanged: boolean;
}

/**
 * Copies deliverables into the output folder and lists them in plan order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OutputPublisher } from "./output_publisher.ts";
 * const publisher = new OutputPublisher(null);
 * assert.deepEqual(await publisher.publish([{ step: "a", output: "a.mp4", artifact: "/x", order: 0 }]), []);
 * assert.deepEqual(publisher.outputs(), []);
 * ```
 */
export class OutputPublisher {
  readonly #outDir: string | null;
  readonly #published: (PublishedOutput & { order: number })[] = [];

  /** @param outDir The output folder, or null to publish nothing. */
  constructor(outDir: string | null) {
    this.#outDir = outDir;
  }

  /**
   * Publishes artifacts that go together (a video and its subtitles), those whose step has an output name: every one
   * is copied before any replaces what the folder held (see `publishOutputs`).
   *
   * @param items Each one's step, output name (or null), artifact's path (or null) and the step's plan order.
   * @returns What was written, in the order given, each `unchanged` when the folder held its bytes already (left as
   *   it was).
   * @throws {Error} `Cannot write <path>: <why>` when a copy or a rename fails.
   */
  async publish(items: readonly OutputItem[]): Promise<WrittenOutput[]> {
    const outDir = this.#outDir;
    if (outDir === null) return [];
    const written = items.flatMap((item) =>
      item.output === null || item.artifact === null
        ? []
        : [{ ...item, artifact: item.artifact, path: `${outDir}/${item.output}` }]
    );
    let unchanged: boolean[];
    try {
      unchanged = await publishOutputs(
        written.map((item) => ({ artifact: item.artifact, destination: item.path, staged: item.staged })),
      );
    } catch (error) {
      throw cannotWrite(error, outDir);
    }
    for (const { step, path, order } of written) this.#published.push({ step, path, order });
    return written.map(({ step, path }, i) => ({ step, path, unchanged: unchanged[i]! }));
  }

  /**
   * Copies an output into the folder under its temporary name now, to be published later with the ones it goes
   * with (see `PlanStep.publishWith`): it no longer needs its store entry then.
   *
   * @param item The output.
   * @returns The item with its temporary name, or as it is when there is nothing to write.
   * @throws {Error} `Cannot write <path>: <why>` when the copy fails.
   */
  async stage(item: OutputItem): Promise<OutputItem> {
    const outDir = this.#outDir;
    if (outDir === null || item.output === null || item.artifact === null) return item;
    try {
      return { ...item, staged: await stageOutput(item.artifact, `${outDir}/${item.output}`) };
    } catch (error) {
      throw cannotWrite(error, outDir);
    }
  }

  /**
   * Removes the temporary copies of outputs that will not be published (what they go with failed, the run ended).
   *
   * @param items Outputs {@linkcode stage} copied.
   */
  async discard(items: readonly OutputItem[]): Promise<void> {
    for (const { staged } of items) if (staged !== undefined) await removeIfExists(staged);
  }

  /** The outputs written so far, in plan order. */
  outputs(): PublishedOutput[] {
    return [...this.#published].sort((a, b) => a.order - b.order).map(({ step, path }) => ({ step, path }));
  }
}

/** An output to publish: its step, output name (or null), artifact's path (or null), plan order, temporary copy. */
export interface OutputItem {
  step: string;
  output: string | null;
  artifact: string | null;
  order: number;
  /** Its copy under a temporary name in the output folder, made ahead (see {@linkcode OutputPublisher.stage}). */
  staged?: string;
}

function cannotWrite(error: unknown, outDir: string): Error {
  const path = error instanceof PublishError ? error.destination : outDir;
  return new Error(`Cannot write ${path}: ${messageOf(error)}`, { cause: error });
}
