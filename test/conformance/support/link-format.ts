// link-format.ts: a CoRE Link Format (RFC 6690, Content-Format 40) parser for Register payloads and Discover answers,
// written for the conformance tests.

export interface Link {
  target: string;
  attrs: Record<string, string>;
}

/**
 * Parses `</1/0>;a=1;b="x",</3>` strictly: every link needs <target>; attribute values may be quoted; throws otherwise.
 */
export function parseLinks(text: string): Link[] {
  const out: Link[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') throw new Error(`link format: expected '<' at ${i} in ${text}`);
    const end = text.indexOf('>', i);
    if (end < 0) throw new Error('link format: unterminated target');
    const link: Link = { target: text.slice(i + 1, end), attrs: {} };
    i = end + 1;
    while (text[i] === ';') {
      i++;
      const m = /^([a-zA-Z0-9_-]+)(?:=("[^"]*"|[^;,]*))?/.exec(text.slice(i));
      if (!m) throw new Error(`link format: bad attribute at ${i} in ${text}`);
      link.attrs[m[1]] = m[2] === undefined ? '' : m[2].replace(/^"(.*)"$/, '$1');
      i += m[0].length;
    }
    out.push(link);
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`link format: expected ',' at ${i} in ${text}`);
      i++;
    }
  }
  return out;
}

/** Links by target. */
export function linkMap(text: string): Record<string, Record<string, string>> {
  return Object.fromEntries(parseLinks(text).map((l) => [l.target, l.attrs]));
}
