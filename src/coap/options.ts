// options.ts: CoAP option helpers on top of coap-packet: uint values, Block1/Block2 (RFC 7959), critical-option checks.

export interface Option { name: string; value: Buffer }
type WithOptions = { options?: { name: string | number; value: Buffer }[] };

/** Options this endpoint understands; any other critical (odd-numbered) option in a request gets 4.02 (RFC 7252 §5.4.1). */
const SUPPORTED = new Set([
  'If-Match', 'Uri-Host', 'ETag', 'If-None-Match', 'Observe', 'Uri-Port', 'Location-Path', 'Uri-Path', 'Content-Format',
  'Max-Age', 'Uri-Query', 'Accept', 'Location-Query', 'Block2', 'Block1', 'Size2', 'Size1',
]);
/** Option names coap-packet knows but we do not implement, with their numbers. */
const KNOWN_UNSUPPORTED: Record<string, number> = { OSCORE: 9, 'Q-Block1': 19, 'Q-Block2': 31, 'Proxy-Uri': 35, 'Proxy-Scheme': 39, 'Hop-Limit': 16, 'No-Response': 258,
  'OCF-Accept-Content-Format-Version': 2049, 'OCF-Content-Format-Version': 2053 };

export function uintBuf(n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  const bytes: number[] = [];
  let v = n;
  while (v > 0) { bytes.unshift(v & 0xff); v = Math.floor(v / 256); }
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
    const n = typeof o.name === 'number' ? o.name : KNOWN_UNSUPPORTED[o.name] ?? Number.parseInt(o.name, 10);
    if (Number.isFinite(n) && n % 2 === 1) return n;
  }
  return undefined;
}

export interface Block { num: number; more: boolean; size: number }

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
