// format-lines.ts: readable one-line renderings of registrations, records and results for the dev-server CLI.
import { formatLinks } from '../lwm2m/formats/link.js';
import { formatPath } from '../lwm2m/path.js';
import { isObjLnk, type LwRecord, type LwValue } from '../lwm2m/types.js';
import type { BootstrapFinishEvent, OpResult, Registration } from './types.js';

export function formatValue(v: LwValue): string {
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (isObjLnk(v)) return `${v.objectId}:${v.instanceId}`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export function formatRecords(records: readonly LwRecord[]): string {
  return records
    .map((r) => `${formatPath(r.path)}=${formatValue(r.value)}${r.time !== undefined ? `@${r.time}` : ''}`)
    .join(' ');
}

export function formatResult(r: OpResult): string {
  if (r.records) return `${r.code} ${formatRecords(r.records)}`;
  if (r.links) return `${r.code} ${formatLinks(r.links)}`;
  if (r.decodeError !== undefined) return `${r.code} (cf ${r.contentFormat ?? '-'}, undecodable: ${r.decodeError})`;
  if (r.payload.length > 0)
    return `${r.code} (cf ${r.contentFormat ?? '-'}) ${Buffer.from(r.payload).toString('utf8')}`;
  return r.code;
}

export function formatRegistration(r: Registration): string {
  return `${r.endpoint} ${r.location} lt=${r.lifetime} lwm2m=${r.lwm2mVersion} b=${r.binding}${r.queueMode ? ' Q' : ''} from ${r.peer.address}:${r.peer.port} ${formatLinks(r.links)}`;
}

export function formatBootstrap(e: BootstrapFinishEvent): string {
  const steps = e.steps.map(([s, c]) => `${s} ${c}`).join(', ');
  return `${e.endpoint} ${e.error === undefined ? 'ok' : `FAILED (${e.error})`}: ${steps}`;
}
