/**
 * The example lesson: one narrated video in three formats, rendered locally (no key, no server).
 *
 *   deno task render workflows/lesson.ts
 */
import { workflow } from "../mod.ts";

export default workflow({
  name: "lesson",
  formats: ["16:9", "9:16", "1:1"],
  theme: { background: "#1e3a5f", foreground: "#ffffff", accent: "#ffcc4d" },
  limits: { videos: 2, sections: 4, api: 2, global: 8 },
  transition: { type: "fade", duration: 0.5 },
  captions: { burn: true },
  videos: [
    {
      id: "how-rain-forms",
      title: "How rain forms",
      sections: [
        {
          id: "intro",
          title: "How rain forms",
          bullets: ["Water is always moving", "Sun, air and cold do the work"],
          narration:
            "Every drop of rain has travelled a long way. In this short lesson we follow water from the sea to the sky and back again.",
        },
        {
          id: "evaporation",
          title: "Evaporation",
          bullets: ["The sun warms the sea", "Water turns into vapour", "Warm air carries it up"],
          narration:
            "The sun warms the surface of seas, lakes and rivers. Some of the water turns into an invisible gas called water vapour, and warm air carries it upwards.",
          background: "#1f4e3d",
        },
        {
          id: "condensation",
          title: "Condensation",
          bullets: ["Air cools as it rises", "Vapour becomes tiny droplets", "Droplets gather into clouds"],
          narration:
            "As the air rises it cools down. Cold air cannot hold as much vapour, so the vapour condenses into tiny droplets, and billions of droplets make a cloud.",
          background: "#4a3b6b",
        },
        {
          id: "precipitation",
          title: "Precipitation",
          bullets: ["Droplets collide and grow", "Heavy drops fall as rain", "The cycle starts again"],
          narration:
            "Inside the cloud, droplets bump into each other and grow. When they are too heavy for the air to hold, they fall as rain, and the cycle begins again.",
          background: "#6b3b3b",
        },
      ],
    },
  ],
});
