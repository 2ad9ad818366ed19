/**
 * The small markdown subset of slide titles and bullets: `**bold**`, `*italic*` and `` `code` ``, with backslash
 * escapes. Emphasis follows CommonMark's flanking rules in a simplified form (a run of asterisks opens when it is
 * followed by a non-space, closes when it follows one; the nearest opener wins), so `2 * 3 * 4` stays literal.
 * Markers that find no partner are text; nothing here throws.
 * @module
 */

/** A stretch of text set in one style. */
export interface InlineSpan {
  text: string;
  bold: boolean;
  italic: boolean;
  /** Monospace, as code. */
  code: boolean;
}

type Token =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "stars"; count: number; canOpen: boolean; canClose: boolean };

interface Pair {
  open: number;
  close: number;
  strong: boolean;
}

/** ASCII punctuation, which a backslash makes literal (CommonMark's rule). */
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const SPACE = /\s/u;
/** Punctuation and symbols, for the flanking rules. */
const PUNCT = /[\p{P}\p{S}]/u;
const SPECIAL = /[\\`*]/;

/**
 * Parses slide text into styled spans, adjacent spans of one style merged and empty ones dropped.
 *
 * @param text A title or bullet as the workflow writes it.
 * @returns The spans; their texts joined are the text without its markup.
 */
export function parseInline(text: string): InlineSpan[] {
  const tokens = tokenize(text);
  const pairs = matchEmphasis(tokens);
  const spans: InlineSpan[] = [];
  let strong = 0;
  let em = 0;
  const push = (part: string, code: boolean) => {
    if (part === "") return;
    const style = { bold: strong > 0, italic: em > 0, code };
    const last = spans.at(-1);
    if (
      last !== undefined && last.bold === style.bold && last.italic === style.italic && last.code === code
    ) {
      last.text += part;
    } else spans.push({ text: part, ...style });
  };
  for (const [index, token] of tokens.entries()) {
    for (const pair of pairs) {
      if (pair.close === index) pair.strong ? strong-- : em--;
    }
    if (token.type === "stars") push("*".repeat(token.count), false);
    else push(token.text, token.type === "code");
    for (const pair of pairs) {
      if (pair.open === index) pair.strong ? strong++ : em++;
    }
  }
  return spans;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pushText = (part: string) => {
    const last = tokens.at(-1);
    if (last?.type === "text") last.text += part;
    else tokens.push({ type: "text", text: part });
  };
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "\\" && PUNCTUATION.test(text[index + 1] ?? "")) {
      pushText(text[index + 1]!);
      index += 2;
    } else if (char === "`") {
      const run = runLength(text, index, "`");
      const close = closingTicks(text, index + run, run);
      if (close === -1) pushText("`".repeat(run));
      else tokens.push({ type: "code", text: codeText(text.slice(index + run, close)) });
      index = close === -1 ? index + run : close + run;
    } else if (char === "*") {
      const run = runLength(text, index, "*");
      const before = index === 0 ? " " : text[index - 1]!;
      const after = text[index + run] ?? " ";
      tokens.push({
        type: "stars",
        count: run,
        canOpen: !SPACE.test(after) && (!PUNCT.test(after) || SPACE.test(before) || PUNCT.test(before)),
        canClose: !SPACE.test(before) && (!PUNCT.test(before) || SPACE.test(after) || PUNCT.test(after)),
      });
      index += run;
    } else {
      let end = index + 1;
      while (end < text.length && !SPECIAL.test(text[end]!)) end++;
      pushText(text.slice(index, end));
      index = end;
    }
  }
  return tokens;
}

function runLength(text: string, from: number, char: string): number {
  let end = from;
  while (text[end] === char) end++;
  return end - from;
}

/** Where a run of exactly `run` backticks starts after `from`, or -1. */
function closingTicks(text: string, from: number, run: number): number {
  for (let index = text.indexOf("`", from); index !== -1; index = text.indexOf("`", index)) {
    const length = runLength(text, index, "`");
    if (length === run) return index;
    index += length;
  }
  return -1;
}

/** A code span's text: one space each side is dropped when both are there, so `` ` `x` ` `` shows `` `x` ``. */
function codeText(inner: string): string {
  return inner.length > 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== ""
    ? inner.slice(1, -1)
    : inner;
}

/**
 * Pairs runs of asterisks from left to right: each run that may close takes the nearest earlier run that may open,
 * two asterisks from each when both have two (bold), else one (italic); runs between a matched pair can no longer
 * open. What is left of a run is literal text.
 */
function matchEmphasis(tokens: Token[]): Pair[] {
  const pairs: Pair[] = [];
  for (const [close, closer] of tokens.entries()) {
    if (closer.type !== "stars" || !closer.canClose) continue;
    while (closer.count > 0) {
      const open = openerBefore(tokens, close);
      if (open === -1) break;
      const opener = tokens[open] as Extract<Token, { type: "stars" }>;
      const strong = opener.count >= 2 && closer.count >= 2;
      opener.count -= strong ? 2 : 1;
      closer.count -= strong ? 2 : 1;
      pairs.push({ open, close, strong });
      for (const between of tokens.slice(open + 1, close)) {
        if (between.type === "stars") between.canOpen = false;
      }
    }
  }
  return pairs;
}

function openerBefore(tokens: readonly Token[], close: number): number {
  for (let index = close - 1; index >= 0; index--) {
    const token = tokens[index]!;
    if (token.type === "stars" && token.canOpen && token.count > 0) return index;
  }
  return -1;
}
