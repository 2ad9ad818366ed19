/**
 * Where JSON text stops being JSON: V8's `JSON.parse` names the position of some mistakes and not of others
 * (`Unexpected token ']', "[1,]" is not valid JSON`), so the place is found by scanning the grammar once more.
 * @module
 */

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// deno-lint-ignore no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Thrown inside the scanner at the first character that cannot continue the text. */
class Stop {
  constructor(readonly offset: number) {}
}

/**
 * Finds the offset of the first character at which `text` is not valid JSON.
 *
 * @param text The text that `JSON.parse` refused.
 * @returns The offset (the text's length when the text ends too early), or null when the text is valid JSON.
 */
export function jsonErrorOffset(text: string): number | null {
  let at = 0;
  const skip = () => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at++;
  };
  const expect = (char: string) => {
    skip();
    if (text[at] !== char) throw new Stop(at);
    at++;
  };
  const token = (pattern: RegExp) => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match === null) throw new Stop(firstBadInToken(text, at));
    at += match[0].length;
  };
  const value = (): void => {
    skip();
    const char = text[at];
    if (char === "{") return members("}", () => (token(STRING), expect(":"), value()));
    if (char === "[") return members("]", value);
    if (char === '"') return token(STRING);
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return;
      }
    }
    if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return token(NUMBER);
    throw new Stop(at);
  };
  const members = (close: string, member: () => void) => {
    at++;
    skip();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      skip();
      member();
      skip();
      if (text[at] === close) {
        at++;
        return;
      }
      expect(",");
    }
  };
  try {
    value();
    skip();
    return at < text.length ? at : null;
  } catch (error) {
    if (error instanceof Stop) return Math.min(error.offset, text.length);
    throw error;
  }
}

/** Inside a string or number that does not scan: the first character that breaks it. */
function firstBadInToken(text: string, start: number): number {
  if (text[start] !== '"') return start;
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i]!;
    if (char < " " || char === '"') return i;
    if (char !== "\\") continue;
    const escape = text.slice(i + 1, i + 6);
    if (!/^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(escape)) return i;
    i += escape[0] === "u" ? 5 : 1;
  }
  return text.length;
}
