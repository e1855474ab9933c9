// options.ts: CoAP option helpers on top of coap-packet: uint values, Block1/Block2 (RFC 7959), critical-option checks.

export interface Option {
  name: string;
  value: Buffer;
}
type WithOptions = { options?: { name: string | number; value: Buffer }[] };

/**
 * Options this endpoint understands; any other critical (odd-numbered) option in a request gets 4.02 (RFC 7252 §5.4.1).
 */
const SUPPORTED = new Set([
  'If-Match',
  'Uri-Host',
  'ETag',
  'If-None-Match',
  'Observe',
  'Uri-Port',
  'Location-Path',
  'Uri-Path',
  'Content-Format',
  'Max-Age',
  'Uri-Query',
  'Accept',
  'Location-Query',
  'Block2',
  'Block1',
  'Size2',
  'Size1',
]);
/** Option names coap-packet knows but we do not implement, with their numbers. */
const KNOWN_UNSUPPORTED: Record<string, number> = {
  OSCORE: 9,
  'Q-Block1': 19,
  'Q-Block2': 31,
  'Proxy-Uri': 35,
  'Proxy-Scheme': 39,
  'Hop-Limit': 16,
  'No-Response': 258,
  'OCF-Accept-Content-Format-Version': 2049,
  'OCF-Content-Format-Version': 2053,
};

export function uintBuf(n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  const bytes: number[] = [];
  let v = n;
  while (v > 0) {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return Buffer.from(bytes);
}

export function readUint(b: Buffer): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

export function getOption(pkt: WithOptions, name: string): Buffer | undefined {
  return pkt.options?.find((o) => o.name === name)?.value;
}

export function getUint(pkt: WithOptions, name: string): number | undefined {
  const v = getOption(pkt, name);
  return v === undefined ? undefined : readUint(v);
}

export function getStrings(pkt: WithOptions, name: string): string[] {
  return (pkt.options ?? []).filter((o) => o.name === name).map((o) => o.value.toString('utf8'));
}

/** The first unsupported critical option's number, if any. */
export function unsupportedCritical(pkt: WithOptions): number | undefined {
  for (const o of pkt.options ?? []) {
    if (typeof o.name === 'string' && SUPPORTED.has(o.name)) continue;
    const n = typeof o.name === 'number' ? o.name : (KNOWN_UNSUPPORTED[o.name] ?? Number.parseInt(o.name, 10));
    if (Number.isFinite(n) && n % 2 === 1) return n;
  }
  return undefined;
}

/** Value length range and repeatability of the options we implement (RFC 7252 §5.10, RFC 7641 §2, RFC 7959 §2.1). */
const FORMATS: Record<string, { n: number; min: number; max: number; repeat?: true }> = {
  'If-Match': { n: 1, min: 0, max: 8, repeat: true },
  'Uri-Host': { n: 3, min: 1, max: 255 },
  ETag: { n: 4, min: 1, max: 8, repeat: true },
  'If-None-Match': { n: 5, min: 0, max: 0 },
  Observe: { n: 6, min: 0, max: 3 },
  'Uri-Port': { n: 7, min: 0, max: 2 },
  'Location-Path': { n: 8, min: 0, max: 255, repeat: true },
  'Uri-Path': { n: 11, min: 0, max: 255, repeat: true },
  'Content-Format': { n: 12, min: 0, max: 2 },
  'Max-Age': { n: 14, min: 0, max: 4 },
  'Uri-Query': { n: 15, min: 0, max: 255, repeat: true },
  Accept: { n: 17, min: 0, max: 2 },
  'Location-Query': { n: 20, min: 0, max: 255, repeat: true },
  Block2: { n: 23, min: 0, max: 3 },
  Block1: { n: 27, min: 0, max: 3 },
  Size2: { n: 28, min: 0, max: 4 },
  Size1: { n: 60, min: 0, max: 4 },
};

const FORMAT_OF = new Map(Object.entries(FORMATS).map(([name, f], i) => [name, { ...f, bit: 2 ** i }]));

/**
 * Indexes of the options to treat as unrecognized (RFC 7252 §5.4.3, §5.4.5): a length out of range, or a repeat of a
 * non-repeatable one.
 */
export function invalidOptions(pkt: WithOptions): number[] | undefined {
  const opts = pkt.options;
  if (opts === undefined) return undefined;
  let out: number[] | undefined;
  let seen = 0;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i];
    const f = typeof o.name === 'string' ? FORMAT_OF.get(o.name) : undefined;
    if (f === undefined) continue;
    if (o.value.length < f.min || o.value.length > f.max || (f.repeat !== true && (seen & f.bit) !== 0))
      (out ??= []).push(i);
    seen |= f.bit;
  }
  return out;
}

/** The number of the first critical option we cannot take (unsupported, bad length, repeated non-repeatable): 4.02. */
export function badCriticalOption(pkt: WithOptions, invalid = invalidOptions(pkt)): number | undefined {
  const u = unsupportedCritical(pkt);
  if (u !== undefined) return u;
  const opts = pkt.options ?? [];
  for (const i of invalid ?? []) {
    const n = FORMATS[opts[i].name as string].n;
    if (n % 2 === 1) return n;
  }
  return undefined;
}

/**
 * Removes elective options with a bad length or repeated when not repeatable (ignored, as unrecognized elective options
 * are).
 */
export function dropBadElectiveOptions(pkt: WithOptions, bad = invalidOptions(pkt)): void {
  if (bad === undefined || bad.length === 0 || pkt.options === undefined) return;
  const drop = new Set(bad);
  pkt.options = pkt.options.filter((_, i) => !drop.has(i));
}

/** A Block1/Block2 value with SZX 7 (reserved; RFC 7959 §2.2 asks 4.00 for it in a request). */
export function reservedBlockSize(v: Buffer | undefined): boolean {
  return v !== undefined && v.length > 0 && (v[v.length - 1] & 7) === 7;
}

export interface Block {
  num: number;
  more: boolean;
  size: number;
}

/** Block option value (RFC 7959 §2.2): NUM | M | SZX, size = 2^(SZX+4). */
export function encodeBlock(b: Block): Buffer {
  const szx = Math.log2(b.size) - 4;
  if (!Number.isInteger(szx) || szx < 0 || szx > 6) throw new RangeError(`block size ${b.size} is not 16..1024`);
  return uintBuf((b.num << 4) | (b.more ? 8 : 0) | szx);
}

export function decodeBlock(v: Buffer | undefined): Block | undefined {
  if (v === undefined) return undefined;
  const n = readUint(v);
  const szx = n & 7;
  if (szx === 7) return undefined; // reserved (BERT only on TCP)
  return { num: n >>> 4, more: (n & 8) !== 0, size: 1 << (szx + 4) };
}

export function pathOptions(path: readonly string[], name = 'Uri-Path'): Option[] {
  return path.map((p) => ({ name, value: Buffer.from(p, 'utf8') }));
}
