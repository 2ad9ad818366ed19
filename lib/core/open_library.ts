/**
 * Opening a system library through Deno's FFI where it may be missing: reel's uses of FFI (libdeflate, zlib,
 * glibc's mallopt) are speed-ups with a fall-back, so a library that cannot be used is not an error.
 * @module
 */

/**
 * Opens a system library, or says it cannot be used here.
 *
 * @param name The library's file name (e.g. `libz.so.1`) or path.
 * @param symbols The symbols to bind.
 * @returns The library, or null without `--allow-ffi`, without such a library (another system, a static or musl
 * build), or when it lacks a symbol (another build).
 * @throws {Error} Anything else Deno throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSystemLibrary } from "./open_library.ts";
 * assert.equal(openSystemLibrary("libno-such-library.so.9", {}), null);
 * ```
 */
export function openSystemLibrary<S extends Deno.ForeignLibraryInterface>(
  name: string,
  symbols: S,
): Deno.DynamicLibrary<S> | null {
  try {
    return Deno.dlopen(name, symbols);
  } catch (error) {
    // Deno tells a library it cannot open, or a symbol it cannot bind, only by its message.
    if (error instanceof Deno.errors.NotCapable) return null;
    if (/Could not open library|Failed to register symbol/.test(String(error))) return null;
    throw error;
  }
}
