/**
 * A fixed toolchain for tests that plan in memory: keys do not depend on the machine's ffmpeg.
 * @module
 */
import type { Toolchain } from "../../lib/plan/toolchain.ts";

/** Engine versions for plans made in tests. */
export const TEST_TOOLCHAIN: Toolchain = {
  ffmpeg: "ffmpeg version test",
  espeak: "eSpeak NG test",
  slides: "resvg test fonts:test",
  encoders: { h264: { name: "libx264", codec: "h264", hardware: false }, hevc: null, cores: 2 },
};
