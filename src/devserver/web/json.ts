// json.ts: the web API's JSON shapes: operation results, registrations and events out; typed values and paths in.
import { CodedError } from '../../errors.js';
import { formatLinks } from '../../lwm2m/formats/link.js';
import { formatPath, parsePath } from '../../lwm2m/path.js';
import { isObjLnk, type LwRecord, type LwValue, type Path, type ResourceType } from '../../lwm2m/types.js';
import type { OpResult, Registration } from '../types.js';

/** A value as JSON: numbers, strings and booleans as they are; opaque as { hex }, object links as { objlnk: '3:0' }. */
export type JsonValue = string | number | boolean | { hex: string; bytes: number } | { objlnk: string };

const MAX_HEX = 512;

export function valueJson(v: LwValue): JsonValue {
  if (v instanceof Uint8Array) return { hex: Buffer.from(v.subarray(0, MAX_HEX)).toString('hex'), bytes: v.length };
  if (isObjLnk(v)) return { objlnk: `${v.objectId}:${v.instanceId}` };
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}

export function recordsJson(records: readonly LwRecord[]): { path: string; value: JsonValue; time?: number }[] {
  return records.map((r) => ({
    path: formatPath(r.path),
    value: valueJson(r.value),
    ...(r.time !== undefined ? { time: r.time } : {}),
  }));
}

/** An OpResult for the page: `ok` false for any answer outside 2.xx (the page shows it as the device's error). */
export function resultJson(r: OpResult): Record<string, unknown> {
  const out: Record<string, unknown> = { code: r.code, ok: r.code.startsWith('2.') };
  if (r.contentFormat !== undefined) out.contentFormat = r.contentFormat;
  if (r.records) out.records = recordsJson(r.records);
  if (r.links) out.links = formatLinks(r.links);
  if (r.location !== undefined) out.location = r.location;
  if (r.decodeError !== undefined) out.decodeError = r.decodeError;
  if (!r.records && !r.links && r.payload.length > 0) {
    const text = Buffer.from(r.payload).toString('utf8');
    // diagnostic payloads of error answers are text; anything else shows as hex
    if (/^[\x20-\x7e\t\r\n]*$/.test(text)) out.text = text;
    else out.hex = Buffer.from(r.payload.subarray(0, MAX_HEX)).toString('hex');
  }
  return out;
}

export function registrationJson(r: Registration, observing: string[]): Record<string, unknown> {
  return {
    endpoint: r.endpoint,
    address: `${r.peer.address}:${r.peer.port}`,
    lifetime: r.lifetime,
    binding: r.binding,
    lwm2mVersion: r.lwm2mVersion,
    queueMode: r.queueMode,
    registeredAt: r.registeredAt,
    lastUpdate: r.lastUpdate,
    lastSeen: r.lastSeen,
    rootPath: r.rootPath,
    links: r.links.map((l) => ({ target: l.target, params: l.params })),
    observing,
  };
}

/** Parses a path from the request body; a bad one is a 400 with the parser's message. */
export function pathArg(v: unknown, what = 'path'): Path {
  if (typeof v !== 'string' || v === '') throw new CodedError('WEB_BAD_REQUEST', `${what} is required (e.g. "/3/0/1")`);
  if (!v.startsWith('/')) throw new CodedError('WEB_BAD_REQUEST', `${what} '${v}' must start with /`);
  try {
    return parsePath(v);
  } catch (err) {
    throw new CodedError('WEB_BAD_REQUEST', (err as Error).message);
  }
}

/** Parses the text typed into the page as a value of the resource's type (undefined type: a string). */
export function parseValue(v: unknown, type: ResourceType | undefined): LwValue {
  if (typeof v === 'boolean' || typeof v === 'number') {
    if (type === 'boolean' && typeof v === 'boolean') return v;
    v = String(v);
  }
  if (typeof v !== 'string') throw new CodedError('WEB_BAD_VALUE', 'value must be a string, number or boolean');
  const s = v.trim();
  const bad = (want: string): never => {
    throw new CodedError('WEB_BAD_VALUE', `'${v}' is not ${want}`);
  };
  switch (type) {
    case 'integer':
    case 'unsigned':
    case 'time':
      if (!/^-?\d+$/.test(s)) bad('an integer');
      if (type !== 'integer' && s.startsWith('-')) bad('a non-negative integer');
      return Number.isSafeInteger(Number(s)) ? Number(s) : BigInt(s);
    case 'float': {
      const n = Number(s);
      if (s === '' || !Number.isFinite(n)) bad('a number');
      return n;
    }
    case 'boolean':
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      return bad('true or false');
    case 'opaque':
      if (!/^([0-9a-fA-F]{2})*$/.test(s)) bad('hex bytes (e.g. 0a1b)');
      return Uint8Array.from(Buffer.from(s, 'hex'));
    case 'objlnk': {
      const m = /^(\d+):(\d+)$/.exec(s);
      if (!m) bad('an object link (e.g. 3:0)');
      return { objectId: Number(m![1]), instanceId: Number(m![2]) };
    }
    default:
      return v;
  }
}
