/**
 * The version of a local program whose output ends up in artifacts (ffmpeg, espeak-ng): part of step keys, so
 * upgrading one re-renders what it made.
 * @module
 */
import { createHash } from "node:crypto";
import { runProcess } from "./run_process.ts";

const probed = new Map<string, Promise<string>>();

/**
 * Reads a program's version once per process: the first line of what it prints, and a digest of all of it (for
 * ffmpeg that covers the library versions and build options too).
 *
 * @param program The executable.
 * @param args What makes it print its version, e.g. `["-version"]`.
 * @returns e.g. `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) … #1a2b3c4d5e6f7a8b`.
 * @throws {ProcessError} When the program exits with an error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { programVersion } from "./program_version.ts";
 * const { ffmpeg } = await findFfmpeg();
 * assert.match(await programVersion(ffmpeg, ["-version"]), /^ffmpeg version .* #[0-9a-f]{16}$/);
 * ```
 */
export function programVersion(program: string, args: readonly string[]): Promise<string> {
  const cacheKey = `${program}\0${args.join("\0")}`;
  let version = probed.get(cacheKey);
  if (version === undefined) {
    version = runProcess(program, args).then(({ stdout }) => {
      const text = new TextDecoder().decode(stdout).trim();
      const digest = createHash("sha256").update(text).digest("hex").slice(0, 16);
      return `${text.split("\n")[0]} #${digest}`;
    });
    probed.set(cacheKey, version);
    version.catch(() => probed.delete(cacheKey));
  }
  return version;
}
