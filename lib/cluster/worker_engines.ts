/**
 * What a worker's local engines are on its own host, as step keys hold them: probed with the planner's own probes
 * (see `lib/plan/engine_probes.ts`). The programs a step runs anew (ffmpeg, espeak-ng) are asked at every job
 * (their versions are remembered by their files, so an upgrade under a long-running worker is seen); what a worker
 * loads once and keeps (the slide renderer and its fonts, libx264, pocketsphinx's identity) on the first job that
 * needs it, for the worker's life.
 * @module
 */
import { TEXT_SEGMENTATION } from "../core/segmenters.ts";
import { MissingBinaryError } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { Json } from "../core/json.ts";
import { burnedCaptionFont } from "../media/libass_fonts.ts";
import { type EngineProbes, engineProbes } from "../plan/engine_probes.ts";
import type { EngineEntry } from "./engine_mismatch.ts";

/** Options for {@linkcode WorkerEngines}. */
export interface WorkerEnginesOptions {
  /** The worker's ffmpeg. */
  ffmpeg: FfmpegPaths;
  /** The probes. @default engineProbes */
  probes?: EngineProbes;
}

/**
 * One worker process's local engines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "../media/ffmpeg.ts";
 * import { WorkerEngines } from "./worker_engines.ts";
 * const engines = new WorkerEngines({ ffmpeg: await findFfmpeg() });
 * assert.match(await engines.identity("ffmpeg", { runtime: {} }) ?? "", /^ffmpeg version /);
 * ```
 */
export class WorkerEngines {
  readonly #ffmpeg: FfmpegPaths;
  readonly #probes: EngineProbes;
  readonly #probed = new Map<string, Promise<string | null>>();

  /** @param options The worker's ffmpeg, and the probes. */
  constructor(options: WorkerEnginesOptions) {
    this.#ffmpeg = options.ffmpeg;
    this.#probes = options.probes ?? engineProbes;
  }

  /**
   * What an engine entry of a step's key is on this host.
   *
   * @param entry The entry.
   * @param task The step's run-time details (the caption font's folder).
   * @returns Its value as this host's planner would key it, or null when the engine is not installed here.
   * @throws {ProcessError} When the engine is installed but cannot say what it is (asked again next time).
   */
  identity(entry: EngineEntry, task: { runtime: Record<string, Json> }): Promise<string | null> {
    switch (entry) {
      // Asked at every job: programVersion remembers them by the binaries' files and the system's libraries, so an
      // upgrade under a long-running worker is seen (the programs run anew for each step; what a worker loaded once,
      // the renderer and libx264, stays as it was loaded).
      case "ffmpeg":
        return this.#probes.ffmpeg(this.#ffmpeg);
      case "espeak":
        return installed(this.#probes.espeak());
      case "renderer":
        return this.#once(entry, () => this.#probes.slides());
      case "x264":
        return this.#once(entry, () => Promise.resolve(this.#probes.x264()));
      case "pocketsphinx":
        return this.#once(entry, () => installed(this.#probes.pocketsphinx()));
      case "font": {
        // The steps burn captions with the font in the folder the coordinator found it in (none: no folder), and
        // libass falls back on the fonts around it: asked at every job, as the planner asks at every plan (a font
        // added since is seen).
        const folder = String(task.runtime.fontsDir ?? "");
        if (folder === "") return Promise.resolve(null);
        const env = (name: string) => name === "REEL_FONT_DIR" ? folder : undefined;
        return burnedCaptionFont(env).then((font) => font?.identity ?? null);
      }
      case "text":
        return Promise.resolve(TEXT_SEGMENTATION);
    }
  }

  #once(name: string, probe: () => Promise<string | null>): Promise<string | null> {
    let identity = this.#probed.get(name);
    if (identity === undefined) {
      identity = probe();
      this.#probed.set(name, identity);
      identity.catch(() => this.#probed.delete(name));
    }
    return identity;
  }
}

/** An engine's identity, or null when it is not installed on this host. */
async function installed(identity: Promise<string>): Promise<string | null> {
  try {
    return await identity;
  } catch (error) {
    if (error instanceof MissingBinaryError) return null;
    throw error;
  }
}
