/**
 * Whole font files for resvg, read once per process.
 * @module
 */

const files = new Map<string, Promise<Uint8Array>>();

/** The bytes of the font file at `path`, read on the first call and kept. A failed read is forgotten. */
export function readFontFile(path: string): Promise<Uint8Array> {
  let bytes = files.get(path);
  if (bytes === undefined) {
    bytes = Deno.readFile(path);
    files.set(path, bytes);
    bytes.catch(() => files.delete(path));
  }
  return bytes;
}
