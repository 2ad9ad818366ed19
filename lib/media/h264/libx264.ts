/**
 * libx264 called in-process through Deno's FFI, for the lesson's stills: the same encoder ffmpeg uses, without an
 * ffmpeg process (its start, PNG decoding and conversion cost more than encoding a dozen stills). Only build 164's
 * library is opened (x264 names its open function after its build, so another build's library never binds); the
 * few struct fields set by offset are checked against x264's defaults first. Where the library is missing or does
 * not pass, callers use ffmpeg as before.
 * @module
 */
import { statOrNull } from "../../core/exists.ts";
import { concatBytes } from "../../core/concat_bytes.ts";
import { fileDigest } from "../file_digests.ts";

/** The x264 build whose structs this module knows (Debian 12's and Ubuntu 22.04–24.04's libx264). */
export const X264_BUILD = 164;

const LIBRARY_FILE = `libx264.so.${X264_BUILD}`;
/** Where Debian, Ubuntu and most Linux systems keep shared libraries (after `LD_LIBRARY_PATH`'s folders). */
const LIBRARY_DIRS = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/lib/x86_64-linux-gnu",
  "/lib/aarch64-linux-gnu",
  "/usr/lib64",
  "/usr/lib",
  "/usr/local/lib",
];

const SYMBOLS = {
  x264_param_default_preset: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  x264_param_parse: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  x264_param_apply_profile: { parameters: ["buffer", "buffer"], result: "i32" },
  x264_param_cleanup: { parameters: ["buffer"], result: "void" },
  [`x264_encoder_open_${X264_BUILD}`]: { parameters: ["buffer"], result: "pointer" },
  x264_encoder_encode: { parameters: ["pointer", "buffer", "buffer", "buffer", "buffer"], result: "i32" },
  x264_encoder_delayed_frames: { parameters: ["pointer"], result: "i32" },
  x264_encoder_close: { parameters: ["pointer"], result: "void" },
  x264_picture_init: { parameters: ["buffer"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

type Library = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

// x264.h (build 164): offsets in x264_param_t and x264_picture_t on 64-bit systems.
const PARAM_BYTES = 4096; // sizeof(x264_param_t) is about 1 KB
const PARAM_WIDTH = 28;
const PARAM_HEIGHT = 32;
const PARAM_CSP = 36;
const PARAM_BITDEPTH = 40;
const PICTURE_BYTES = 512; // sizeof(x264_picture_t) is 312
const PICTURE_TYPE = 0;
const PICTURE_PTS = 16;
const PICTURE_IMG_CSP = 40;
const PICTURE_IMG_PLANES = 44;
const PICTURE_IMG_STRIDE = 48;
const PICTURE_IMG_PLANE = 64;
const NAL_PAYLOAD = 24; // x264_nal_t.p_payload
const CSP_I420 = 2;
const TYPE_AUTO = 0;
const TYPE_IDR = 1;

/**
 * The libx264 file this machine's stills would be encoded with: `REEL_LIBX264` (a path, or `off` for none), else
 * the first `libx264.so.164` in `LD_LIBRARY_PATH`'s folders and the usual library folders.
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The file's path, or null when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findLibx264 } from "./libx264.ts";
 * assert.equal(findLibx264((name) => name === "REEL_LIBX264" ? "off" : undefined), null);
 * ```
 */
export function findLibx264(env: (name: string) => string | undefined = Deno.env.get): string | null {
  if (env("REEL_LIBX264") === "off") return null;
  const configured = namedLibx264(env);
  const candidates = configured !== null
    ? [configured]
    : [...(env("LD_LIBRARY_PATH") ?? "").split(":").filter((dir) => dir !== ""), ...LIBRARY_DIRS].map((dir) =>
      `${dir}/${LIBRARY_FILE}`
    );
  // Synchronous stats: a handful of paths at each start (the planner's toolchain and the stills step).
  return candidates.find((path) => statOrNull(path)?.isFile === true) ?? null;
}

/**
 * The libx264 file the user names in `REEL_LIBX264`, or null when it names none (unset, empty, or `off`).
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The path as given, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedLibx264 } from "./libx264.ts";
 * assert.equal(namedLibx264((name) => name === "REEL_LIBX264" ? "off" : undefined), null);
 * assert.equal(namedLibx264((name) => name === "REEL_LIBX264" ? "/opt/x264.so" : undefined), "/opt/x264.so");
 * ```
 */
export function namedLibx264(env: (name: string) => string | undefined = Deno.env.get): string | null {
  const configured = env("REEL_LIBX264");
  return configured === undefined || configured === "" || configured === "off" ? null : configured;
}

/**
 * Identifies the libx264 stills would be encoded with, for their steps' keys: a digest of its bytes (see
 * {@linkcode fileDigest}), so a new build installed over it changes the key and the same build anywhere keeps it.
 * Its file's identity, not a check that it loads: see {@linkcode libx264Problem}.
 *
 * @param path The library, or null. @default findLibx264()
 * @returns 16 hexadecimal digits, or null when there is no library.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libx264Identity } from "./libx264.ts";
 * assert.equal(libx264Identity(null), null);
 * ```
 */
export function libx264Identity(path: string | null = findLibx264()): string | null {
  return path === null ? null : fileDigest(path);
}

/**
 * Why a libx264 file cannot encode stills here, or null when it can: it is opened (once per process or worker)
 * and x264's defaults are read where this module expects them.
 *
 * @param path The library file.
 * @returns The reason (the loader's message, or a layout that is not build 164's), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libx264Problem } from "./libx264.ts";
 * assert.match(libx264Problem("/etc/hostname") ?? "", /cannot be opened/);
 * ```
 */
export function libx264Problem(path: string): string | null {
  const library = openLibrary(path);
  if (!("symbols" in library)) return library.problem;
  return defaultsProblem(library.symbols, new Uint8Array(PARAM_BYTES));
}

const opened = new Map<string, { symbols: Library; identity: string | null } | { problem: string }>();

/**
 * The identity ({@linkcode libx264Identity}) the file at `path` had when this process (or worker) opened it, or
 * undefined when it has not opened it. A library replaced since cannot be opened again under its path (the loader
 * hands back the one it holds), so a long-running worker would encode with the old code.
 *
 * @param path The library file.
 * @returns The identity at opening, null if the file was gone then, or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openedLibx264Identity } from "./libx264.ts";
 * assert.equal(openedLibx264Identity("/never/opened/libx264.so.164"), undefined);
 * ```
 */
export function openedLibx264Identity(path: string): string | null | undefined {
  const library = opened.get(path);
  return library === undefined || !("symbols" in library) ? undefined : library.identity;
}

/** Opens libx264 once per path (per worker), or says why it cannot be. */
function openLibrary(path: string): { symbols: Library; identity: string | null } | { problem: string } {
  let library = opened.get(path);
  if (library === undefined) {
    try {
      library = { symbols: Deno.dlopen(path, SYMBOLS).symbols, identity: libx264Identity(path) };
    } catch (error) {
      // Deno says "Could not open library" or "Failed to register symbol" (another architecture, another build, no
      // --allow-ffi): the reason is kept for the toolchain and `reel doctor`, and ffmpeg encodes the stills.
      // Deno 2.9 says its "Could not open library: " twice, the loader's reason after it: said once, by it.
      const why = (error as Error).message.replace(/^(Could not open library: )+/, "").replace(
        `${path}: `,
        "",
      );
      library = { problem: `${path} cannot be opened: ${why}` };
    }
    opened.set(path, library);
  }
  return library;
}

/**
 * Fills `param` with a preset's defaults and checks the fields set by offset hold them where this module expects
 * them; else the library is not build 164's layout after all.
 */
function defaultsProblem(library: Library, param: Uint8Array, preset = "ultrafast"): string | null {
  if (library.x264_param_default_preset(param, cString(preset), null) < 0) {
    return `x264 has no preset ${preset}`;
  }
  const fields = new DataView(param.buffer);
  const expected = fields.getInt32(PARAM_CSP, true) === CSP_I420 &&
    fields.getInt32(PARAM_BITDEPTH, true) === 8 &&
    fields.getInt32(PARAM_WIDTH, true) === 0 && fields.getInt32(PARAM_HEIGHT, true) === 0;
  return expected ? null : `libx264's parameters are not laid out as build ${X264_BUILD}'s`;
}

/** The encoder's settings: what `stillEncoderArgs` gives ffmpeg, as x264's own option names. */
export interface X264Settings {
  width: number;
  height: number;
  fps: number;
  /** x264's preset, e.g. `ultrafast`. */
  preset: string;
  /** The H.264 profile x264 is held to, e.g. `high`. */
  profile: string;
  /** Options by x264's names (`crf`, `keyint`, `colorprim`...), applied in order after the preset. */
  options: readonly (readonly [string, string])[];
}

/**
 * One libx264 encoder, pictures in, an Annex-B stream out. Not thread-safe; close it when done.
 *
 * @example
 * ```ts
 * import { findLibx264, libx264Problem, X264Encoder } from "./libx264.ts";
 * const path = findLibx264();
 * const encoder = path === null || libx264Problem(path) !== null ? null : X264Encoder.open(path, {
 *   width: 16, height: 16, fps: 30, preset: "ultrafast", profile: "high", options: [["crf", "18"]],
 * });
 * if (encoder !== null) {
 *   encoder.encode({ y: new Uint8Array(256), u: new Uint8Array(64), v: new Uint8Array(64) }, { idr: true });
 *   console.log(encoder.finish().length > 0);
 * }
 * ```
 */
export class X264Encoder {
  readonly #library: Library;
  readonly #handle: Deno.PointerObject;
  readonly #width: number;
  readonly #height: number;
  readonly #picture = new Uint8Array(PICTURE_BYTES);
  readonly #output = new Uint8Array(PICTURE_BYTES);
  readonly #nals = new BigUint64Array(1);
  readonly #count = new Int32Array(1);
  readonly #chunks: Uint8Array[] = [];
  #pts = 0;
  #closed = false;

  private constructor(library: Library, handle: Deno.PointerObject, width: number, height: number) {
    this.#library = library;
    this.#handle = handle;
    this.#width = width;
    this.#height = height;
  }

  /**
   * Opens an encoder.
   *
   * @param path The library file.
   * @param settings Size, frame rate, preset, profile and options.
   * @throws {Error} When the library cannot be used here (see {@linkcode libx264Problem}), naming it.
   * @throws {RangeError} When x264 refuses an option or the settings (a bug in the caller, not bad input).
   */
  static open(path: string, settings: X264Settings): X264Encoder {
    const opened = openLibrary(path);
    if (!("symbols" in opened)) throw new Error(opened.problem);
    const library = opened.symbols;
    const param = new Uint8Array(PARAM_BYTES);
    const problem = defaultsProblem(library, param, settings.preset);
    if (problem !== null) throw new Error(`${path}: ${problem}`);
    const fields = new DataView(param.buffer);
    fields.setInt32(PARAM_WIDTH, settings.width, true);
    fields.setInt32(PARAM_HEIGHT, settings.height, true);
    try {
      const options: (readonly [string, string])[] = [
        ["log", "-1"],
        ["threads", "1"],
        // With x264's default of timestamps rather than a fixed rate, the time base becomes one frame: the SPS's
        // timing says what ffmpeg's does (checked in tests, byte for byte), so stills and ffmpeg's clips share it.
        ["fps", String(settings.fps)],
        ["annexb", "1"],
        ["repeat-headers", "1"],
        ...settings.options,
      ];
      for (const [name, value] of options) {
        const code = library.x264_param_parse(param, cString(name), cString(value));
        if (code !== 0) throw new RangeError(`x264 refused the option ${name}=${value} (${code})`);
      }
      if (library.x264_param_apply_profile(param, cString(settings.profile)) < 0) {
        throw new RangeError(`x264 cannot hold these settings to the ${settings.profile} profile`);
      }
      const handle = library[`x264_encoder_open_${X264_BUILD}`](param);
      if (handle === null) {
        throw new RangeError(`x264 could not open an encoder for ${settings.width}×${settings.height}`);
      }
      return new X264Encoder(library, handle, settings.width, settings.height);
    } finally {
      library.x264_param_cleanup(param);
    }
  }

  /**
   * Encodes one picture; its bytes are copied by x264 before this returns.
   *
   * @param planes The picture's YUV 4:2:0 planes (see `rgbToYuv420`).
   * @param options `idr`: make it an IDR picture (else x264 chooses).
   * @throws {Error} When x264 fails.
   */
  encode(planes: { y: Uint8Array; u: Uint8Array; v: Uint8Array }, options: { idr: boolean }): void {
    this.#checkOpen();
    const picture = new DataView(this.#picture.buffer);
    this.#library.x264_picture_init(this.#picture);
    picture.setInt32(PICTURE_TYPE, options.idr ? TYPE_IDR : TYPE_AUTO, true);
    picture.setBigInt64(PICTURE_PTS, BigInt(this.#pts++), true);
    picture.setInt32(PICTURE_IMG_CSP, CSP_I420, true);
    picture.setInt32(PICTURE_IMG_PLANES, 3, true);
    const strides = [this.#width, this.#width / 2, this.#width / 2];
    [planes.y, planes.u, planes.v].forEach((plane, i) => {
      const expected = strides[i]! * (i === 0 ? this.#height : this.#height / 2);
      if (plane.length !== expected) {
        throw new RangeError(`Plane ${i} holds ${plane.length} bytes, not ${expected}`);
      }
      picture.setInt32(PICTURE_IMG_STRIDE + 4 * i, strides[i]!, true);
      picture.setBigUint64(
        PICTURE_IMG_PLANE + 8 * i,
        BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(plane))),
        true,
      );
    });
    this.#take(
      this.#library.x264_encoder_encode(
        this.#handle,
        this.#nalsOut(),
        this.#countOut(),
        this.#picture,
        this.#output,
      ),
    );
  }

  /**
   * Encodes the pictures x264 still holds, closes the encoder and returns the whole stream.
   *
   * @returns The Annex-B stream: parameter sets before each IDR picture.
   */
  finish(): Uint8Array {
    this.#checkOpen();
    try {
      while (this.#library.x264_encoder_delayed_frames(this.#handle) > 0) {
        this.#take(
          this.#library.x264_encoder_encode(
            this.#handle,
            this.#nalsOut(),
            this.#countOut(),
            null,
            this.#output,
          ),
        );
      }
    } finally {
      this.close();
    }
    return concatBytes(this.#chunks);
  }

  /** Frees the encoder (again: nothing). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#library.x264_encoder_close(this.#handle);
  }

  #nalsOut(): Uint8Array {
    return new Uint8Array(this.#nals.buffer);
  }

  #countOut(): Uint8Array {
    return new Uint8Array(this.#count.buffer);
  }

  /** Copies a frame's NAL units out (x264 writes them one after another, from the first unit's payload). */
  #take(size: number): void {
    if (size < 0) throw new Error(`x264 failed to encode a picture (${size})`);
    if (size === 0 || this.#count[0] === 0) return;
    const units = Deno.UnsafePointer.create(this.#nals[0]!);
    if (units === null) throw new Error("x264 returned a frame without its NAL units");
    const payload = Deno.UnsafePointer.create(new Deno.UnsafePointerView(units).getBigUint64(NAL_PAYLOAD));
    if (payload === null) throw new Error("x264 returned a NAL unit without its bytes");
    const bytes = new Uint8Array(size);
    new Deno.UnsafePointerView(payload).copyInto(bytes);
    this.#chunks.push(bytes);
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error("The x264 encoder is closed");
  }
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}
