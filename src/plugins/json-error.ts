// json-error.ts: where a JSON text goes wrong (line and column, 1-based) and what was expected there, for messages
// about plugin.json; a small RFC 8259 scanner since JSON.parse's messages do not always say where.

export interface JsonErrorPlace {
  line: number;
  column: number;
  expected: string;
}

class Stop {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

/** The first place `text` stops being JSON; undefined when it is valid. */
export function jsonErrorPlace(text: string): JsonErrorPlace | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const lit = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) throw new Stop(i, `"${word}"`);
      i++;
    }
  };
  const str = (): void => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Stop(i, 'a closing "');
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') throw new Stop(i, 'no control character inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'a \\uXXXX escape');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Stop(i, 'an escape like \\n or \\"');
        i += 2;
        continue;
      }
      i++;
    }
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') throw new Stop(i, 'a number');
    i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Stop(i, 'a property name in double quotes');
        str();
        ws();
        if (text[i] !== ':') throw new Stop(i, "':'");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw new Stop(i, "',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw new Stop(i, "',' or ']'");
      }
    }
    if (c === '"') return str();
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    throw new Stop(i, 'a value');
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Stop(i, 'the end of the text');
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.at).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1, expected: e.expected };
  }
}

/** `line 3 column 8: expected ',' or '}' (found "x")` for text JSON.parse refused. */
export function describeJsonError(text: string, fallback: string): string {
  const p = jsonErrorPlace(text);
  if (!p) return fallback;
  const lines = text.split('\n');
  const found = lines[p.line - 1]?.[p.column - 1];
  return `line ${p.line} column ${p.column}: expected ${p.expected}${found === undefined ? ' (found the end of the text)' : ` (found ${JSON.stringify(found)})`}`;
}
