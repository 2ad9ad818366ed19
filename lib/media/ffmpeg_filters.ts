/**
 * The filters an ffmpeg build has, as `ffmpeg -filters` lists them: builds differ (`flite` needs
 * `--enable-libflite`), so reel asks before it relies on one.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { probeProgram } from "./probe_program.ts";

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
 * import { requireFilters } from "./ffmpeg_filters.ts";
 * const ffmpeg = await findFfmpeg();
 * await requireFilters(ffmpeg, new Map([["scale", "formats"]]), { file: "a.ts" });
 * await assert.rejects(
 *   requireFilters(ffmpeg, new Map([["no-such-filter", "videos[0]"]]), { file: "a.ts" }),
 *   /This ffmpeg has no "no-such-filter" filter, which videos\[0\] needs \(a\.ts\)/,
 * );
 * ```
 */
export async function requireFilters(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  needed: ReadonlyMap<string, string>,
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
