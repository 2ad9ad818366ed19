/**
 * MP4 files damaged on purpose: bytes of their media data (`mdat`) flipped, their index left whole, so they probe
 * well and decode in part.
 * @module
 */

/**
 * Writes a copy of an MP4 with the bytes of its media data from `from` to `to` flipped (XOR 0x55).
 *
 * @param input The MP4 (its `mdat` box after its index or before).
 * @param output The damaged copy.
 * @param range Where to flip, as offsets into the media data: numbers of bytes, or shares of it (0 to 1) when
 *   `shares` is set.
 */
export async function garbleMp4(
  input: string,
  output: string,
  range: { from: number; to: number; shares?: boolean },
): Promise<void> {
  const bytes = (await Deno.readFile(input)).slice();
  const mdat = new TextDecoder("latin1").decode(bytes).indexOf("mdat");
  const end = mdat - 4 + new DataView(bytes.buffer).getUint32(mdat - 4);
  const at = (offset: number) => mdat + Math.floor(range.shares === true ? offset * (end - mdat) : offset);
  for (let k = at(range.from); k < Math.min(at(range.to), end); k++) bytes[k]! ^= 0x55;
  await Deno.writeFile(output, bytes);
}
