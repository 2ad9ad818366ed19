/**
 * Small generated media for tests: a test-pattern video with a tone, videos of given colours, still images.
 * @module
 */
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";

/** Writes a `testsrc` video with a sine tone: `seconds` long, `width`×`height` at 25 fps, H.264 + AAC. */
export async function makeTestVideo(
  path: string,
  options: { seconds: number; width?: number; height?: number; audio?: boolean },
): Promise<void> {
  const { seconds, width = 160, height = 90, audio = true } = options;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `testsrc=s=${width}x${height}:r=25:d=${seconds}`,
    ...(audio ? ["-f", "lavfi", "-i", `sine=f=440:d=${seconds}`] : []),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    ...(audio ? ["-c:a", "aac", "-shortest"] : []),
    path,
  ]);
}

/**
 * Writes a video whose frame is split in vertical bands of the given colours (`[colour, width]` from the left),
 * `seconds` long at 25 fps, no audio.
 */
export async function makeBandsVideo(
  path: string,
  options: { seconds: number; height: number; bands: readonly (readonly [string, number])[] },
): Promise<void> {
  const width = options.bands.reduce((sum, [, w]) => sum + w, 0);
  let x = 0;
  const boxes = options.bands.map(([colour, w]) => {
    const box = `drawbox=x=${x}:y=0:w=${w}:h=${options.height}:color=${colour.replace("#", "0x")}:t=fill`;
    x += w;
    return box;
  });
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `color=c=black:s=${width}x${options.height}:r=25:d=${options.seconds},${boxes.join(",")}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-qp",
    "0",
    "-pix_fmt",
    "yuv444p",
    path,
  ]);
}

/** Writes a still PNG of one colour. */
export async function makeColourImage(
  path: string,
  options: { colour: string; width: number; height: number },
): Promise<void> {
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `color=c=${options.colour.replace("#", "0x")}:s=${options.width}x${options.height}:d=1`,
    "-frames:v",
    "1",
    path,
  ]);
}

/** A JPEG's bytes with an EXIF segment saying `orientation` (1-8) put after its start, as a phone's camera writes. */
export function jpegWithOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  // "Exif\0\0", a big-endian TIFF header, one IFD of one entry: 0x0112, SHORT, 1, the value.
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1];
  exif.push(0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0);
  const length = exif.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff, ...exif, ...jpeg.subarray(2)]);
}
