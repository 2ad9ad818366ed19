/**
 * The shape every progress renderer shares, so the CLI can pick one and feed it events.
 * @module
 */
import type { RunEvent } from "../run/run_events.ts";

/**
 * A renderer of run events: {@linkcode TerminalView}, {@linkcode PlainView} or {@linkcode JsonLines}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunView } from "./run_view.ts";
 * const seen: string[] = [];
 * const view: RunView = { update: (event) => void seen.push(event.type), finish: () => {} };
 * view.update({ type: "run:started", at: 0, total: 3, workers: 2, stored: 0, kinds: {} });
 * view.finish();
 * assert(seen[0] === "run:started");
 * ```
 */
export interface RunView {
  /** Takes one event, in the order the run emitted them. */
  update(event: RunEvent): void;
  /** Called once after the last event (normally `run:finished`), before the summary is written. */
  finish(): void;
}
