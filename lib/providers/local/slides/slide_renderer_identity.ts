/**
 * What identifies the slide renderer in step keys: the resvg build, the opentype.js that measures text and the
 * bidi-js that orders right-to-left text (their versioned npm specifiers), the Deno whose ICU breaks lines, and the
 * font files it may draw with, so a new resvg, a new text layout or a changed font re-renders the slides.
 * @module
 */
import { slideFontsIdentity } from "./slide_fonts_identity.ts";

/**
 * The slide renderer's identity.
 *
 * @returns e.g. `npm:@resvg/resvg-wasm/2.6.2/index.mjs npm:opentype.js/1.3.4/dist/opentype.module.js
 *   npm:bidi-js/1.1.0/dist/bidi.mjs deno:2.9.6 fonts:1a2b3c4d5e6f7a8b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideRendererIdentity } from "./slide_renderer_identity.ts";
 * const identity = await slideRendererIdentity();
 * assert.match(identity, /resvg-wasm.2\.6\.2.* npm:opentype\.js.1\.3\.4.* npm:bidi-js.1\.1\.0.* deno:2\./);
 * ```
 */
export async function slideRendererIdentity(): Promise<string> {
  const npm = (specifier: string) =>
    import.meta.resolve(specifier).replace(/^.*registry\.npmjs\.org\//, "npm:");
  // opentype.js measures the text, Deno's ICU breaks its lines and bidi-js orders right-to-left words: each decides
  // where a slide's words fall.
  const layout = `${npm("opentype.js/dist/opentype.module.js")} ${
    npm("bidi-js/dist/bidi.mjs")
  } deno:${Deno.version.deno}`;
  return `${npm("@resvg/resvg-wasm")} ${layout} fonts:${await slideFontsIdentity()}`;
}
