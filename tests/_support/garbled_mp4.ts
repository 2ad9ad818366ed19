/**
 * MP4 files damaged on purpose: bytes of their media data (`mdat`) flipped, their index left whole, so they probe
 * well and decode in part.
 * @module
 */

/** Options for {@linkcode garbleMp4}: the copy, and what of the media data to flip. */
export interface GarbleOptions {
  /** The damaged copy. */
  output: string;
  /** From and to, in bytes into the media data. */
  bytes?: [number, number];
  /** From and to, as shares of the media data (0 to 1). */
  share?: [number, number];
}

/**
 * Writes a copy of an MP4 with bytes of its media data flipped (XOR 0x55).
 *
 * @param input The MP4 (its `mdat` box after its index or before).
 * @param options The copy, and the range to flip: `bytes` or `share`.
 */
export async function garbleMp4(input: string, options: GarbleOptions): Promise<void> {
  const bytes = (await Deno.readFile(input)).slice();
  const mdat = new TextDecoder("latin1").decode(bytes).indexOf("mdat");
  const end = mdat - 4 + new DataView(bytes.buffer).getUint32(mdat - 4);
  const [from, to] = options.bytes ?? options.share!.map((share) => Math.floor(share * (end - mdat)));
  for (let k = mdat + from!; k < Math.min(mdat + to!, end); k++) bytes[k]! ^= 0x55;
  await Deno.writeFile(options.output, bytes);
}
