// link.ts: CoRE link format (RFC 6690, content format 40) for registration payloads and Discover.
import { CodedError } from '../../errors.js';

export interface Link {
  target: string;
  params: Record<string, string | number | true>;
}

function formatParam(k: string, v: string | number | true): string {
  if (v === true) return k;
  if (typeof v === 'number') return `${k}=${v}`;
  return /^[0-9A-Za-z.!#$%&'*+\-^_`|~]+$/.test(v) && k !== 'rt' && k !== 'if'
    ? `${k}=${v}`
    : `${k}="${v.replace(/(["\\])/g, '\\$1')}"`;
}

export function formatLinks(links: readonly Link[]): string {
  return links
    .map(
      (l) =>
        `<${l.target}>` +
        Object.entries(l.params)
          .map(([k, v]) => ';' + formatParam(k, v))
          .join(''),
    )
    .join(',');
}

export function parseLinks(s: string): Link[] {
  const out: Link[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new CodedError('FORMAT_DECODE', `link format at ${i}: ${why}`);
  };
  const skipWs = (): void => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  skipWs();
  if (i >= s.length) return out;
  for (;;) {
    skipWs();
    if (s[i] !== '<') fail("expected '<'");
    const end = s.indexOf('>', i);
    if (end < 0) fail("missing '>'");
    const link: Link = { target: s.slice(i + 1, end), params: {} };
    i = end + 1;
    while (s[i] === ';') {
      i++;
      const m = /^([A-Za-z0-9!#$&+\-.^_`|~*]+)/.exec(s.slice(i));
      if (!m) fail('bad parameter name');
      const key = m![1];
      i += key.length;
      if (s[i] === '=') {
        i++;
        if (s[i] === '"') {
          let v = '';
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\') i++;
            v += s[i] ?? '';
            i++;
          }
          if (s[i] !== '"') fail('unterminated quoted value');
          i++;
          link.params[key] = v;
        } else {
          const m2 = /^[^;,]*/.exec(s.slice(i))![0];
          i += m2.length;
          link.params[key] = /^-?\d+(\.\d+)?$/.test(m2) ? Number(m2) : m2;
        }
      } else link.params[key] = true;
    }
    out.push(link);
    skipWs();
    if (i >= s.length) return out;
    if (s[i] !== ',') fail("expected ','");
    i++;
  }
}
