/**
 * Where ffmpeg and ffprobe are: found once by the main thread and handed to every step.
 * @module
 */

/** The ffmpeg and ffprobe executables reel uses. */
export interface FfmpegPaths {
  /** Absolute path of ffmpeg. */
  ffmpeg: string;
  /** Absolute path of ffprobe. */
  ffprobe: string;
}
