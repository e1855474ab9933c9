// senml.ts: SenML JSON (110) and SenML CBOR (112) decoders and encoders written from RFC 8428 and LwM2M 1.1 Core
// §7.4.4–7.4.5 (cbor-x for the CBOR layer), independent of the product's codecs.
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';

/** A resolved SenML record: full name (base name + name) and exactly one value. */
export interface SenmlRecord {
  name: string;
  value: number | string | boolean | Buffer | undefined;
  /** vlo: an object link "o:i". */
  link?: string;
  time?: number;
}

type RawRecord = Record<string, unknown>;

/** CBOR integer labels (RFC 8428 §6); LwM2M's vlo keeps its text label. */
const CBOR_LABELS: Record<number, string> = {
  [-2]: 'bn',
  [-3]: 'bt',
  [-1]: 'bver',
  0: 'n',
  1: 'u',
  2: 'v',
  3: 'vs',
  4: 'vb',
  5: 's',
  6: 't',
  7: 'ut',
  8: 'vd',
};
const KNOWN = new Set(['bn', 'bt', 'bver', 'n', 'v', 'vs', 'vb', 'vd', 'vlo', 't', 'u', 's', 'ut']);

function resolve(raw: RawRecord[]): SenmlRecord[] {
  if (!Array.isArray(raw)) throw new Error('SenML: the payload is not an array');
  let bn = '';
  let bt = 0;
  const out: SenmlRecord[] = [];
  for (const r of raw) {
    for (const k of Object.keys(r)) if (!KNOWN.has(k)) throw new Error(`SenML: unknown label ${k}`);
    if (typeof r.bn === 'string') bn = r.bn;
    if (typeof r.bt === 'number') bt = r.bt;
    const name = bn + (typeof r.n === 'string' ? r.n : '');
    if (!/^\/\d+(\/\d+){0,3}$/.test(name)) throw new Error(`SenML: record name '${name}' is not an LwM2M path`);
    const values = ['v', 'vs', 'vb', 'vd', 'vlo'].filter((k) => k in r);
    if (values.length > 1) throw new Error(`SenML: record ${name} has ${values.length} values`);
    let value: SenmlRecord['value'];
    if ('v' in r) {
      if (typeof r.v !== 'number') throw new Error(`SenML: v of ${name} is not a number`);
      value = r.v;
    }
    if ('vs' in r) {
      if (typeof r.vs !== 'string') throw new Error(`SenML: vs of ${name} is not a string`);
      value = r.vs;
    }
    if ('vb' in r) {
      if (typeof r.vb !== 'boolean') throw new Error(`SenML: vb of ${name} is not a boolean`);
      value = r.vb;
    }
    if ('vd' in r) value = typeof r.vd === 'string' ? Buffer.from(r.vd, 'base64url') : Buffer.from(r.vd as Uint8Array);
    const rec: SenmlRecord = { name, value };
    if ('vlo' in r) {
      if (typeof r.vlo !== 'string' || !/^\d+:\d+$/.test(r.vlo)) throw new Error(`SenML: vlo of ${name}`);
      rec.link = r.vlo;
    }
    const t = (typeof r.t === 'number' ? r.t : 0) + bt;
    if (t !== 0) rec.time = t;
    out.push(rec);
  }
  return out;
}

export function decodeSenmlJson(payload: Buffer): SenmlRecord[] {
  return resolve(JSON.parse(payload.toString('utf8')) as RawRecord[]);
}

export function decodeSenmlCbor(payload: Buffer): SenmlRecord[] {
  const raw = cborDecode(payload) as unknown;
  if (!Array.isArray(raw)) throw new Error('SenML CBOR: not an array');
  return resolve(
    raw.map((m: unknown) => {
      const entries: [unknown, unknown][] =
        m instanceof Map
          ? [...m.entries()]
          : Object.entries(m as object).map(([k, v]) => [/^-?\d+$/.test(k) ? Number(k) : k, v]);
      const r: RawRecord = {};
      for (const [k, v] of entries) {
        const label = typeof k === 'number' ? CBOR_LABELS[k] : String(k);
        if (label === undefined) throw new Error(`SenML CBOR: unknown label ${String(k)}`);
        r[label] = v;
      }
      return r;
    }),
  );
}

/** A record to encode: name is the full path; value picks v / vs / vb / vd by its type; link → vlo. */
export interface SenmlOut {
  name: string;
  value?: number | string | boolean | Buffer;
  link?: string;
}

function rawOut(records: SenmlOut[], json: boolean): RawRecord[] {
  return records.map((r) => {
    const o: RawRecord = { n: r.name };
    if (r.link !== undefined) o.vlo = r.link;
    else if (typeof r.value === 'number') o.v = r.value;
    else if (typeof r.value === 'string') o.vs = r.value;
    else if (typeof r.value === 'boolean') o.vb = r.value;
    else if (Buffer.isBuffer(r.value)) o.vd = json ? r.value.toString('base64url') : r.value;
    return o;
  });
}

export function encodeSenmlJson(records: SenmlOut[]): Buffer {
  return Buffer.from(JSON.stringify(rawOut(records, true)));
}

export function encodeSenmlCbor(records: SenmlOut[]): Buffer {
  const inv: Record<string, number> = { n: 0, v: 2, vs: 3, vb: 4, vd: 8 };
  return Buffer.from(
    cborEncode(rawOut(records, false).map((r) => new Map(Object.entries(r).map(([k, v]) => [inv[k] ?? k, v])))),
  );
}

/** Records as a name → value table (the last record of a name wins). */
export function byName(records: SenmlRecord[]): Record<string, SenmlRecord['value']> {
  return Object.fromEntries(records.map((r) => [r.name, r.value]));
}
