/**
 * Writing a small file so that a reader never sees half of it: settings and memos kept between runs.
 * @module
 */

/**
 * Writes `content` to a temporary file beside `path` (its folder made if missing), then renames it over `path`; the
 * temporary file is removed when writing fails. (Files in an output folder use `publishOutput`'s names instead,
 * which a later render knows to clear away.)
 *
 * @param path The file.
 * @param content Its whole content: text, or bytes.
 * @throws What writing or renaming throws, e.g. `Deno.errors.PermissionDenied`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileWhole } from "./write_file_whole.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileWhole(`${dir}/a/b.json`, "{}");
 * assert.equal(await Deno.readTextFile(`${dir}/a/b.json`), "{}");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileWhole(path: string, content: string | Uint8Array): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || "/", { recursive: true });
  const temporary = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof content === "string") await Deno.writeTextFile(temporary, content);
    else await Deno.writeFile(temporary, content);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
