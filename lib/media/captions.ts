/**
 * Subtitle files as text: cues written as SubRip (SRT) and WebVTT, each with its own timestamps and escapes.
 * Lessons write cues of one or two lines cut by the caption rules; transcripts one per segment of speech.
 * @module
 */

/** One subtitle cue. */
export interface Cue {
  /** Start in seconds. */
  start: number;
  /** End in seconds. */
  end: number;
  /** The text shown: lines separated by `\n` (blank lines are dropped: they would end the cue). */
  text: string;
}

function timestamp(seconds: number, separator: "," | "."): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/**
 * Formats cues as SubRip (SRT).
 *
 * @param cues The cues.
 * @returns The file's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSrt } from "./captions.ts";
 * assert.ok(formatSrt([{ start: 0, end: 1.5, text: "Hi" }]).startsWith("1\n00:00:00,000 --> 00:00:01,500\nHi"));
 * ```
 */
export function formatSrt(cues: readonly Cue[]): string {
  return cues.map((cue, i) =>
    `${i + 1}\n${timestamp(cue.start, ",")} --> ${timestamp(cue.end, ",")}\n${cueLines(cue.text)}\n`
  )
    .join("\n");
}

/** Options for {@linkcode formatVtt}. */
export interface VttOptions {
  /** Cue settings written after every cue's timing (`line:80%,end align:center`), or null for none. @default null */
  settings?: string | null;
}

/**
 * Formats cues as WebVTT, with `&`, `<` and `>` in cue text written as `&amp;`, `&lt;` and `&gt;` (WebVTT reads
 * `<` as the start of a tag and `&` as the start of a character reference).
 *
 * @param cues The cues.
 * @param options Cue settings for every cue.
 * @returns The file's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatVtt } from "./captions.ts";
 * assert.ok(formatVtt([{ start: 0, end: 1.5, text: "Hi" }]).startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500"));
 * assert.ok(formatVtt([{ start: 0, end: 1, text: "a < b & c" }]).includes("a &lt; b &amp; c"));
 * assert.ok(formatVtt([{ start: 0, end: 1, text: "Hi" }], { settings: "line:80%,end" }).includes("01.000 line:80%,end\n"));
 * ```
 */
export function formatVtt(cues: readonly Cue[], options: VttOptions = {}): string {
  const settings = options.settings ? ` ${options.settings}` : "";
  return `WEBVTT\n\n${
    cues.map((cue) =>
      `${timestamp(cue.start, ".")} --> ${timestamp(cue.end, ".")}${settings}\n${
        escapeVttText(cueLines(cue.text))
      }\n`
    )
      .join("\n")
  }`;
}

/** A cue's text without blank lines, which would end the cue in both formats. */
function cueLines(text: string): string {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "").join("\n");
}

/** Escapes cue text for WebVTT; SRT has no escapes and takes the text as it is. */
function escapeVttText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
