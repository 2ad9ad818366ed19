/**
 * The versions of the local engines that a plan's keys hold.
 * @module
 */
import type { EncoderChoice } from "../media/select_encoder.ts";

/**
 * What the local engines are, as step keys hold them: upgrading one re-runs what it made.
 *
 * @example
 * ```ts
 * import type { Toolchain } from "./toolchain.ts";
 * const toolchain: Toolchain = { ffmpeg: "ffmpeg version 5.1.9 #1a2b", espeak: null, slides: "resvg 2.6.2", encoders: null };
 * ```
 */
export interface Toolchain {
  /** ffmpeg's and ffprobe's versions, with their libraries (encodes, flite speech, decoding API audio, probes). */
  ffmpeg: string;
  /** espeak-ng's version, or null when no step uses it. */
  espeak: string | null;
  /** The slide renderer's identity: resvg's version and the font files it draws with. */
  slides: string;
  /** The video encoders chosen on this machine (or by `--encoder`), or null when no step encodes with them. */
  encoders: EncoderChoice | null;
  /** pocketsphinx's identity (its binary and model files); absent or null when no step uses it. */
  pocketsphinx?: string | null;
  /**
   * The libx264 library the lesson's stills are encoded with in-process (a digest of its bytes, see
   * `libx264Identity`); absent or null where there is none (ffmpeg encodes them).
   */
  x264?: string | null;
}

/** The local programs besides ffmpeg whose versions a job's steps may need in their keys. */
export type LocalEngine = "espeak" | "pocketsphinx" | "x264";
