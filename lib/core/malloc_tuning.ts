/**
 * Keeps reel's long runs from growing through heap fragmentation. glibc serves a block of 128 KB or more with its
 * own mapping, returned to the system when freed, until the first such block is freed: from then on it raises that
 * threshold to the freed block's size, and buffers up to that size (pipe reads of children's output, files read
 * whole, PNGs) come from the heap, whose holes it rarely gives back. A 50-video render grew by about 2.5 MB a
 * second that way, with every JavaScript heap flat. Fixing the threshold turns the raising off; at 64 KB it also
 * gives the 64 KB buffers of pipe reads their own mappings. Measured on the 50-video scaling lesson: 354 MB peak
 * instead of 409 MB, 254–269 MB with V8's smaller young generation (`tasks/_v8_flags.ts`), at the same speed.
 * @module
 */

import { openSystemLibrary } from "./open_library.ts";

/** glibc's `M_MMAP_THRESHOLD` parameter of `mallopt(3)`. */
const M_MMAP_THRESHOLD = -3;
/** The threshold, kept fixed. */
const THRESHOLD_BYTES = 64 * 1024;

/**
 * Fixes glibc's mmap threshold for this process (its workers included; children are separate processes and keep
 * their own). Does nothing, and says so, off Linux, off glibc, or without the FFI permission.
 *
 * @returns True when the threshold was set.
 * @throws {Error} When libc.so.6 is there but cannot be used for another reason than those above.
 *
 * @example
 * ```ts
 * import { fixMmapThreshold } from "./malloc_tuning.ts";
 * fixMmapThreshold(); // true on Linux with glibc and --allow-ffi
 * ```
 */
export function fixMmapThreshold(): boolean {
  if (Deno.build.os !== "linux") return false;
  // Without --allow-ffi, or on a system with no glibc (musl, a static build), the default behaviour stays.
  const libc = openSystemLibrary("libc.so.6", { mallopt: { parameters: ["i32", "i32"], result: "i32" } });
  if (libc === null) return false;
  try {
    return libc.symbols.mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES) === 1;
  } finally {
    libc.close();
  }
}
