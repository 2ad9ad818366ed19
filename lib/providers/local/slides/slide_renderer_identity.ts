/**
 * What identifies the slide renderer in step keys: the resvg build (its versioned npm specifier) and the font
 * files it may draw with, so a new resvg or a changed font re-renders the slides.
 * @module
 */
import { slideFontsIdentity } from "./slide_fonts_identity.ts";

/**
 * The slide renderer's identity.
 *
 * @returns e.g. `npm:@resvg/resvg-wasm/2.6.2/index.mjs fonts:1a2b3c4d5e6f7a8b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideRendererIdentity } from "./slide_renderer_identity.ts";
 * assert.match(await slideRendererIdentity(), /resvg-wasm.2\.6\.2/);
 * ```
 */
export async function slideRendererIdentity(): Promise<string> {
  const resvg = import.meta.resolve("@resvg/resvg-wasm").replace(/^.*registry\.npmjs\.org\//, "npm:");
  return `${resvg} fonts:${await slideFontsIdentity()}`;
}
