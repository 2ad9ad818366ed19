/**
 * Publishing deliverables: a step whose plan names an output file gets its artifact copied into the output
 * folder (atomically), and the list of outputs keeps the workflow's order whatever the order steps finish in.
 * @module
 */
import { messageOf } from "../core/errors.ts";
import { publishOutput } from "../store/publish_output.ts";

/** One published output. */
export interface PublishedOutput {
  /** The step that made it. */
  step: string;
  /** Its path in the output folder. */
  path: string;
}

/**
 * Copies deliverables into the output folder and lists them in plan order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OutputPublisher } from "./output_publisher.ts";
 * const publisher = new OutputPublisher(null);
 * assert.equal(await publisher.publish({ step: "a", output: "a.mp4", artifact: "/x", order: 0 }), null);
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
   * Publishes one artifact when its step has an output name.
   *
   * @param item The step, its output name (or null), the artifact's path (or null) and the step's plan order.
   * @returns The published path, or null when there is nothing to publish.
   * @throws {Error} `Cannot write <path>: <why>` when the copy fails.
   */
  async publish(
    item: { step: string; output: string | null; artifact: string | null; order: number },
  ): Promise<string | null> {
    if (item.output === null || item.artifact === null || this.#outDir === null) return null;
    const path = `${this.#outDir}/${item.output}`;
    try {
      await publishOutput(item.artifact, path);
    } catch (error) {
      throw new Error(`Cannot write ${path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    this.#published.push({ step: item.step, path, order: item.order });
    return path;
  }

  /** The outputs written so far, in plan order. */
  outputs(): PublishedOutput[] {
    return [...this.#published].sort((a, b) => a.order - b.order).map(({ step, path }) => ({ step, path }));
  }
}
