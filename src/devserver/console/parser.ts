// parser.ts: one console line → command word, positional words and --flags (quotes group words; # starts a comment).
import { CodedError } from '../../errors.js';

export interface ParsedLine {
  cmd: string;
  args: string[];
  flags: Record<string, string | true>;
}

/**
 * Splits on blanks; "double" or 'single' quotes keep blanks (and are kept on the word, so a value can be told a
 * string).
 */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of line) {
    if (quote !== undefined) {
      cur += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) {
        out.push(cur);
        cur = '';
        inWord = false;
      }
    } else if (ch === '#' && !inWord) {
      break;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new CodedError('CONSOLE_SYNTAX', `unclosed ${quote}`);
  if (inWord) out.push(cur);
  return out;
}

/** Flags that take a value (`--format senml-json`); any other `--name` is a boolean flag. */
const VALUED = new Set(['format', 'timeout', 'via']);

export function parseLine(line: string): ParsedLine | undefined {
  const words = tokenize(line);
  if (words.length === 0) return undefined;
  const [cmd, ...rest] = words;
  const args: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(w);
    if (!m) {
      args.push(w);
      continue;
    }
    if (m[2] !== undefined) flags[m[1]] = m[2];
    else if (VALUED.has(m[1])) {
      const v = rest[++i];
      if (v === undefined) throw new CodedError('CONSOLE_SYNTAX', `--${m[1]} wants a value`);
      flags[m[1]] = v;
    } else flags[m[1]] = true;
  }
  return { cmd: cmd.toLowerCase(), args, flags };
}

/** Removes one pair of surrounding quotes. */
export function unquote(w: string): string {
  return /^(["']).*\1$/s.test(w) && w.length >= 2 ? w.slice(1, -1) : w;
}
