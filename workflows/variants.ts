/**
 * Example: outputs made from a video by recipes. A built-in recipe (a 9:16 centre crop), a recipe written out (a
 * square with a caption and the loudness normalised), and three variants drawn at random from ranges with a seed:
 * the same seed draws the same variants, so a second render takes them all from the store. Each output has a JSON
 * manifest beside it with every transform applied.
 *
 *   npx -y deno@2.9.6 task render workflows/variants.ts
 */
import { workflow } from "../mod.ts";

export default workflow({
  name: "variants",
  variants: [{
    id: "sample",
    inputs: ["media/sample.mp4"], // files, globs ("media/*.mp4") or folders, relative to this file
    recipes: [
      "vertical", // built-in: 9:16 at 1080×1920, the centre kept
      {
        name: "square",
        format: "720x720",
        fit: "blur", // the whole frame over a blurred copy of itself
        overlay: { text: "made with reel", position: "bottom", size: 0.05 },
        audio: { normalize: true }, // EBU R128, -16 LUFS
      },
      {
        name: "remix",
        trim: { start: 0.5 },
        random: {
          count: 3,
          seed: 7,
          speed: [0.9, 1.15],
          zoom: [1, 1.2],
          color: { saturation: [0.8, 1.3], hue: [-15, 15] },
          mirror: true,
        },
      },
    ],
  }],
});
