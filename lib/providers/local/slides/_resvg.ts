/**
 * resvg's WebAssembly module, initialised once per process or worker, and a way to read a rendered image's pixels
 * where resvg keeps them instead of through a copy.
 * @module
 */
import { initWasm, type Resvg } from "@resvg/resvg-wasm";

/** What `Resvg.render()` returns (the package does not export its type). */
type RenderedImage = ReturnType<InstanceType<typeof Resvg>["render"]>;

/**
 * The import through which the bindings of `@resvg/resvg-wasm` 2.6.2 (wasm-bindgen) make a `Uint8Array` view of
 * the module's memory: `pixels` makes one over the image, then copies it into a new array.
 */
const VIEW_IMPORT = "__wbg_newwithbyteoffsetandlength_aa4a17c33a06e5cb";

type ViewImport = (buffer: number, offset: number, length: number) => number;

/** The module's memory, once initialised through {@linkcode ensureResvg} with the view import found; else null. */
let memory: WebAssembly.Memory | null = null;
/** While {@linkcode borrowPixels} asks for the pixels: the views the bindings asked for, which they get empty. */
let views: { offset: number; length: number }[] | null = null;

let ready: Promise<void> | null = null;

/** Resolves once resvg-wasm is initialised; the first call reads and compiles the wasm file. */
export function ensureResvg(): Promise<void> {
  if (ready === null) {
    ready = (async () => {
      const bytes = await Deno.readFile(new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")));
      const module = await WebAssembly.compile(bytes);
      const instantiate = WebAssembly.instantiate;
      if (!Object.getOwnPropertyDescriptor(WebAssembly, "instantiate")?.writable) {
        // Built-ins frozen (e.g. by a hardened runtime): no pixels in place, the copy as before.
        await initWasm(module);
        return;
      }
      // The bindings instantiate the module with their imports; this wraps the one that makes views, and keeps
      // the instance's memory. Only the call made by initWasm below passes through (this Module, a `wbg` object).
      WebAssembly.instantiate = (async (source: WebAssembly.Module, imports?: WebAssembly.Imports) => {
        const wbg = imports?.wbg as Record<string, unknown> | undefined;
        const view = wbg?.[VIEW_IMPORT];
        if (source !== module || typeof view !== "function") return await instantiate(source, imports);
        wbg![VIEW_IMPORT] = ((buffer, offset, length) => {
          if (views === null) return (view as ViewImport)(buffer, offset, length);
          views.push({ offset: offset >>> 0, length: length >>> 0 });
          return (view as ViewImport)(buffer, offset, 0);
        }) satisfies ViewImport;
        const instance = await instantiate(source, imports);
        const exported = instance.exports.memory;
        memory = exported instanceof WebAssembly.Memory ? exported : null;
        return instance;
      }) as typeof WebAssembly.instantiate;
      try {
        await initWasm(module);
      } finally {
        WebAssembly.instantiate = instantiate;
      }
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

/**
 * A rendered image's RGBA pixels, read in place in resvg's memory where the bindings allow it (no 8 MB copy for a
 * 1080p slide, and no fresh pages for the kernel to map), else copied as `image.pixels` copies them. The view is
 * valid until the image is freed or resvg runs again: use it at once.
 *
 * @param image A rendered image, not yet freed.
 * @returns Its pixels, `width × height × 4` bytes.
 *
 * @example
 * ```ts
 * import { borrowPixels, ensureResvg } from "./_resvg.ts";
 * import { Resvg } from "@resvg/resvg-wasm";
 * await ensureResvg();
 * const image = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"/>').render();
 * console.log(borrowPixels(image).length); // 8
 * image.free();
 * ```
 */
export function borrowPixels(image: RenderedImage): Uint8Array {
  const expected = image.width * image.height * 4;
  if (memory !== null) {
    views = [];
    let asked;
    try {
      image.pixels;
      asked = views;
    } finally {
      views = null;
    }
    // The image's pixels are one view of the right length; anything else and the bindings are not those this was
    // written for: copy.
    if (asked.length === 1 && asked[0]!.length === expected) {
      return new Uint8Array(memory.buffer, asked[0]!.offset, expected);
    }
  }
  return image.pixels;
}

/**
 * Rendered pixels with straight alpha, as PNG stores them: resvg's are premultiplied by their alpha (a white
 * pixel at half opacity is 128, 128, 128, 128), so each colour is divided by its alpha, rounded; a fully
 * transparent pixel is 0, 0, 0, 0.
 *
 * @param premultiplied RGBA pixels whose colours are premultiplied by their alpha (left unchanged).
 * @returns A new array of the same pixels with straight alpha.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { straightAlpha } from "./_resvg.ts";
 * assert.deepEqual(straightAlpha(new Uint8Array([128, 128, 128, 128, 9, 9, 9, 0])), new Uint8Array([255, 255, 255, 128, 0, 0, 0, 0]));
 * ```
 */
export function straightAlpha(premultiplied: Uint8Array): Uint8Array {
  const out = new Uint8Array(premultiplied.length);
  for (let i = 0; i < premultiplied.length; i += 4) {
    const alpha = premultiplied[i + 3]!;
    if (alpha === 0) continue;
    out[i + 3] = alpha;
    for (let channel = 0; channel < 3; channel++) {
      out[i + channel] = Math.min(255, Math.round(premultiplied[i + channel]! * 255 / alpha));
    }
  }
  return out;
}
