import assert from "node:assert/strict";
import { variantGraph } from "../../../../lib/jobs/variants/variant_filters.ts";

const SET = {
  size: null,
  fit: "crop" as const,
  focus: { x: 0.5, y: 0.5 },
  background: "#000000",
  trim: { start: 0, duration: null },
  speed: 1,
  fps: null,
  zoom: 1,
  rotate: 0,
  mirror: false,
  color: { brightness: 0, contrast: 1, saturation: 1, hue: 0 },
  audio: { gain: 0, loudness: null, mute: false },
};

function textGraph(width: number, rendition: number | null, ems: number) {
  const overlay = {
    kind: "text" as const,
    text: "x",
    position: "top-left" as const,
    size: 0.2,
    color: "#ffffff",
    opacity: 1,
    font: "f",
  };
  return variantGraph({ ...SET, overlay }, {
    input: { width, height: (width * 9) / 16 },
    audio: false,
    duration: 1,
    rendition: { name: rendition === null ? null : `${rendition}p`, height: rendition, bitrate: null },
    encoderFilter: "format=yuv420p",
    fontFile: "/f.ttf",
    textFile: "/t.txt",
    textEms: ems,
  });
}

Deno.test("variantGraph() fits overlay text to the frame it is drawn in, before a rendition's scale", () => {
  // 30 ems in a 1280-px frame (29-px margins): 40 px, whole. Before, its warning measured the 320-px rendition
  // ("cut at the edges" while the text was whole).
  const scaled = textGraph(1280, 180, 30);
  assert.deepEqual(scaled.text, { frame: { width: 1280, height: 720 }, fits: true });
  assert.match(scaled.graph, /fontsize=40:/);
  // Too long even at 8 px in a 160-px frame: drawn cut, and said so.
  assert.deepEqual(textGraph(160, null, 30).text, { frame: { width: 160, height: 90 }, fits: false });
});
