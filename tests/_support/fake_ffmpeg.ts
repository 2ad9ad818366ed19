/**
 * An ffmpeg whose `-filters` listing leaves out `flite`, as builds without `--enable-libflite` do; every other
 * command runs the real ffmpeg.
 * @module
 */
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";

/** The fake: its path, the real ffprobe, and how many times it was asked for its filters. */
export interface FakeFfmpeg {
  /** The fake ffmpeg script. */
  ffmpeg: string;
  /** The real ffprobe. */
  ffprobe: string;
  /** How many times `-filters` was asked for. */
  listings(): Promise<number>;
}

/**
 * Writes the fake into `dir` as `dir/ffmpeg`.
 *
 * @param dir A folder the caller removes.
 * @returns The fake.
 */
export async function fakeFfmpegWithoutFlite(dir: string): Promise<FakeFfmpeg> {
  const real = await findFfmpeg();
  const { stdout } = await runProcess(real.ffmpeg, ["-hide_banner", "-filters"]);
  const listing = new TextDecoder().decode(stdout).split("\n").filter((line) => !/\sflite\s/.test(line));
  await Deno.writeTextFile(`${dir}/filters.txt`, listing.join("\n"));
  const script = `${dir}/ffmpeg`;
  await Deno.writeTextFile(
    script,
    `#!/bin/sh
for arg in "$@"; do
  if [ "$arg" = "-filters" ]; then echo >> '${dir}/listings'; cat '${dir}/filters.txt'; exit 0; fi
done
exec '${real.ffmpeg}' "$@"
`,
  );
  await Deno.chmod(script, 0o755);
  return {
    ffmpeg: script,
    ffprobe: real.ffprobe,
    listings: async () => {
      try {
        return (await Deno.readTextFile(`${dir}/listings`)).length;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return 0;
        throw error;
      }
    },
  };
}
