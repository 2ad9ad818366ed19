/**
 * An ffmpeg that claims a hardware encoder (`h264_nvenc`) whose one-frame test encode works or fails as the test
 * says; it lists only that encoder, libx264 and libx265, and runs the real ffmpeg for everything else.
 * @module
 */
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";

/** The fake: its path, the real ffprobe, and the hardware test encodes it was asked for. */
export interface FakeEncoderFfmpeg {
  /** The fake ffmpeg script. */
  ffmpeg: string;
  /** The real ffprobe. */
  ffprobe: string;
  /** How many test encodes with the claimed encoder it ran. */
  probes(): Promise<number>;
}

/**
 * Writes the fake into `dir` as `dir/ffmpeg`.
 *
 * @param dir A folder the caller removes.
 * @param options Whether the claimed encoder's test encode works.
 * @returns The fake.
 */
export async function fakeEncoderFfmpeg(
  dir: string,
  options: { works: boolean },
): Promise<FakeEncoderFfmpeg> {
  const real = await findFfmpeg();
  await Deno.writeTextFile(
    `${dir}/encoders.txt`,
    [
      "Encoders:",
      " V..... = Video",
      " ------",
      " V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)",
      " V....D libx265              libx265 H.265 / HEVC (codec hevc)",
      " V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)",
      " A....D aac                  AAC (Advanced Audio Coding)",
    ].join("\n"),
  );
  const script = `${dir}/ffmpeg`;
  const verdict = options.works
    ? "exit 0"
    : "echo '[h264_nvenc @ 0x55d0] Cannot load libcuda.so.1' >&2; echo 'Conversion failed!' >&2; exit 1";
  await Deno.writeTextFile(
    script,
    `#!/bin/sh
for arg in "$@"; do
  if [ "$arg" = "-encoders" ]; then cat '${dir}/encoders.txt'; exit 0; fi
  if [ "$arg" = "h264_nvenc" ]; then echo >> '${dir}/probes'; ${verdict}; fi
done
exec '${real.ffmpeg}' "$@"
`,
  );
  await Deno.chmod(script, 0o755);
  return {
    ffmpeg: script,
    ffprobe: real.ffprobe,
    probes: async () => {
      try {
        return (await Deno.readTextFile(`${dir}/probes`)).length;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return 0;
        throw error;
      }
    },
  };
}
