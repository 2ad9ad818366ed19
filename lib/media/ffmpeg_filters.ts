/**
 * The filters an ffmpeg build has, as `ffmpeg -filters` lists them: builds differ (`flite` needs
 * `--enable-libflite`), so reel asks before it relies on one.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { probeProgram } from "./probe_program.ts";

/**
 * The filters that reel's checks may require of an ffmpeg build (the ones every build has, `scale`, aside), with
 * what each is for: `reel doctor` lists them all, and `requireFilters` takes no other, so the two agree (nt: the
 * doctor passed a build without `perspective`, which a lesson's Ken Burns needs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REEL_FILTERS } from "./ffmpeg_filters.ts";
 * assert.equal(REEL_FILTERS.perspective, "Ken Burns moves (lessons)");
 * ```
 */
export const REEL_FILTERS = Object.freeze({
  flite: "flite voices",
  xfade: "cross-fades (lessons)",
  perspective: "Ken Burns moves (lessons)",
  subtitles: "burned-in captions (lessons)",
  ebur128: "loudness measure (lessons)",
  aloop: "looping music (lessons, montages)",
  afade: "music fades (lessons, montages)",
  sidechaincompress: "music ducked under the voice (lessons)",
  loudnorm: "loudness normalisation (variants)",
  gblur: "blurred backgrounds (variants)",
  drawtext: "captions and text overlays (variants, montages)",
  xstack: "grid montages",
  hstack: "scrolling montages",
  vstack: "scrolling montages",
  overlay: "scrolling montages",
  silencedetect: "splitting audio at silences (transcription)",
});

/** A filter `requireFilters` may require (see {@linkcode REEL_FILTERS}). */
export type ReelFilter = keyof typeof REEL_FILTERS;

// One listing per binary for the life of the process: a build's filters do not change while it runs.
const listings = new Map<string, Promise<Set<string>>>();

/**
 * Lists the names of the filters of an ffmpeg binary (`scale`, `atempo`, `flite`...), once per binary path.
 *
 * @param paths The binaries; only `ffmpeg` is run.
 * @param options The signal that kills ffmpeg.
 * @returns The filter names.
 * @throws {InputError} When `ffmpeg -filters` fails or hangs (see `probeProgram`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { ffmpegFilters } from "./ffmpeg_filters.ts";
 * assert.ok((await ffmpegFilters(await findFfmpeg())).has("scale"));
 * ```
 */
export function ffmpegFilters(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  options: { signal?: AbortSignal } = {},
): Promise<Set<string>> {
  const cached = listings.get(paths.ffmpeg);
  if (cached !== undefined) return cached;
  const listing = listFilters(paths.ffmpeg, options.signal);
  listings.set(paths.ffmpeg, listing);
  // A failed or cancelled listing is not kept: the next call asks again.
  listing.catch(() => listings.delete(paths.ffmpeg));
  return listing;
}

async function listFilters(ffmpeg: string, signal: AbortSignal | undefined): Promise<Set<string>> {
  const { stdout } = await probeProgram(ffmpeg, ["-hide_banner", "-filters"], { name: "ffmpeg", signal });
  const names = new Set<string>();
  // Lines read ` ..C flite             |->A       Synthesize voice...`: three flag columns, the name, the pads.
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const match = /^\s*[A-Z.]{3}\s+(\S+)\s+\S*->\S*/.exec(line);
    if (match !== null) names.add(match[1]!);
  }
  return names;
}

/**
 * Checks, before anything runs, that an ffmpeg has the filters a workflow's fields need: a build without one
 * (libass for burned captions, say) failed only once the step that uses it ran.
 *
 * @param paths The binaries; only `ffmpeg` is run.
 * @param needed Each filter and the field that needs it (`captions.burn`), in the order they are told.
 * @param options The workflow file and the signal.
 * @throws {InputError} Naming the first filter missing, the field and the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { type ReelFilter, requireFilters } from "./ffmpeg_filters.ts";
 * const ffmpeg = await findFfmpeg();
 * await requireFilters(ffmpeg, new Map([["xfade", "transition"]]), { file: "a.ts" });
 * const missing = new Map([["no-such-filter" as ReelFilter, "videos[0]"]]);
 * await assert.rejects(
 *   requireFilters(ffmpeg, missing, { file: "a.ts" }),
 *   /This ffmpeg has no "no-such-filter" filter, which videos\[0\] needs \(a\.ts\)/,
 * );
 * ```
 */
export async function requireFilters(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  needed: ReadonlyMap<ReelFilter, string>,
  options: { file: string; signal?: AbortSignal },
): Promise<void> {
  if (needed.size === 0) return;
  const filters = await ffmpegFilters(paths, { signal: options.signal });
  for (const [filter, path] of needed) {
    if (filters.has(filter)) continue;
    throw new InputError(`This ffmpeg has no "${filter}" filter, which ${path} needs (${options.file})`, {
      hint: "Install an ffmpeg built with it (Debian's and Ubuntu's are), or point REEL_FFMPEG at one",
    });
  }
}

/**
 * A colour as ffmpeg's colour parser reads it anywhere in a graph: `#rrggbb` (as workflows' colours are read, see
 * `color` in `schema/fields.ts`) as `0xrrggbb`.
 *
 * @param color `#rrggbb`.
 * @returns `0xrrggbb`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ffmpegColor } from "./ffmpeg_filters.ts";
 * assert.equal(ffmpegColor("#ffaa00"), "0xffaa00");
 * ```
 */
export function ffmpegColor(color: string): string {
  return `0x${color.slice(1)}`;
}
