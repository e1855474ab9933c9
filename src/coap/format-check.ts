// format-check.ts: the RFC 7252 §3 message format checked byte by byte before decoding: a datagram that fails is a
// format error (dropped; RST when it is a readable CON).

/**
 * Options per message we take at most; more is treated as a format error (a request needs a handful, thousands cost CPU
 * and memory).
 */
export const MAX_OPTIONS = 64;

/** Why a datagram is not a well-formed CoAP message, or undefined when it is. */
export function formatError(d: Uint8Array): string | undefined {
  if (d.length < 4) return 'shorter than the 4-byte header';
  if (d[0] >> 6 !== 1) return 'version is not 1';
  const tkl = d[0] & 0x0f;
  if (tkl > 8) return 'token length 9..15 is reserved';
  let i = 4 + tkl;
  if (i > d.length) return 'token runs past the end';
  if (d[1] === 0) return d.length === 4 ? undefined : 'empty message (0.00) with token, options or payload';
  let number = 0;
  let count = 0;
  while (i < d.length) {
    const b = d[i++];
    if (b === 0xff) return i === d.length ? 'payload marker with no payload' : undefined;
    let delta = b >> 4;
    let len = b & 0x0f;
    if (delta === 15 || len === 15) return 'option delta or length 15 is reserved';
    if (delta === 13) {
      if (i + 1 > d.length) return 'option delta runs past the end';
      delta = d[i++] + 13;
    } else if (delta === 14) {
      if (i + 2 > d.length) return 'option delta runs past the end';
      delta = ((d[i] << 8) | d[i + 1]) + 269;
      i += 2;
    }
    if (len === 13) {
      if (i + 1 > d.length) return 'option length runs past the end';
      len = d[i++] + 13;
    } else if (len === 14) {
      if (i + 2 > d.length) return 'option length runs past the end';
      len = ((d[i] << 8) | d[i + 1]) + 269;
      i += 2;
    }
    number += delta;
    if (number > 0xffff) return 'option number above 65535';
    if (i + len > d.length) return 'option value runs past the end';
    i += len;
    if (++count > MAX_OPTIONS) return `more than ${MAX_OPTIONS} options`;
  }
  return undefined;
}
