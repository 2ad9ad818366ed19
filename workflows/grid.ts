/**
 * Example: montages of images and clips. A 2×4 grid with captions and a soundtrack, and a strip of the same items
 * scrolling from right to left with an ease in and out.
 *
 *   npx -y deno@2.9.6 task render workflows/grid.ts
 */
import { workflow } from "../mod.ts";

export default workflow({
  name: "grid",
  montages: [
    {
      id: "wall",
      layout: "grid",
      items: ["media/tiles/*", { file: "media/sample.mp4", caption: "a clip plays in its cell" }],
      rows: 2,
      cols: 4,
      size: "1280x720",
      duration: 4,
      captions: true, // items without a caption are captioned by their file name
      background: "#1e3a5f",
      audio: { file: "media/sample.mp4", gain: -6 }, // the soundtrack loops to the length and fades out
    },
    {
      id: "strip",
      layout: "scroll",
      items: ["media/tiles/*", "media/sample.mp4"],
      size: "1280x720",
      direction: "left",
      speed: 600, // px/s: the strip's length and the frame's width at this speed give the duration
      easing: "ease-in-out",
      background: "#101010",
    },
  ],
});
