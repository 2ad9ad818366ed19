/**
 * The V8 flags reel's tasks run with (`deno.json` spells them out in `render`, `reel`, `transcribe`, `worker` and
 * `compile`; a test keeps the two alike), and so the renders `--watch` starts and the benchmarks, which measure
 * what users run. The benchmarks' own processes take them too (every `bench` task): Deno keeps one code cache,
 * and V8 rejects code cached under other flags, so a bench process without them made the render after it compile
 * again every module they share (the scaling table's one-video row: 3.7–4.0 s against 2.7–2.9 s, its ten videos
 * 15.9–16.3 s against 13.9 s).
 * - `--liftoff-only`: resvg's WebAssembly stays on V8's baseline compiler. Optimizing it again in the background
 *   cost each worker more CPU than it saved on slide-sized renders (a 1-video lesson: 2.05 → 1.48 CPU-s in reel's
 *   own process, 345 → 266 MB; the 3-format benchmark lesson at 1080p: 7.5 → 7.0 CPU-s).
 * - `--max-semi-space-size=4`: a young generation of 4 MB instead of up to 16 MB in each of the three isolates (the
 *   main thread and two workers): with glibc's mmap threshold fixed (`lib/core/malloc_tuning.ts`), 50 videos peak
 *   at 254–269 MB instead of 354 MB, for about 3% more time at that size and none measurable at one video.
 * - `--expose-gc`: lets each isolate collect its garbage when it has grown by a few megabytes
 *   (`lib/core/heap_pacer.ts`): what keeps the benchmark's 50 videos, each with its own slides, under 300 MB
 *   (README, Benchmark). `--optimize-for-size` held them lower but made the 1080p lesson ~6% slower.
 * @module
 */

/** The `--v8-flags` argument, as `deno run` takes it. */
export const REEL_V8_FLAGS = "--v8-flags=--liftoff-only,--max-semi-space-size=4,--expose-gc";

/**
 * What the benchmarks' Deno baselines (the frame-by-frame pipelines) run with: no code cache. They load some of
 * reel's modules without its V8 flags, and V8 rejects code cached under other flags: each baseline run left those
 * modules cached for itself, and the reel render after it compiled them again. Compiling them costs a baseline
 * well under a second of its minutes.
 */
export const BASELINE_DENO_FLAGS: readonly string[] = ["--no-code-cache"];
