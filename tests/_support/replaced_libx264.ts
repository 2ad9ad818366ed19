/**
 * The stills step in a worker that opened libx264 before its file was replaced: run as its own process with
 * `REEL_LIBX264` naming `copy` (a copy of `library`), it encodes once with the copy, replaces the copy's file with
 * other bytes, and tries again. Prints `{ first, replaced, error }`: the first run's value, the new file's digest,
 * and the second run's error message.
 *
 * Usage: deno run -A tests/_support/replaced_libx264.ts <library> <copy>
 * @module
 */
import { concatBytes } from "../../lib/core/concat_bytes.ts";
import { libx264Identity } from "../../lib/media/h264/libx264.ts";
import { runStills } from "./stills_run.ts";

const [library, copy] = Deno.args;
if (library === undefined || copy === undefined || Deno.env.get("REEL_LIBX264") !== copy) {
  throw new Error("Usage: REEL_LIBX264=<copy> deno run -A replaced_libx264.ts <library> <copy>");
}
const first = (await runStills({ inProcess: true, runtime: { x264: libx264Identity(copy)! } })).value;
// A package manager puts a new file in its place (here the library with a byte more: other bytes).
await Deno.remove(copy);
await Deno.writeFile(copy, concatBytes([await Deno.readFile(library), new Uint8Array([0])]));
const replaced = libx264Identity(copy)!;
let error = "";
try {
  await runStills({ inProcess: true, runtime: { x264: replaced } });
} catch (caught) {
  error = caught instanceof Error ? caught.message : String(caught);
}
console.log(JSON.stringify({ first, replaced, error }));
