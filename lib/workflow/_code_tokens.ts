/**
 * A TypeScript (or JavaScript) file read as tokens, enough to follow its literals (see `_code_places.ts`): strings
 * (their text read), words, punctuators, and templates, regular expressions and comments skipped whole.
 * @module
 */

/** A token: a punctuator, a word (a name, a keyword, a number), a string's text, or a whole template or regex. */
export interface Token {
  kind: "punct" | "word" | "string" | "other";
  /** The punctuator, the word, or the string's value. */
  text: string;
  start: number;
}

/** The tokens of a file and, for each opening bracket's token, its closing one's. */
export interface Tokens {
  tokens: readonly Token[];
  match: readonly (number | undefined)[];
}

/**
 * Reads a file's tokens and pairs its brackets.
 *
 * @param text The file's text.
 * @returns The tokens, or null when a string, comment or template does not end or the brackets do not pair up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeTokens } from "./_code_tokens.ts";
 * const read = codeTokens("const a = { b: 'c' }; // d")!;
 * assert.deepEqual(read.tokens.map((token) => token.text), ["const", "a", "=", "{", "b", ":", "c", "}", ";"]);
 * assert.equal(read.match[3], 7);
 * ```
 */
export function codeTokens(text: string): Tokens | null {
  const tokens = tokenize(text);
  if (tokens === null) return null;
  const match = matchingBrackets(tokens);
  return match === null ? null : { tokens, match };
}

/** For each opening bracket's token, its closing one's; null when the brackets do not pair up. */
function matchingBrackets(tokens: readonly Token[]): (number | undefined)[] | null {
  const pairs: Record<string, string> = { "}": "{", "]": "[", ")": "(" };
  const match: (number | undefined)[] = [];
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const { kind, text } = tokens[i]!;
    if (kind !== "punct") continue;
    if (text === "{" || text === "[" || text === "(") open.push(i);
    const opener = pairs[text];
    if (opener === undefined) continue;
    const at = open.pop();
    if (at === undefined || tokens[at]!.text !== opener) return null;
    match[at] = i;
  }
  return open.length === 0 ? match : null;
}

/** Words after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
]);
const WORD = /[\p{ID_Continue}$\u200c\u200d.]/u;
const WORD_START = /[\p{ID_Start}$_0-9]/u;

/** The file's tokens; null when a string, comment or template does not end. */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    const start = i;
    if (/\s/.test(char)) {
      i++;
    } else if (text.startsWith("//", i)) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) return null;
      i = end + 2;
    } else if (char === '"' || char === "'") {
      const end = stringEnd(text, i);
      if (end === null) return null;
      tokens.push({ kind: "string", text: unescape(text.slice(i + 1, end - 1)), start });
      i = end;
    } else if (char === "`") {
      const end = templateEnd(text, i);
      if (end === null) return null;
      // A template without `${}` is a string (rv17: one changed by code was placed at what was written); its line
      // breaks read as "\n", as JavaScript reads them.
      const raw = text.slice(i + 1, end - 1);
      tokens.push(
        substituted(raw)
          ? { kind: "other", text: "`", start }
          : { kind: "string", text: unescape(raw.replace(/\r\n?/g, "\n")), start },
      );
      i = end;
    } else if (char === "/" && regexMayStart(tokens.at(-1))) {
      const end = regexEnd(text, i);
      if (end === null) return null;
      tokens.push({ kind: "other", text: "/", start });
      i = end;
    } else if (text.startsWith("...", i)) {
      tokens.push({ kind: "punct", text: "...", start });
      i += 3;
    } else if (WORD_START.test(char)) {
      while (i < text.length && WORD.test(text[i]!)) i++;
      tokens.push({ kind: "word", text: text.slice(start, i), start });
    } else {
      // `=>` is one token, so that `=` alone is an assignment's.
      const text2 = text.startsWith("=>", i) ? "=>" : char;
      tokens.push({ kind: "punct", text: text2, start });
      i += text2.length;
    }
  }
  return tokens;
}

function regexMayStart(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.kind === "word") return BEFORE_REGEX.has(previous.text);
  return previous.kind === "punct" && !["]", ")", "}"].includes(previous.text);
}

/** The offset just past the string that starts at `at`; null when it does not end on its line. */
function stringEnd(text: string, at: number): number | null {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === quote) return i + 1;
    else if (char === "\n") return null;
  }
  return null;
}

/** The offset just past the template literal that starts at `at`, its `${ … }` read as code. */
function templateEnd(text: string, at: number): number | null {
  for (let i = at + 1; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") {
      i++;
    } else if (char === "`") {
      return i + 1;
    } else if (text.startsWith("${", i)) {
      const end = codeEnd(text, i + 2);
      if (end === null) return null;
      i = end - 1;
    }
  }
  return null;
}

/** The offset just past the `}` that closes code starting at `at` (inside a template's `${`). */
function codeEnd(text: string, at: number): number | null {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'" || char === "`") {
      const end = char === "`" ? templateEnd(text, i) : stringEnd(text, i);
      if (end === null) return null;
      i = end - 1;
    } else if (char === "{") {
      depth++;
    } else if (char === "}") {
      if (depth === 0) return i + 1;
      depth--;
    }
  }
  return null;
}

/** The offset just past the regular expression that starts at `at` (its flags included). */
function regexEnd(text: string, at: number): number | null {
  let inClass = false;
  for (let i = at + 1; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === "\n") return null;
    else if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
    else if (char === "/" && !inClass) {
      let end = i + 1;
      while (end < text.length && /[a-z]/i.test(text[end]!)) end++;
      return end;
    }
  }
  return null;
}

/** Whether a template's text holds a `${}` (not one escaped). */
function substituted(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else if (raw.startsWith("${", i)) return true;
  }
  return false;
}

/** A string's text, its escapes read as JavaScript reads them (a `\` before a line break is none). */
function unescape(raw: string): string {
  return raw.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g,
    (_, escape: string) => {
      if (escape.startsWith("u{")) return String.fromCodePoint(parseInt(escape.slice(2, -1), 16));
      if (escape[0] === "u" || escape[0] === "x") return String.fromCharCode(parseInt(escape.slice(1), 16));
      if (/^(?:\r\n|[\n\r\u2028\u2029])$/.test(escape)) return "";
      const named: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        b: "\b",
        f: "\f",
        v: "\v",
        "0": "\0",
      };
      return named[escape] ?? escape;
    },
  );
}
