// exec-args.ts: LwM2M 1.1 Execute argument syntax: `digit [ "=" "'" text "'" ] { "," … }`.

export interface ExecArg {
  id: number;
  value?: string;
}

/**
 * Parses Execute arguments; returns undefined when the text does not follow the syntax (→ 4.00). Empty text is no
 * arguments.
 */
export function parseExecArgs(s: string): ExecArg[] | undefined {
  const out: ExecArg[] = [];
  if (s === '') return out;
  let i = 0;
  for (;;) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return undefined;
    const arg: ExecArg = { id: c - 48 };
    i++;
    if (s[i] === '=') {
      if (s[i + 1] !== "'") return undefined;
      const end = s.indexOf("'", i + 2);
      if (end < 0) return undefined;
      const text = s.slice(i + 2, end);
      // arg value characters: ! and # to & and ( to [ and ] to ~ (no quote, no backslash, printable ASCII)
      for (let k = 0; k < text.length; k++) {
        const t = text.charCodeAt(k);
        if (t < 0x20 || t > 0x7e || t === 0x27 || t === 0x22 || t === 0x5c) return undefined;
      }
      arg.value = text;
      i = end + 1;
    }
    out.push(arg);
    if (i === s.length) return out;
    if (s[i] !== ',') return undefined;
    i++;
  }
}
