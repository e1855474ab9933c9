// attributes.ts: LwM2M notification attributes (pmin, pmax, gt, lt, st, epmin, epmax): parsing, validation,
// inheritance.
import type { ResourceType } from './types.js';

/** Notification attributes of one level (object, instance, resource or resource instance). Times in seconds. */
export interface Attributes {
  pmin?: number;
  pmax?: number;
  gt?: number;
  lt?: number;
  st?: number;
  epmin?: number;
  epmax?: number;
}

export const ATTRIBUTE_NAMES = ['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

/** A Write-Attributes change: a number sets, null removes (query item `pmin` with no value). */
export type AttributeChange = Partial<Record<AttributeName, number | null>>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const NUM = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Largest pmin / pmax / epmin / epmax (s): the longest timer Node arms (2^31 − 1 ms, ~24.8 days); longer ones fire at
 * once.
 */
export const MAX_PERIOD_S = Math.floor((2 ** 31 - 1) / 1000);
/** Largest |gt|, |lt|, st: beyond 2^53 a number no longer tells neighbouring integers apart. */
export const MAX_THRESHOLD = Number.MAX_SAFE_INTEGER;

/** Parses Write-Attributes query items ('pmin=10', 'gt=3.5', 'pmax' …). Unknown names or bad numbers are refused. */
export function parseAttributeQuery(query: readonly string[]): ParseResult<AttributeChange> {
  const out: AttributeChange = {};
  for (const item of query) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const raw = eq < 0 ? undefined : item.slice(eq + 1);
    if (!(ATTRIBUTE_NAMES as readonly string[]).includes(name))
      return { ok: false, reason: `unknown attribute '${name}'` };
    const key = name as AttributeName;
    if (raw === undefined || raw === '') {
      out[key] = null;
      continue;
    }
    if (!NUM.test(raw)) return { ok: false, reason: `attribute ${name}: '${raw}' is not a number` };
    const n = Number(raw);
    if (!Number.isFinite(n)) return { ok: false, reason: `attribute ${name}: '${raw}' is not finite` };
    const integer = key === 'pmin' || key === 'pmax' || key === 'epmin' || key === 'epmax';
    if (integer && (!Number.isInteger(n) || n < 0 || n > MAX_PERIOD_S))
      return { ok: false, reason: `attribute ${name} must be an integer 0..${MAX_PERIOD_S}` };
    if (!integer && Math.abs(n) > MAX_THRESHOLD)
      return { ok: false, reason: `attribute ${name} must be within ±${MAX_THRESHOLD}` };
    out[key] = n;
  }
  return { ok: true, value: out };
}

/** Applies a change to the stored attributes of one level (returns a new object). */
export function applyChange(current: Attributes | undefined, change: AttributeChange): Attributes {
  const next: Attributes = { ...(current ?? {}) };
  for (const k of ATTRIBUTE_NAMES) {
    const v = change[k];
    if (v === undefined) continue;
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/**
 * Checks one level's attributes after a change. `level` is the path length (1 object … 4 resource instance);
 * `type` is the resource type when the level is a resource. gt/lt/st need a numeric resource.
 */
export function validateAttributes(
  a: Attributes,
  level: number,
  type: ResourceType | undefined,
  multiple = false,
): ParseResult<Attributes> {
  const numeric = type === 'integer' || type === 'unsigned' || type === 'float' || type === 'time';
  const hasValueAttr = a.gt !== undefined || a.lt !== undefined || a.st !== undefined;
  if (hasValueAttr && (level < 3 || !numeric || (multiple && level === 3))) {
    return {
      ok: false,
      reason: 'gt, lt and st apply only to a numeric single-instance resource (or resource instance)',
    };
  }
  if (a.st !== undefined && a.st < 0) return { ok: false, reason: 'st must be >= 0' };
  if (a.lt !== undefined && a.gt !== undefined) {
    if (!(a.lt < a.gt)) return { ok: false, reason: 'lt must be less than gt' };
    if (a.st !== undefined && !(a.lt + 2 * a.st < a.gt)) return { ok: false, reason: 'lt + 2*st must be less than gt' };
  }
  if (a.pmin !== undefined && a.pmax !== undefined && a.pmax < a.pmin)
    return { ok: false, reason: 'pmax must be >= pmin' };
  if (a.epmin !== undefined && a.epmax !== undefined && a.epmax < a.epmin)
    return { ok: false, reason: 'epmax must be >= epmin' };
  return { ok: true, value: a };
}

/**
 * Effective attributes: inherited object → instance → resource → resource instance (the deeper wins), over server
 * defaults.
 */
export function mergeAttributes(levels: readonly (Attributes | undefined)[], defaults?: Attributes): Attributes {
  const out: Attributes = { ...(defaults ?? {}) };
  for (const lv of levels) {
    if (!lv) continue;
    for (const k of ATTRIBUTE_NAMES) if (lv[k] !== undefined) out[k] = lv[k];
  }
  return out;
}

/** Link-format parameters for Discover (only the attributes set at this level). */
export function attributeParams(a: Attributes | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!a) return out;
  for (const k of ATTRIBUTE_NAMES) if (a[k] !== undefined) out[k] = a[k];
  return out;
}

/** Stored form of one object's Write-Attributes: server id → path ('/3/0/1') → attributes. */
export type AttributeSnapshot = Record<string, Record<string, Attributes>>;

/**
 * Reads a stored snapshot back, keeping only well-formed entries (unknown names, non-numbers and bad keys are dropped).
 */
export function sanitizeAttributeSnapshot(raw: unknown): AttributeSnapshot {
  const out: AttributeSnapshot = {};
  if (raw === null || typeof raw !== 'object') return out;
  for (const [sid, paths] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^\d+$/.test(sid) || paths === null || typeof paths !== 'object') continue;
    for (const [path, attrs] of Object.entries(paths as Record<string, unknown>)) {
      if (!/^(\/\d+){1,4}$/.test(path) || attrs === null || typeof attrs !== 'object') continue;
      const a: Attributes = {};
      for (const k of ATTRIBUTE_NAMES) {
        const v = (attrs as Record<string, unknown>)[k];
        if (typeof v === 'number' && Number.isFinite(v)) a[k] = v;
      }
      if (Object.keys(a).length > 0) (out[sid] ??= {})[path] = a;
    }
  }
  return out;
}
