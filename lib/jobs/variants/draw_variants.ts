/**
 * The `random` strategy: N distinct transform sets drawn from a recipe's ranges with a seed. The same seed draws the
 * same sets (so their steps' keys, and the store, hold across runs); a different seed draws others.
 * @module
 */
import type { RandomInput } from "./recipe_schema.ts";
import { seededRandom } from "./seeded_random.ts";
import type { TransformSet } from "./variants_schema.ts";

/** How many draws may repeat an earlier one before the ranges are judged too narrow for `count` sets. */
const TRIES_PER_SET = 50;

/**
 * Draws `count` distinct transform sets: each drawn value replaces the base set's, rounded to 3 decimals (mirror is
 * a coin toss when `mirror` is true).
 *
 * @param base The recipe's fixed transforms.
 * @param random The ranges.
 * @param options How many sets, the seed, and the recipe's name (mixed into the seed, so two recipes differ).
 * @returns The sets, or null when the ranges cannot give `count` distinct ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawTransformSets } from "./draw_variants.ts";
 * const base = {
 *   size: null, fit: "crop" as const, focus: { x: 0.5, y: 0.5 }, background: "#000000",
 *   trim: { start: 0, duration: null }, speed: 1, fps: null, zoom: 1, rotate: 0, mirror: false,
 *   color: { brightness: 0, contrast: 1, saturation: 1, hue: 0 }, overlay: null,
 *   audio: { gain: 0, loudness: null, mute: false },
 * };
 * const sets = drawTransformSets(base, { speed: [0.9, 1.1] }, { count: 3, seed: 7, name: "shuffle" });
 * assert.equal(new Set(sets?.map((set) => set.speed)).size, 3);
 * assert.deepEqual(sets, drawTransformSets(base, { speed: [0.9, 1.1] }, { count: 3, seed: 7, name: "shuffle" }));
 * ```
 */
export function drawTransformSets(
  base: TransformSet,
  random: RandomInput,
  options: { count: number; seed: number | string; name: string },
): TransformSet[] | null {
  const next = seededRandom(`${options.seed}/${options.name}`);
  const pick = (range: readonly [number, number] | undefined, fallback: number) =>
    range === undefined ? fallback : Math.round((range[0] + next() * (range[1] - range[0])) * 1000) / 1000;
  const sets: TransformSet[] = [];
  const seen = new Set<string>();
  for (let tries = 0; sets.length < options.count && tries < options.count * TRIES_PER_SET; tries++) {
    const colour = random.color;
    const set: TransformSet = {
      ...base,
      speed: pick(random.speed, base.speed),
      zoom: pick(random.zoom, base.zoom),
      rotate: pick(random.rotate, base.rotate),
      trim: { ...base.trim, start: pick(random.trimStart, base.trim.start) },
      color: {
        brightness: pick(colour?.brightness, base.color.brightness),
        contrast: pick(colour?.contrast, base.color.contrast),
        saturation: pick(colour?.saturation, base.color.saturation),
        hue: pick(colour?.hue, base.color.hue),
      },
      mirror: random.mirror === true ? next() < 0.5 : base.mirror,
      audio: { ...base.audio, gain: pick(random.gain, base.audio.gain) },
    };
    const text = JSON.stringify(set);
    if (seen.has(text)) continue;
    seen.add(text);
    sets.push(set);
  }
  return sets.length === options.count ? sets : null;
}
