/**
 * A small course: three videos whose slide images and narration come from an OpenAI-compatible API.
 * The base URL and key come from OPENAI_BASE_URL and OPENAI_API_KEY.
 *
 *   deno task fake-api &                                  # a local compatible server, no key needed
 *   OPENAI_BASE_URL=http://127.0.0.1:8787 deno task render workflows/course.ts
 *   deno task reel estimate workflows/course.ts           # calls, least time, cost: calls nothing
 */
import { workflow } from "../mod.ts";

const lessons = [
  {
    id: "fractions",
    topics: [
      [
        "What a fraction is",
        "A fraction names a part of a whole: the bottom number says how many equal parts, the top how many we take.",
      ],
      [
        "Equal fractions",
        "One half and two quarters are the same amount: multiply the top and the bottom by the same number.",
      ],
      ["Adding fractions", "To add fractions, give them the same bottom number first, then add the tops."],
    ],
  },
  {
    id: "magnets",
    topics: [
      ["Two poles", "Every magnet has a north pole and a south pole, even when you break it in half."],
      ["Push and pull", "Opposite poles pull together and matching poles push apart."],
      [
        "The Earth is a magnet",
        "A compass needle is a small magnet that lines up with the Earth's own magnetic field.",
      ],
    ],
  },
  {
    id: "volcanoes",
    topics: [
      ["Under the crust", "Deep under the ground, rock is so hot that some of it melts into magma."],
      [
        "Eruptions",
        "Magma is lighter than the rock around it, so it rises and bursts out as lava, ash and gas.",
      ],
      ["New land", "Cooled lava builds new rock: many islands were made by volcanoes."],
    ],
  },
];

export default workflow({
  name: "course",
  formats: ["16:9", "9:16"],
  limits: { videos: 2, sections: 3, api: 2, global: 8 },
  providers: {
    "openai-images": {
      api: "openai",
      concurrency: 4,
      rate: { requests: 60, per: "minute" },
      prices: { image: 0.04 },
    },
    "openai-speech": {
      api: "openai",
      concurrency: 4,
      rate: { requests: 60, per: "minute" },
      prices: { perMillionCharacters: 15 },
    },
  },
  voice: { provider: "openai-speech", voice: "alloy", model: "tts-1" },
  videos: lessons.map((lesson) => ({
    id: lesson.id,
    sections: lesson.topics.map(([title, narration]) => ({
      title: title!,
      narration: narration!,
      image: {
        provider: "openai-images",
        prompt: `A friendly, simple illustration for a school lesson: ${title}`,
        size: "1536x1024",
      },
    })),
  })),
});
