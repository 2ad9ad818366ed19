/**
 * What `reel doctor` reports: the ffmpeg reel will run and the filters it needs, the video encoders found and the
 * one reel will use, fonts, voices, the speech recognizer, cores and memory, and the settings `reel tune` saved.
 * @module
 */
import { InputError, MissingBinaryError } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { type CaptionFont, captionFont } from "../media/caption_font.ts";
import { findFfmpeg } from "../media/ffmpeg.ts";
import { ffmpegFilters, REEL_FILTERS } from "../media/ffmpeg_filters.ts";
import { programVersion } from "../media/program_version.ts";
import {
  type EncoderChoice,
  type EncoderProbe,
  probeEncoders,
  selectEncoders,
} from "../media/select_encoder.ts";
import { runProcess } from "../media/run_process.ts";
import { FLITE_VOICES } from "../providers/local/speech/flite_engine.ts";
import { findLibx264, libx264Problem } from "../media/h264/libx264.ts";
import { findEspeak } from "../providers/local/speech/espeak_engine.ts";
import { pocketsphinxIdentity, requirePocketsphinx } from "../media/pocketsphinx.ts";
import { readTuneSettings, tuneFile, type TuneSettings } from "./tune_settings.ts";

/** What the doctor found. */
export interface MachineReport {
  /** The binaries and ffmpeg's version line. */
  ffmpeg: FfmpegPaths & { version: string };
  /** Each needed filter, what it is for, and whether this ffmpeg has it. */
  filters: { name: string; purpose: string; present: boolean }[];
  /** Every encoder probed: listed by the build, and working. */
  encoders: EncoderProbe[];
  /** The encoder reel will use for each codec. */
  chosen: EncoderChoice;
  /** The font of slides, captions and text overlays, or null when missing. */
  font: CaptionFont | null;
  /** The libx264 stills are encoded with in-process (null: none found), and why it cannot be used (null: it can). */
  stills: { library: string | null; problem: string | null };
  /** flite voices (when ffmpeg has the filter) and espeak-ng's version and voice count (null when missing). */
  voices: { flite: readonly string[]; espeak: { version: string; voices: number } | null };
  /**
   * The local speech recognizer of `transcribe` (pocketsphinx): its program and what the keys know it by, or (those
   * null) why it cannot be used (not installed, or a program that does not answer as pocketsphinx does) and how to
   * mend it.
   */
  recognizer: {
    program: string | null;
    identity: string | null;
    problem: string | null;
    hint: string | null;
  };
  /** Cores, memory and the system. */
  machine: { cores: number; totalBytes: number; availableBytes: number; os: string };
  /**
   * Where tune.json is and what it holds (null when `reel tune` has not run, or when it is damaged: `problem` says
   * how).
   */
  tune: { path: string | null; settings: TuneSettings | null; problem: string | null };
}

/**
 * Examines the machine.
 *
 * @param options The encoder that overrides the probed one (`--encoder`), and the signal.
 * @returns The report.
 * @throws {MissingBinaryError} When ffmpeg cannot be found.
 * @throws {InputError} When the override cannot be used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkMachine } from "./machine_check.ts";
 * const report = await checkMachine();
 * assert.ok(report.encoders.some((probe) => probe.encoder.name === "libx264"));
 * ```
 */
export async function checkMachine(
  options: { encoder?: string | null; signal?: AbortSignal } = {},
): Promise<MachineReport> {
  const { signal } = options;
  const ffmpeg = await findFfmpeg();
  // First: an ffmpeg that does not run is said so, before its filters and encoders are asked for.
  const version = await programVersion(ffmpeg.ffmpeg, ["-version"], { name: "ffmpeg" });
  const [filters, encoders, chosen, font, espeak, recognizer] = await Promise.all([
    ffmpegFilters(ffmpeg, { signal }),
    probeEncoders(ffmpeg, { signal }),
    selectEncoders(ffmpeg, { override: options.encoder ?? null, signal }),
    captionFont(),
    espeakInfo(signal),
    recognizerInfo(signal),
  ]);
  const library = findLibx264();
  const memory = Deno.systemMemoryInfo();
  const path = tuneFile();
  return {
    ffmpeg: { ...ffmpeg, version: version.replace(/ Copyright.*$/, "") },
    filters: Object.entries(REEL_FILTERS).map(([name, purpose]) => ({
      name,
      purpose,
      present: filters.has(name),
    })),
    encoders,
    chosen,
    font,
    stills: { library, problem: library === null ? null : libx264Problem(library) },
    voices: { flite: filters.has("flite") ? FLITE_VOICES : [], espeak },
    recognizer,
    machine: {
      cores: navigator.hardwareConcurrency,
      totalBytes: memory.total,
      availableBytes: memory.available,
      os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    },
    tune: await tuneInfo(path),
  };
}

/** The saved tune settings, or what is wrong with them: `doctor` tells it in its table. */
async function tuneInfo(path: string | null): Promise<MachineReport["tune"]> {
  try {
    return { path, settings: path === null ? null : await readTuneSettings(path), problem: null };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { path, settings: null, problem: error.message };
  }
}

/** pocketsphinx as `transcribe` would find it, tried on a moment of silence (nt8: doctor did not say). */
async function recognizerInfo(signal: AbortSignal | undefined): Promise<MachineReport["recognizer"]> {
  try {
    const program = await requirePocketsphinx();
    return { program, identity: await pocketsphinxIdentity(program, { signal }), problem: null, hint: null };
  } catch (error) {
    // Not installed, or not the program (its own words): what transcribe would refuse it for.
    if (!(error instanceof InputError)) throw error;
    return { program: null, identity: null, problem: error.message, hint: error.hint };
  }
}

async function espeakInfo(
  signal: AbortSignal | undefined,
): Promise<{ version: string; voices: number } | null> {
  let program: string;
  try {
    program = await findEspeak();
  } catch (error) {
    if (error instanceof MissingBinaryError) return null;
    throw error;
  }
  const [version, { stdout }] = await Promise.all([
    programVersion(program, ["--version"], { name: "espeak-ng" }),
    runProcess(program, ["--voices"], { signal }),
  ]);
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  return { version: version.replace(/ #[0-9a-f]+$/, ""), voices: Math.max(0, lines.length - 1) };
}
