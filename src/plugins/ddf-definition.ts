// ddf-definition.ts: an object definition from an OMA DDF file, for plugins (`ddfDefinition(new URL('./3323.xml',
// import.meta.url))` in lwm2m-meter/plugin).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../errors.js';
import { parseDdf } from '../lwm2m/ddf.js';
import type { ObjectDef } from '../lwm2m/object-api.js';

/**
 * Reads and parses a DDF file (a file:// URL or a path) into an ObjectDef; throws DDF_INVALID naming the file.
 * `expectId`, when given, must be the file's ObjectID.
 */
export function ddfDefinition(file: URL | string, expectId?: number): ObjectDef {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CodedError('DDF_INVALID', `${path}: cannot read: ${(err as Error).message}`, { file: path });
  }
  const def = parseDdf(xml, path);
  if (expectId !== undefined && def.id !== expectId)
    throw new CodedError('DDF_INVALID', `${path}: ObjectID ${def.id}, expected ${expectId}`, { file: path });
  return def;
}
