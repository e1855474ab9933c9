// printer.ts: results for the console: one line per record, named from the object model (`/3/0/0 Manufacturer = "…"`).
import { formatPath } from '../../lwm2m/path.js';
import { formatLinks } from '../../lwm2m/formats/link.js';
import type { LwRecord, Path } from '../../lwm2m/types.js';
import { formatValue } from '../format-lines.js';
import type { TypeRegistry } from '../model.js';
import type { OpResult, Registration } from '../types.js';
import { formatName } from './formats.js';

/** Longest value printed in full; longer ones end in an ellipsis (opaque firmware, long strings). */
const VALUE_LIMIT = 100;

function cut(s: string): string {
  return s.length <= VALUE_LIMIT ? s : `${s.slice(0, VALUE_LIMIT - 1)}… (${s.length} chars)`;
}

/** The model's name of the deepest part of a path: resource name, else object name. */
export function nameOf(types: TypeRegistry, p: Path): string | undefined {
  if (p.length >= 3) return types.resourceName(p[0], p[2]);
  if (p.length >= 1) return types.objectName(p[0]);
  return undefined;
}

export function recordLine(types: TypeRegistry, r: LwRecord): string {
  const name = nameOf(types, r.path);
  return `${formatPath(r.path)}${name !== undefined ? ` ${name}` : ''} = ${cut(formatValue(r.value))}${r.time !== undefined ? ` @${r.time}` : ''}`;
}

/** The lines of an operation's answer: the code (and format), then records, links or the raw payload. */
export function resultLines(types: TypeRegistry, r: OpResult): string[] {
  const head = `${r.code}${r.contentFormat !== undefined ? ` (${formatName(r.contentFormat)})` : ''}${r.location !== undefined ? ` location ${r.location}` : ''}`;
  if (r.records) return [head, ...r.records.map((x) => `  ${recordLine(types, x)}`)];
  if (r.links) return [head, ...r.links.map((l) => `  ${formatLinks([l])}`)];
  if (r.decodeError !== undefined) return [`${head} undecodable: ${r.decodeError}`];
  if (r.payload.length > 0) return [`${head} ${cut(Buffer.from(r.payload).toString('utf8'))}`];
  return [head];
}

/** Object paths of a registration's links (`/3/0`, `/3424/0` …), the root link left out. */
export function registeredPaths(reg: Registration): string[] {
  return reg.links
    .filter((l) => l.params.rt === undefined && l.target !== '/')
    .map((l) => l.target.slice(reg.rootPath.length) || '/');
}

export function clientLine(reg: Registration): string {
  return `${reg.endpoint}  ${reg.peer.address}:${reg.peer.port}  lt=${reg.lifetime}  b=${reg.binding}${reg.queueMode ? ' Q' : ''}  lwm2m=${reg.lwm2mVersion}  ${registeredPaths(reg).join(' ')}`;
}
