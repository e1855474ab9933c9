// ddf.ts: OMA DDF XML object definitions → ObjectDef (fast-xml-parser); bad files are refused with the path and reason.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { XMLParser } from 'fast-xml-parser';
import { CodedError } from '../errors.js';
import type { ObjectDef, Operations, ResourceDef } from './object-api.js';
import type { ResourceType } from './types.js';

const TYPES: Record<string, ResourceType> = {
  string: 'string',
  integer: 'integer',
  'unsigned integer': 'unsigned',
  float: 'float',
  boolean: 'boolean',
  opaque: 'opaque',
  time: 'time',
  objlnk: 'objlnk',
  corelnk: 'corelnk',
  '': 'none',
  none: 'none',
};

let parser: XMLParser | undefined;

/**
 * The XML parser, loaded on the first DDF parsed: every thread that imports the plugin API imports this module, and
 * most read no DDF at all (fast-xml-parser costs ~1 MiB of heap per thread).
 */
function xmlParser(): XMLParser {
  if (parser) return parser;
  const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
  parser = new fxp.XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => name === 'Item',
  });
  return parser;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in v) return text(v['#text']);
  return '';
}

/** Parses 'a..b' (optionally with ' bytes'); other range texts are kept out (not checked). */
function range(s: string): { min?: number; max?: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*(bytes?)?\s*$/i.exec(s);
  if (!m) return undefined;
  return { min: Number(m[1]), max: Number(m[2]) };
}

/** Parses one DDF document; `where` names the file in errors (DDF_INVALID). */
export function parseDdf(xml: string, where = 'DDF'): ObjectDef {
  const fail = (why: string): never => {
    throw new CodedError('DDF_INVALID', `${where}: ${why}`, { file: where });
  };
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser().parse(xml) as Record<string, unknown>;
  } catch (err) {
    return fail(`not XML: ${(err as Error).message}`);
  }
  const lw = doc.LWM2M as Record<string, unknown> | undefined;
  if (!lw || typeof lw !== 'object') return fail('no <LWM2M> root');
  const objRaw = lw.Object;
  const obj = (Array.isArray(objRaw) ? objRaw[0] : objRaw) as Record<string, unknown> | undefined;
  if (!obj || typeof obj !== 'object') return fail('no <Object>');
  const idText = text(obj.ObjectID);
  if (!/^\d{1,5}$/.test(idText) || Number(idText) > 65535) return fail(`ObjectID '${idText}' is not 0..65535`);
  const resRoot = obj.Resources as { Item?: unknown[] } | string | undefined;
  const items = typeof resRoot === 'object' && resRoot !== null && Array.isArray(resRoot.Item) ? resRoot.Item : [];
  const resources: ResourceDef[] = [];
  const seen = new Set<number>();
  for (const it of items as Record<string, unknown>[]) {
    const rid = text(it['@ID']);
    if (!/^\d{1,5}$/.test(rid) || Number(rid) > 65535) return fail(`resource ID '${rid}' is not 0..65535`);
    const id = Number(rid);
    if (seen.has(id)) return fail(`resource ${id} defined twice`);
    seen.add(id);
    const ops = text(it.Operations).toUpperCase();
    if (!['R', 'W', 'RW', 'E', ''].includes(ops)) return fail(`resource ${id}: operations '${ops}'`);
    const typeText = text(it.Type).toLowerCase();
    const type = TYPES[typeText];
    if (type === undefined) return fail(`resource ${id}: unknown type '${text(it.Type)}'`);
    const r: ResourceDef = {
      id,
      name: text(it.Name),
      type: ops === 'E' ? 'none' : type === 'none' ? 'opaque' : type,
      operations: ops as Operations,
      multiple: text(it.MultipleInstances) === 'Multiple',
      mandatory: text(it.Mandatory) === 'Mandatory',
    };
    const units = text(it.Units);
    if (units) r.units = units;
    const rg = range(text(it.RangeEnumeration));
    if (
      rg &&
      (r.type === 'integer' ||
        r.type === 'unsigned' ||
        r.type === 'float' ||
        r.type === 'string' ||
        r.type === 'opaque')
    )
      r.range = rg;
    resources.push(r);
  }
  const def: ObjectDef = {
    id: Number(idText),
    name: text(obj.Name),
    multiple: text(obj.MultipleInstances) === 'Multiple',
    mandatory: text(obj.Mandatory) === 'Mandatory',
    resources,
  };
  const ver = text(obj.ObjectVersion);
  if (ver) def.version = ver;
  const lv = text(obj.LWM2MVersion);
  if (lv) def.lwm2mVersion = lv;
  const urn = text(obj.ObjectURN);
  if (urn) def.urn = urn;
  return def;
}

/**
 * Loads every object file (`<id>.xml`, `<id>-<version>.xml`) in a folder; the first bad file stops with DDF_INVALID
 * naming it.
 */
export function loadDdfFolder(dir: string): ObjectDef[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /^\d+(?:[-_][\w.]+)?\.xml$/i.test(n))
      .sort();
  } catch (err) {
    throw new CodedError('DDF_INVALID', `${dir}: cannot list: ${(err as Error).message}`);
  }
  return names.map((n) => {
    const file = join(dir, n);
    return parseDdf(readFileSync(file, 'utf8'), file);
  });
}
