// encode.ts: CoAP message serialisation (RFC 7252 §3) in one pass into one buffer — the hot-path replacement for
// coap-packet's generate (parsing stays on coap-packet).
import { CodedError } from '../errors.js';

/** What a caller gives to encode: coap-packet's Packet shape (option names as coap-packet spells them, or numbers). */
export interface OutgoingPacket {
  code?: string;
  messageId?: number;
  token?: Uint8Array;
  confirmable?: boolean;
  ack?: boolean;
  reset?: boolean;
  options?: readonly { name: string | number; value: Uint8Array }[];
  payload?: Uint8Array;
}

/** Option numbers by the names coap-packet parses them into (RFC 7252 §12.2, 7641, 7959, 8613, 9177, 7967). */
const OPTION_NUMBERS: Readonly<Record<string, number>> = {
  'If-Match': 1,
  'Uri-Host': 3,
  ETag: 4,
  'If-None-Match': 5,
  Observe: 6,
  'Uri-Port': 7,
  'Location-Path': 8,
  OSCORE: 9,
  'Uri-Path': 11,
  'Content-Format': 12,
  'Max-Age': 14,
  'Uri-Query': 15,
  'Hop-Limit': 16,
  Accept: 17,
  'Q-Block1': 19,
  'Location-Query': 20,
  Block2: 23,
  Block1: 27,
  Size2: 28,
  'Q-Block2': 31,
  'Proxy-Uri': 35,
  'Proxy-Scheme': 39,
  Size1: 60,
  'No-Response': 258,
  'OCF-Accept-Content-Format-Version': 2049,
  'OCF-Content-Format-Version': 2053,
};

const METHOD_CODES: Readonly<Record<string, number>> = {
  GET: 1,
  POST: 2,
  PUT: 3,
  DELETE: 4,
  FETCH: 5,
  PATCH: 6,
  iPATCH: 7,
};
const EMPTY = new Uint8Array(0);

function optionNumber(name: string | number): number {
  const known = typeof name === 'string' ? OPTION_NUMBERS[name] : undefined;
  const n = known ?? (typeof name === 'number' ? name : /^\d+$/.test(name) ? Number(name) : NaN);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CodedError('COAP_BAD_OPTION', `unknown CoAP option ${JSON.stringify(name)}`);
  return n;
}

/** 'c.dd' (or a method name) → the code byte. */
function codeByte(code: string): number {
  const m = METHOD_CODES[code];
  if (m !== undefined) return m;
  if (code.length === 4 && code[1] === '.') {
    const c = code.charCodeAt(0) - 48;
    const dd = (code.charCodeAt(2) - 48) * 10 + (code.charCodeAt(3) - 48);
    if (c >= 0 && c <= 7 && dd >= 0 && dd <= 31) return (c << 5) | dd;
  }
  throw new CodedError('COAP_BAD_CODE', `not a CoAP code: ${JSON.stringify(code)}`);
}

/** Extended size of a delta or length nibble (RFC 7252 §3.1): 0, 1 or 2 bytes. */
function extBytes(v: number): number {
  return v < 13 ? 0 : v < 269 ? 1 : 2;
}

function nibble(v: number): number {
  return v < 13 ? v : v < 269 ? 13 : 14;
}

function writeExt(buf: Buffer, pos: number, v: number): number {
  if (v >= 269) {
    buf.writeUInt16BE(v - 269, pos);
    return pos + 2;
  }
  if (v >= 13) {
    buf[pos] = v - 13;
    return pos + 1;
  }
  return pos;
}

/**
 * Serialises a message. Options are written in option-number order (stable: repeated options keep their order); an
 * empty message (0.00) carries no token, options or payload; the payload marker is written only before a payload.
 */
export function encodeMessage(p: OutgoingPacket): Buffer {
  const code = p.code ?? '0.01';
  const cb = codeByte(code);
  const empty = cb === 0;
  const token = empty ? EMPTY : (p.token ?? EMPTY);
  if (token.length > 8) throw new CodedError('COAP_BAD_TOKEN', `token of ${token.length} bytes (at most 8)`);
  const mid = p.messageId ?? 0;
  if (!Number.isInteger(mid) || mid < 0 || mid > 0xffff)
    throw new CodedError('COAP_BAD_MID', `message ID ${mid} out of range`);
  const payload = empty ? EMPTY : (p.payload ?? EMPTY);
  const given = empty ? [] : (p.options ?? []);

  // number every option once, then sort by number (Array.prototype.sort is stable)
  const nums = new Array<number>(given.length);
  const order = new Array<number>(given.length);
  let sorted = true;
  for (let i = 0; i < given.length; i++) {
    nums[i] = optionNumber(given[i].name);
    order[i] = i;
    if (i > 0 && nums[i] < nums[i - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => nums[a] - nums[b]);

  let length = 4 + token.length;
  let prev = 0;
  for (const i of order) {
    const delta = nums[i] - prev;
    const len = given[i].value.length;
    length += 1 + extBytes(delta) + extBytes(len) + len;
    prev = nums[i];
  }
  if (payload.length > 0) length += 1 + payload.length;

  const buf = Buffer.allocUnsafe(length);
  const type = p.confirmable === true ? 0 : p.ack === true ? 2 : p.reset === true ? 3 : 1;
  buf[0] = 0x40 | (type << 4) | token.length;
  buf[1] = cb;
  buf.writeUInt16BE(mid, 2);
  buf.set(token, 4);
  let pos = 4 + token.length;
  prev = 0;
  for (const i of order) {
    const delta = nums[i] - prev;
    const value = given[i].value;
    buf[pos++] = (nibble(delta) << 4) | nibble(value.length);
    pos = writeExt(buf, pos, delta);
    pos = writeExt(buf, pos, value.length);
    buf.set(value, pos);
    pos += value.length;
    prev = nums[i];
  }
  if (payload.length > 0) {
    buf[pos++] = 0xff;
    buf.set(payload, pos);
  }
  return buf;
}
