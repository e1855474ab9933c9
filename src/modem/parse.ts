// parse.ts: parsers for 3GPP TS 27.007 information responses (+CEREG, +CESQ, +CSQ, +COPS, +CGPADDR, +CPIN).

/** Splits an AT parameter list, honouring double quotes: `1,"1A2D","0102",7` → ['1','1A2D','0102','7']. */
export function splitParams(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of s) {
    if (ch === '"') q = !q;
    else if (ch === ',' && !q) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** The parameters after `PREFIX: `, or undefined when the line has another prefix. */
export function paramsOf(line: string, prefix: string): string[] | undefined {
  if (!line.startsWith(prefix)) return undefined;
  return splitParams(line.slice(prefix.length).replace(/^:?\s*/, ''));
}

export interface Registration {
  /** TS 27.007 §10.1.22 <stat>: 0 not searching, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming, 90 UICC fail. */
  stat: number;
  tac?: string;
  ci?: string;
  /** <AcT>: 7 E-UTRAN (LTE-M), 9 E-UTRAN NB-S1 (NB-IoT). */
  act?: number;
}

export const isRegistered = (stat: number): boolean => stat === 1 || stat === 5;

/**
 * +CEREG: URC form `+CEREG: <stat>[,[<tac>],[<ci>],[<AcT>]…]`, read form `+CEREG: <n>,<stat>[,…]` (TS 27.007 §10.1.22).
 * `read` tells the two apart (a URC never carries <n>).
 */
export function parseCereg(line: string, read: boolean): Registration | undefined {
  const p = paramsOf(line, '+CEREG');
  if (!p) return undefined;
  const f = read ? p.slice(1) : p;
  const stat = Number.parseInt(f[0] ?? '', 10);
  if (Number.isNaN(stat)) return undefined;
  const r: Registration = { stat };
  if (f[1]) r.tac = f[1];
  if (f[2]) r.ci = f[2];
  if (f[3] !== undefined && f[3] !== '') {
    const a = Number.parseInt(f[3], 10);
    if (!Number.isNaN(a)) r.act = a;
  }
  return r;
}

export interface Signal {
  /** dBm (RSRP for LTE, or RSSI from +CSQ). */
  dbm?: number;
  /** RSRQ in dB. */
  rsrqDb?: number;
}

/**
 * +CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp> (TS 27.007 §8.69): RSRP 0..97 → -140..-44 dBm, RSRQ 0..34 →
 * -19.5..-3 dB, 255 unknown.
 */
export function parseCesq(line: string): Signal | undefined {
  const p = paramsOf(line, '+CESQ');
  if (!p || p.length < 6) return undefined;
  const rsrq = Number.parseInt(p[4] ?? '', 10);
  const rsrp = Number.parseInt(p[5] ?? '', 10);
  const s: Signal = {};
  if (rsrp >= 0 && rsrp <= 97) s.dbm = rsrp - 141;
  if (rsrq >= 0 && rsrq <= 34) s.rsrqDb = rsrq / 2 - 20;
  return s;
}

/** +CSQ: <rssi>,<ber> (TS 27.007 §8.5): 0..31 → -113..-51 dBm, 99 unknown. */
export function parseCsq(line: string): Signal | undefined {
  const p = paramsOf(line, '+CSQ');
  if (!p) return undefined;
  const rssi = Number.parseInt(p[0] ?? '', 10);
  return rssi >= 0 && rssi <= 31 ? { dbm: -113 + 2 * rssi } : {};
}

/** +COPS: <mode>[,<format>,<oper>[,<AcT>]] with format 2 (numeric MCC+MNC) (TS 27.007 §7.3). */
export function parseCops(line: string): { mcc?: number; mnc?: number; act?: number } | undefined {
  const p = paramsOf(line, '+COPS');
  if (!p) return undefined;
  const out: { mcc?: number; mnc?: number; act?: number } = {};
  const oper = p[2] ?? '';
  if (p[1] === '2' && /^\d{5,6}$/.test(oper)) {
    out.mcc = Number.parseInt(oper.slice(0, 3), 10);
    out.mnc = Number.parseInt(oper.slice(3), 10);
  }
  if (p[3]) out.act = Number.parseInt(p[3], 10);
  return out;
}

/** +CGPADDR: <cid>,<PDP_addr_1>[,<PDP_addr_2>] (TS 27.007 §10.1.14). */
export function parseCgpaddr(line: string): string[] | undefined {
  const p = paramsOf(line, '+CGPADDR');
  if (!p) return undefined;
  return p.slice(1).filter((a) => a.length > 0);
}

/** Hex helpers for vendors that carry datagrams as hex strings. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex').toUpperCase();
}
