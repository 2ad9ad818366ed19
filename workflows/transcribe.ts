/**
 * Transcribing a recording, then using the transcript: `rain` is heard by pocketsphinx (locally, no key) into
 * `out/rain.txt`, `.srt`, `.vtt` and `.json`; the custom step `subtitled` reads the SRT that `rain/srt` wrote
 * and muxes it into the video as a subtitle track, published as `out/rain.subtitled.mp4`. (`media/rain.mp4` is
 * 8.7 s of flite speech over a still.)
 *
 *   deno task render workflows/transcribe.ts
 *
 * With a hosted or self-hosted OpenAI-compatible server instead, name it in `providers` and set `engine`:
 *   providers: { whisper: { api: "openai", baseUrl: "http://127.0.0.1:8000/v1", rate: { requests: 60 } } },
 *   transcribe: [{ id: "rain", input: "media/rain.mp4", engine: "whisper", model: "whisper-1" }],
 */
import { step, workflow } from "../mod.ts";

const video = new URL("media/rain.mp4", import.meta.url).pathname;

export default workflow({
  name: "transcribe",
  transcribe: [
    // Steps: rain/probe, rain/decode, rain/split (and its chunks), rain/merge (rain.json), rain/txt, rain/srt, rain/vtt.
    { id: "rain", input: "media/rain.mp4", chunk: 30 },
  ],
  steps: [
    step({
      id: "subtitled",
      inputs: ["rain/srt"],
      output: "rain.subtitled.mp4",
      files: ["media/rain.mp4"],
      // runProcess, not Deno.Command: the ffmpeg is killed on Ctrl-C or timeout, and with the render even by kill -9.
      run: async (inputs, { outputPath, runProcess }) => {
        const srt = inputs["rain/srt"]!.path!;
        const args = ["-v", "error", "-y", "-i", video, "-i", srt, "-map", "0", "-map", "1", "-c", "copy"];
        const subtitles = ["-c:s", "mov_text", "-metadata:s:s:0", "language=eng"];
        await runProcess("ffmpeg", [...args, ...subtitles, "-f", "mp4", outputPath]);
        return { cues: (await Deno.readTextFile(srt)).split(" --> ").length - 1 };
      },
    }),
  ],
});
