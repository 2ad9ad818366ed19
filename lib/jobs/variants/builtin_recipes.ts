/**
 * The recipes reel ships with, named on the command line (`--recipe vertical`) or in a workflow's `recipes`.
 * @module
 */
import type { RecipeInput } from "./recipe_schema.ts";

/**
 * The built-in recipes by name.
 *
 * - `web`: the input's size and rate, H.264 at constant quality, loudness normalised: the batch transcode.
 * - `vertical`: 9:16 (1080×1920), the centre of the frame kept (a smart centre crop).
 * - `square`: 1:1 (1080×1080), centre crop.
 * - `widescreen`: 16:9 (1920×1080), the whole frame over a blurred copy of itself.
 * - `ladder`: 1080p, 720p and 480p renditions at 5, 2.8 and 1.4 Mbit/s.
 * - `hls`: the ladder, packaged for HLS (a master playlist and one per rendition).
 * - `shuffle`: 5 variants drawn with seed 1 from small changes of speed, zoom, colour, mirror, start and gain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_RECIPES } from "./builtin_recipes.ts";
 * assert.equal(BUILTIN_RECIPES.vertical?.format, "9:16");
 * ```
 */
export const BUILTIN_RECIPES: Readonly<Record<string, RecipeInput>> = {
  web: { name: "web", audio: { normalize: true } },
  vertical: { name: "vertical", format: "9:16", fit: "crop" },
  square: { name: "square", format: "1:1", fit: "crop" },
  widescreen: { name: "widescreen", format: "16:9", fit: "blur" },
  ladder: {
    name: "ladder",
    format: "16:9",
    fit: "pad",
    renditions: [{ height: 1080, bitrate: "5M" }, { height: 720, bitrate: "2.8M" }, {
      height: 480,
      bitrate: "1.4M",
    }],
  },
  hls: {
    name: "hls",
    format: "16:9",
    fit: "pad",
    renditions: [{ height: 1080, bitrate: "5M" }, { height: 720, bitrate: "2.8M" }, {
      height: 480,
      bitrate: "1.4M",
    }],
    hls: true,
  },
  shuffle: {
    name: "shuffle",
    random: {
      count: 5,
      seed: 1,
      speed: [0.95, 1.05],
      zoom: [1, 1.1],
      trimStart: [0, 1],
      gain: [-2, 2],
      color: { brightness: [-0.05, 0.05], contrast: [0.95, 1.1], saturation: [0.9, 1.2], hue: [-8, 8] },
      mirror: true,
    },
  },
};
