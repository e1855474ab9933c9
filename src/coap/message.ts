// message.ts: CoAP datagram parsing (coap-packet) and building (encode.ts), plus small helpers (peer keys, codes,
// header peeking).
import { parse, type ParsedPacket, type Packet } from 'coap-packet';
import { encodeMessage, type OutgoingPacket } from './encode.js';
import { formatError } from './format-check.js';
import type { PeerAddress } from './transport.js';
import type { CoapMethod } from './api.js';

export type { ParsedPacket, Packet };

/** Message types from the header (RFC 7252 §3). */
export const enum MsgType {
  CON = 0,
  NON = 1,
  ACK = 2,
  RST = 3,
}

/**
 * Parses a datagram; undefined when it is malformed (format-check.ts first: coap-packet is lenient, e.g. about
 * truncation).
 */
export function tryParse(data: Uint8Array): ParsedPacket | undefined {
  if (formatError(data) !== undefined) return undefined;
  try {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const p = parse(buf);
    const c = codeClass(p.code);
    // 1.xx, 6.xx and 7.xx are reserved; a request or response with a reserved class is a format error.
    if (c === 1 || c >= 6) return undefined;
    if (p.code === '0.00' && (p.token.length > 0 || p.options.length > 0 || p.payload.length > 0)) return undefined;
    return p;
  } catch {
    return undefined;
  }
}

/** The 4-byte header of an unparseable datagram, when version is 1: its type and message ID (to answer RST). */
export function peekHeader(data: Uint8Array): { type: MsgType; messageId: number } | undefined {
  if (data.length < 4) return undefined;
  if (data[0] >> 6 !== 1) return undefined;
  return { type: ((data[0] >> 4) & 3) as MsgType, messageId: (data[2] << 8) | data[3] };
}

export function typeOf(p: ParsedPacket): MsgType {
  if (p.ack) return MsgType.ACK;
  if (p.reset) return MsgType.RST;
  return p.confirmable ? MsgType.CON : MsgType.NON;
}

/** The class digit of a 'c.dd' code (coap-packet always parses codes into that form). */
export function codeClass(code: string): number {
  return code.charCodeAt(0) - 48;
}

/** Request codes 0.01..0.31 (coap-packet parses every code as 'c.dd'). */
export function isRequestCode(code: string): boolean {
  return code.startsWith('0.') && code !== '0.00';
}

const METHOD_CODES: Record<CoapMethod, string> = {
  GET: '0.01',
  POST: '0.02',
  PUT: '0.03',
  DELETE: '0.04',
  FETCH: '0.05',
  PATCH: '0.06',
  iPATCH: '0.07',
};
const CODE_METHODS = new Map<string, CoapMethod>(Object.entries(METHOD_CODES).map(([m, c]) => [c, m as CoapMethod]));

export function methodCode(m: CoapMethod): string {
  return METHOD_CODES[m];
}

/** The method of a request code, undefined for codes we do not implement (answered 4.05). */
export function codeMethod(code: string): CoapMethod | undefined {
  return CODE_METHODS.get(code);
}

export function isEmpty(p: ParsedPacket): boolean {
  return p.code === '0.00';
}

/**
 * Builds a datagram (empty ACK/RST/CON have no token, options or payload); encode.ts says why this is not coap-packet's
 * generate.
 */
export function build(p: OutgoingPacket): Buffer {
  return encodeMessage(p);
}

export function emptyMessage(type: 'ack' | 'rst' | 'con', messageId: number): Buffer {
  return encodeMessage({
    code: '0.00',
    messageId,
    ack: type === 'ack',
    reset: type === 'rst',
    confirmable: type === 'con',
  });
}

/** A stable key for a peer ('::ffff:127.0.0.1' and '127.0.0.1' are the same peer). */
export function peerKey(p: PeerAddress): string {
  const a = p.address.startsWith('::ffff:') ? p.address.slice(7) : p.address;
  return `${a}|${p.port}`;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
