/**
 * The boxes of an MP4 (ISO base media) file: reading them (the `moov` of a file, a box's children, a track's
 * timing and edits) for the in-process probe and muxer, and writing them.
 * @module
 */
import { readFull } from "../core/read_full.ts";

/** A box: its type, where it starts, and where its body lies in the bytes it was read from. */
export interface Box {
  type: string;
  offset: number;
  start: number;
  end: number;
}

/** The largest `moov` read here: a lesson's is tens of kilobytes; a larger one (or a corrupt size) is not read. */
const MAX_MOOV_BYTES = 64 * 2 ** 20;

/** A top-level box as {@linkcode topBoxes} finds it: its type, where it starts, its header's and its whole size. */
interface TopBox {
  type: string;
  offset: number;
  headerSize: number;
  size: number;
}

/**
 * The top-level boxes of an open file, in order, up to the first that cannot be a box (a size smaller than its
 * header) or that runs past the file's end, which is the last given.
 */
async function* topBoxes(handle: Deno.FsFile, size: number): AsyncGenerator<TopBox> {
  const header = new Uint8Array(16);
  for (let offset = 0; offset + 8 <= size;) {
    await handle.seek(offset, Deno.SeekMode.Start);
    const read = await readFull(handle, header.subarray(0, Math.min(16, size - offset)));
    const view = new DataView(header.buffer, 0, read);
    let boxSize = view.getUint32(0);
    let headerSize = 8;
    if (boxSize === 1) {
      if (read < 16) return;
      boxSize = Number(view.getBigUint64(8));
      headerSize = 16;
    } else if (boxSize === 0) boxSize = size - offset;
    if (boxSize < headerSize) return;
    yield { type: fourCc(header, 4), offset, headerSize, size: boxSize };
    offset += boxSize;
  }
}

/**
 * The `moov` box's body, found by walking the top-level boxes.
 *
 * @param file The file.
 * @returns The body, or null when the file is not a plain MP4 (no `ftyp` first, fragmented, a box past the end).
 * @throws {Deno.errors.NotFound} And the other errors of opening and reading the file.
 */
export async function readMoov(file: string): Promise<Uint8Array | null> {
  using handle = await Deno.open(file, { read: true });
  const stat = await handle.stat();
  if (!stat.isFile) return null;
  let first = true;
  for await (const box of topBoxes(handle, stat.size)) {
    if (first && box.type !== "ftyp") return null;
    first = false;
    if (box.offset + box.size > stat.size) return null;
    if (box.type === "moof") return null; // fragmented: ffprobe's
    if (box.type === "moov") {
      if (box.size - box.headerSize > MAX_MOOV_BYTES) return null;
      const body = new Uint8Array(box.size - box.headerSize);
      await handle.seek(box.offset + box.headerSize, Deno.SeekMode.Start);
      return await readFull(handle, body) === body.length ? body : null;
    }
  }
  return null;
}

/**
 * Whether an MP4 (or MOV, M4A) file ends inside one of its boxes: a file cut short, as a partial download or copy
 * is. ffmpeg plays what is there of such a file and exits 0 (its demuxer says "partial file"), so a clip looped
 * in a montage plays its part, while its index, and so the probe, gives the whole length.
 *
 * @param file The file.
 * @returns True when its first box is `ftyp` and a top-level box runs past its end; false for any other file.
 * @throws {Deno.errors.NotFound} And the other errors of opening and reading the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { box, mp4CutShort } from "./_mp4_boxes.ts";
 * const file = await Deno.makeTempFile({ suffix: ".mp4" });
 * const whole = new Uint8Array([...box("ftyp", [new Uint8Array(8)]), ...box("mdat", [new Uint8Array(100)])]);
 * await Deno.writeFile(file, whole);
 * assert.equal(await mp4CutShort(file), false);
 * await Deno.writeFile(file, whole.subarray(0, 60));
 * assert.equal(await mp4CutShort(file), true);
 * await Deno.remove(file);
 * ```
 */
export async function mp4CutShort(file: string): Promise<boolean> {
  using handle = await Deno.open(file, { read: true });
  const stat = await handle.stat();
  if (!stat.isFile) return false;
  let first = true;
  for await (const box of topBoxes(handle, stat.size)) {
    if (first && box.type !== "ftyp") return false;
    first = false;
    if (box.offset + box.size > stat.size) return true;
  }
  return false;
}

/** A full box's timescale and duration (`mvhd`, `mdhd`: version 0 or 1). */
export function timing(view: DataView, box: Box): { timescale: number; duration: number } {
  const version = view.getUint8(box.start);
  return version === 1
    ? { timescale: view.getUint32(box.start + 20), duration: Number(view.getBigUint64(box.start + 24)) }
    : { timescale: view.getUint32(box.start + 12), duration: view.getUint32(box.start + 16) };
}

/** An `elst` box's edits: each one's length (movie timescale) and where in the media it starts (-1: empty). */
export function editList(view: DataView, box: Box): { segment: number; mediaTime: number }[] {
  const version = view.getUint8(box.start);
  const count = view.getUint32(box.start + 4);
  const size = version === 1 ? 20 : 12;
  if (box.start + 8 + count * size > box.end) {
    throw new RangeError("An elst box holds fewer edits than it counts");
  }
  const edits = [];
  for (let i = 0, at = box.start + 8; i < count; i++, at += size) {
    const edit = version === 1
      ? { segment: Number(view.getBigUint64(at)), mediaTime: Number(view.getBigInt64(at + 8)) }
      : { segment: view.getUint32(at), mediaTime: view.getInt32(at + 4) };
    // An edit played at another rate than 1.0 is ffprobe's to read: marked as an empty edit (media time -1).
    if (view.getInt32(at + size - 4) !== 0x10000) edit.mediaTime = -1;
    edits.push(edit);
  }
  return edits;
}

/** The boxes inside `bytes[start, end)`. */
export function children(bytes: Uint8Array, start: number, end: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  for (let at = start; at + 8 <= end;) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) throw new RangeError("A box runs past its parent");
    boxes.push({ type: fourCc(bytes, at + 4), offset: at, start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/**
 * The first child of `parent` of the given type.
 *
 * @param bytes The bytes `parent` was read from.
 * @param parent A box, or undefined (then so is the child, so a path of boxes reads as a chain).
 * @param type Its four characters.
 * @returns The child, or undefined.
 * @throws {RangeError} When a child runs past its parent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { box, childBox, children } from "./_mp4_boxes.ts";
 * const bytes = box("moov", [box("trak", [])]);
 * const [moov] = children(bytes, 0, bytes.length);
 * assert.equal(childBox(bytes, moov, "trak")?.type, "trak");
 * assert.equal(childBox(bytes, childBox(bytes, moov, "mdia"), "mdhd"), undefined);
 * ```
 */
export function childBox(bytes: Uint8Array, parent: Box | undefined, type: string): Box | undefined {
  return parent === undefined
    ? undefined
    : children(bytes, parent.start, parent.end).find((b) => b.type === type);
}

/** The four characters of a box type or a handler at `at`. */
export function fourCc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/**
 * Writes a box: its size and type, then its parts in order.
 *
 * @param type The four characters of its type.
 * @param parts Its body: bytes, or numbers each written as a big-endian 32-bit unsigned integer.
 * @returns The box's bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { box } from "./_mp4_boxes.ts";
 * assert.deepEqual([...box("free", [1])], [0, 0, 0, 12, 0x66, 0x72, 0x65, 0x65, 0, 0, 0, 1]);
 * ```
 */
export function box(type: string, parts: readonly (Uint8Array | number)[]): Uint8Array {
  let size = 8;
  for (const part of parts) size += typeof part === "number" ? 4 : part.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, size);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const part of parts) {
    if (typeof part === "number") {
      view.setUint32(at, part);
      at += 4;
    } else {
      out.set(part, at);
      at += part.length;
    }
  }
  return out;
}

/**
 * Big-endian unsigned integers of the given byte widths (1, 2, 4 or 8), for a box's fields.
 *
 * @param fields Each field as `[width, value]`.
 * @returns Their bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fields } from "./_mp4_boxes.ts";
 * assert.deepEqual([...fields([2, 0x55c4], [1, 7])], [0x55, 0xc4, 7]);
 * ```
 */
export function fields(...values: readonly (readonly [1 | 2 | 4 | 8, number])[]): Uint8Array {
  const out = new Uint8Array(values.reduce((sum, [width]) => sum + width, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [width, value] of values) {
    if (width === 1) view.setUint8(at, value);
    else if (width === 2) view.setUint16(at, value);
    else if (width === 4) view.setUint32(at, value);
    else view.setBigUint64(at, BigInt(value));
    at += width;
  }
  return out;
}
