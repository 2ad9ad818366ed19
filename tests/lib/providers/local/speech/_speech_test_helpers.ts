/**
 * Small helpers shared by the speech engine tests: WAV headers, temporary folders and the process table.
 * @module
 */
import { isEndedProcessError } from "../../../../../lib/report/process_tree.ts";

/** The format fields of a PCM WAV file. */
export interface WavFormat {
  /** 1 for PCM. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

/**
 * Reads the `fmt ` chunk of a RIFF/WAVE file; throws when the file is not one.
 *
 * @param path The WAV file.
 * @returns Its format.
 */
export async function readWavFormat(path: string): Promise<WavFormat> {
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => new TextDecoder().decode(bytes.subarray(offset, offset + 4));
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error(`${path} is not a RIFF/WAVE file`);
  for (let offset = 12; offset + 8 <= bytes.byteLength; offset += 8 + view.getUint32(offset + 4, true)) {
    if (tag(offset) === "fmt ") {
      return {
        audioFormat: view.getUint16(offset + 8, true),
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    }
  }
  throw new Error(`${path} has no fmt chunk`);
}

/**
 * Lists the ids of this process's running children that run `program` with one of `markers` in their command line
 * (read from `/proc`): test files run side by side in this process, so its other children are other tests'.
 *
 * @param program The program's file name, e.g. `espeak-ng`.
 * @param markers Strings of which the command line (its arguments joined by spaces) holds one, e.g. an output path.
 * @returns The process ids; empty when none runs.
 */
export async function findChildren(program: string, markers: readonly string[]): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const parent = /^PPid:\s*(\d+)$/m.exec(await Deno.readTextFile(`/proc/${entry.name}/status`))?.[1];
      if (Number(parent) !== Deno.pid) continue;
      const [command, ...args] = (await Deno.readTextFile(`/proc/${entry.name}/cmdline`)).split("\0");
      const line = args.join(" ");
      if (command?.split("/").pop() === program && markers.some((marker) => line.includes(marker))) {
        found.push(Number(entry.name));
      }
    } catch (error) {
      // A process may exit between listing /proc and reading its files.
      if (!isEndedProcessError(error)) throw error;
    }
  }
  return found;
}

/**
 * Makes a text of `count` words drawn from a fixed lesson-like vocabulary.
 *
 * @param count How many words.
 * @returns The words joined with spaces, with a full stop every ten words.
 */
export function lessonText(count: number): string {
  const vocabulary = ["the", "water", "cycle", "moves", "rain", "from", "clouds", "to", "rivers", "again"];
  return Array.from({ length: count }, (_, index) => vocabulary[index % vocabulary.length])
    .map((word, index) => (index % 10 === 9 ? `${word}.` : word)).join(" ");
}
