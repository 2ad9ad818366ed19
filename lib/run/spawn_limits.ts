/**
 * The bounds on steps added at run time: how deep spawned steps may nest and how many a run may add. A step that
 * spawns itself without end then fails, named, and the run ends by itself instead of growing until memory runs
 * out. Past the depth, only the step that spawned fails; past the run's count, the run stops (its other steps are
 * cancelled), as every step that spawned after it would fail too, each with its own message. The count holds the
 * children of steps whose code decides how many they spawn (custom steps), not those of a kind whose input fixes
 * their number (a recording's chunks, from its length: see `StepKindDefinition.finiteChildren`), which cannot
 * spawn without end: a recording of any length is heard whole.
 * @module
 */

/** How far steps may spawn children in one run. */
export interface SpawnLimits {
  /** The most levels of spawned steps under a planned step (a child is 1, its child 2). @default 32 */
  depth: number;
  /**
   * The most children the steps whose code decides their number (custom steps) may spawn in one run, all together;
   * a kind whose input fixes its children's number (a recording's chunks) is not counted. @default 50_000
   */
  children: number;
}

/**
 * The bounds a run holds to: tens of thousands of custom children (a large data set's parts) and a recursive split
 * 32 levels deep pass; a step that spawns itself forever stops at the 32nd level, or at the 50,000th child.
 */
export const SPAWN_LIMITS: Readonly<SpawnLimits> = { depth: 32, children: 50_000 };

/** What a step that just spawned children is, for {@linkcode spawnRefusal}. */
export interface Spawning {
  /** The spawning step's id. */
  step: string;
  /** Its level: 0 for a planned step, 1 for a child, 2 for a child's child. */
  depth: number;
  /** How many children it spawned. */
  count: number;
  /** How many counted children (see `counted`) the run's steps spawned before it. */
  spawnedBefore: number;
  /**
   * False when the step's input fixes how many children it spawns (its kind's `finiteChildren`: a recording's
   * chunks): they are not held to the run's count of children, only to the depth. @default true
   */
  counted?: boolean;
}

/** Why a step's children may not join the run: the bound they pass, and the message the step fails with. */
export interface SpawnRefusal {
  /** The bound passed: `depth` fails the step alone; `children` stops the run (see `SpawnLimits`). */
  bound: keyof SpawnLimits;
  /** The message, naming the step and the bound. */
  message: string;
}

/**
 * Tells why a step's children may not join the run, or null when they may.
 *
 * @param spawning The step, its level, its children's count and the run's count before them.
 * @param limits The bounds. @default SPAWN_LIMITS
 * @returns The bound passed and the message the step fails with, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spawnRefusal } from "./spawn_limits.ts";
 * assert.equal(spawnRefusal({ step: "split", depth: 0, count: 4, spawnedBefore: 0 }), null);
 * const refusal = spawnRefusal({ step: "k", depth: 32, count: 1, spawnedBefore: 32 });
 * assert.equal(refusal?.bound, "depth");
 * assert.match(refusal!.message, /spawned steps may nest at most 32 levels deep/);
 * // A recording's 60,000 chunks: their number is fixed by its length, not counted.
 * assert.equal(spawnRefusal({ step: "talk/split", depth: 0, count: 60_000, spawnedBefore: 0, counted: false }), null);
 * ```
 */
export function spawnRefusal(spawning: Spawning, limits: SpawnLimits = SPAWN_LIMITS): SpawnRefusal | null {
  const { step, depth, count, spawnedBefore, counted = true } = spawning;
  if (count === 0) return null;
  if (depth + 1 > limits.depth) {
    return {
      bound: "depth",
      message:
        `Step "${step}" spawned children ${depth + 1} levels below a planned step: spawned steps may ` +
        `nest at most ${limits.depth} levels deep (does a step spawn itself without end?)`,
    };
  }
  if (counted && spawnedBefore + count > limits.children) {
    return {
      bound: "children",
      message: `Step "${step}" spawned ${count} children, making ${spawnedBefore + count} spawned in this ` +
        `run: a run may spawn at most ${limits.children} children (does a step spawn without end?); the run ` +
        `stopped`,
    };
  }
  return null;
}
