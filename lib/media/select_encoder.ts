/**
 * Choosing the video encoder: the encoders an ffmpeg build lists (`ffmpeg -encoders`), each hardware H.264/HEVC
 * encoder among them tried with a one-frame test encode, the first that works used, libx264 (or libx265) when none
 * does. A build can list an encoder whose device is absent (nvenc without a GPU), hence the test encode.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { ffmpegWords } from "./ffmpeg.ts";
import { probeProgram, ProbeTimeoutError, runWithin } from "./probe_program.ts";
import { ProcessError, runProcess } from "./run_process.ts";
import {
  HARDWARE_ENCODERS,
  knownEncoder,
  SOFTWARE_ENCODERS,
  type VideoCodec,
  type VideoEncoder,
  videoEncodingArgs,
} from "./video_encoder.ts";

/** How one encoder fared. */
export interface EncoderProbe {
  /** The encoder. */
  encoder: VideoEncoder;
  /** True when the build lists it. */
  listed: boolean;
  /** True when a one-frame test encode worked (false when not listed). */
  works: boolean;
  /** Why the test encode failed (ffmpeg's first line of complaint), or null. */
  error: string | null;
}

/** The encoder chosen for each codec. */
export interface EncoderChoice {
  /** For H.264 outputs. */
  h264: VideoEncoder;
  /** For HEVC outputs, or null when the build has no HEVC encoder that works. */
  hevc: VideoEncoder | null;
  /**
   * This machine's logical CPUs: a software encoder's threads follow them, and its bytes with them (see
   * `encoderThreads`), so the steps that encode hold the threads they make in their keys.
   */
  cores: number;
}

/** Options for {@linkcode selectEncoders}. */
export interface SelectEncodersOptions {
  /** An encoder to use for its codec instead of the probed one (`--encoder`). @default null */
  override?: string | null;
  /** Kills the probes. */
  signal?: AbortSignal;
}

// One probe per binary for the life of the process: what a machine can encode with does not change while it runs.
const probes = new Map<string, Promise<EncoderProbe[]>>();

/**
 * Lists the video encoders an ffmpeg build has.
 *
 * @param paths The binaries; only `ffmpeg` runs.
 * @param options The signal that kills ffmpeg.
 * @returns Their names (`libx264`, `h264_nvenc`…).
 * @throws {InputError} When `ffmpeg -encoders` fails or hangs (see `probeProgram`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { listVideoEncoders } from "./select_encoder.ts";
 * assert.ok((await listVideoEncoders(await findFfmpeg())).has("libx264"));
 * ```
 */
export async function listVideoEncoders(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  options: { signal?: AbortSignal } = {},
): Promise<Set<string>> {
  const { stdout } = await probeProgram(paths.ffmpeg, ["-hide_banner", "-encoders"], {
    name: "ffmpeg",
    signal: options.signal,
  });
  const names = new Set<string>();
  // Lines read ` V....D libx264   libx264 H.264 / AVC…`: six flag columns, V for video, then the name.
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const match = /^\s*V[A-Z.]{5}\s+(\S+)/.exec(line);
    if (match !== null) names.add(match[1]!);
  }
  return names;
}

/**
 * Tries an encoder with a one-frame encode of a 256×256 frame to nowhere.
 *
 * @param paths The binaries.
 * @param encoder The encoder.
 * @param options The signal that kills ffmpeg.
 * @returns null when it worked, else why not (ffmpeg's first line of complaint).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { testEncoder } from "./select_encoder.ts";
 * import { SOFTWARE_ENCODERS } from "./video_encoder.ts";
 * assert.equal(await testEncoder(await findFfmpeg(), SOFTWARE_ENCODERS.h264), null);
 * ```
 */
export async function testEncoder(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  encoder: VideoEncoder,
  options: { signal?: AbortSignal } = {},
): Promise<string | null> {
  const args = videoEncodingArgs(encoder, {
    crf: 23,
    bitrate: null,
    gop: null,
    preset: "fastest",
    threads: null,
  });
  try {
    // A device that never answers (a driver stuck) is an encoder that does not work here, not a hung run; a
    // software encoder has no device, and a loaded machine's slow test is no reason to leave it (review).
    await (encoder.hardware ? runWithin : runProcess)(paths.ffmpeg, [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      ...args.input,
      "-f",
      "lavfi",
      "-i",
      "color=c=gray:s=256x256:r=25:d=0.04",
      "-vf",
      args.filter,
      "-frames:v",
      "1",
      ...args.output,
      "-f",
      "null",
      "-",
    ], { signal: options.signal });
    return null;
  } catch (error) {
    if (error instanceof ProbeTimeoutError) return `its test encode did not end in ${error.seconds} s`;
    if (!(error instanceof ProcessError)) throw error;
    // `[h264_nvenc @ 0x55…] Cannot load libcuda.so.1`: the first line, without the logger's prefix.
    return ffmpegWords(error.stderr) || error.message;
  }
}

/**
 * Probes every hardware encoder that could exist, and the software ones: listed by the build, and working. Once per
 * ffmpeg binary for the life of the process.
 *
 * @param paths The binaries.
 * @param options The signal that kills the probes.
 * @returns One probe per encoder: hardware ones first, in the order they are preferred.
 * @throws {InputError} When `ffmpeg -encoders` fails or hangs (see `probeProgram`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { probeEncoders } from "./select_encoder.ts";
 * const probes = await probeEncoders(await findFfmpeg());
 * assert.ok(probes.some((probe) => probe.encoder.name === "libx264" && probe.works));
 * ```
 */
export function probeEncoders(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  options: { signal?: AbortSignal } = {},
): Promise<EncoderProbe[]> {
  const cached = probes.get(paths.ffmpeg);
  if (cached !== undefined) return cached;
  const probing = probeAll(paths, options.signal);
  probes.set(paths.ffmpeg, probing);
  // A failed or cancelled probe is not kept: the next call asks again.
  probing.catch(() => probes.delete(paths.ffmpeg));
  return probing;
}

async function probeAll(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  signal: AbortSignal | undefined,
): Promise<EncoderProbe[]> {
  const listed = await listVideoEncoders(paths, { signal });
  const all = [...HARDWARE_ENCODERS, SOFTWARE_ENCODERS.h264, SOFTWARE_ENCODERS.hevc];
  return await Promise.all(all.map(async (encoder) => {
    if (!listed.has(encoder.name)) return { encoder, listed: false, works: false, error: null };
    const error = await testEncoder(paths, encoder, { signal });
    return { encoder, listed: true, works: error === null, error };
  }));
}

/**
 * Chooses the encoder of each codec: the first hardware encoder that works, else the software one. `override`
 * names an encoder to use for its codec instead; it must be listed and pass the test encode.
 *
 * @param paths The binaries.
 * @param options The override and the signal.
 * @returns The choice.
 * @throws {InputError} When the override is unknown, not in this build, or fails its test encode; or when the
 * build has no H.264 encoder that works.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { selectEncoders } from "./select_encoder.ts";
 * const choice = await selectEncoders(await findFfmpeg(), { override: "libx264" });
 * assert.equal(choice.h264.name, "libx264");
 * ```
 */
export async function selectEncoders(
  paths: Pick<FfmpegPaths, "ffmpeg">,
  options: SelectEncodersOptions = {},
): Promise<EncoderChoice> {
  const { override = null, signal } = options;
  const found = await probeEncoders(paths, { signal });
  const forced = override === null ? null : checkOverride(override, found);
  const pick = (codec: VideoCodec) =>
    forced?.codec === codec ? forced : found.find((probe) => probe.works && probe.encoder.codec === codec)
      ?.encoder ?? null;
  const h264 = pick("h264");
  if (h264 === null) {
    throw new InputError(`ffmpeg at ${paths.ffmpeg} has no H.264 encoder that works`, {
      hint: "Install an ffmpeg built with libx264 (Debian's and Ubuntu's are), or point REEL_FFMPEG at one",
    });
  }
  return { h264, hevc: pick("hevc"), cores: navigator.hardwareConcurrency };
}

function checkOverride(name: string, found: readonly EncoderProbe[]): VideoEncoder {
  const encoder = knownEncoder(name);
  const names = found.map((probe) => probe.encoder.name).join(", ");
  if (encoder === null) {
    throw new InputError(`Unknown encoder "${name}" (from --encoder)`, { hint: `Encoders: ${names}` });
  }
  const probe = found.find((candidate) => candidate.encoder.name === name)!;
  const usable = found.filter((candidate) => candidate.works).map((candidate) => candidate.encoder.name);
  if (!probe.listed) {
    throw new InputError(`This ffmpeg has no encoder "${name}" (from --encoder)`, {
      hint: `Encoders that work here: ${usable.join(", ")}`,
    });
  }
  if (!probe.works) {
    throw new InputError(`Encoder "${name}" (from --encoder) failed its test encode: ${probe.error}`, {
      hint: `Encoders that work here: ${usable.join(", ")}`,
    });
  }
  return encoder;
}
