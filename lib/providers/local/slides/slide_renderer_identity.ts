/**
 * What identifies the slide renderer in step keys: the resvg build (its versioned npm specifier) and the font
 * files it draws with, so a new resvg or a changed font folder re-renders the slides.
 * @module
 */
import { slideFontsIdentity } from "./_fonts.ts";

/**
 * The slide renderer's identity.
 *
 * @returns e.g. `…/@resvg/resvg-wasm/2.6.2/index.mjs fonts:…`.
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
