/**
 * Hashing a file without reading it whole into memory.
 * @module
 */
import { createHash } from "node:crypto";

/** The SHA-256 of a file's bytes, as hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}
