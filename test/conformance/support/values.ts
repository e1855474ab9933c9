// values.ts: small helpers over decoded payloads for the conformance assertions (TLV trees and SenML records as plain
// tables).
import { tlvInt, type Tlv } from './tlv.js';
import type { SenmlRecord } from './senml.js';
import type { DeviceRequest } from '../../support/hostile-server.js';
import type { StrictServer } from './strict-server.js';
import { quietPeriod } from '../../support/poll.js';

/** A TLV instance (or a resource list) as id → raw value, multiple resources as id → (riid → raw value). */
export function tlvTable(items: Tlv[]): Record<number, Buffer | Record<number, Buffer>> {
  const out: Record<number, Buffer | Record<number, Buffer>> = {};
  for (const r of items)
    out[r.id] = r.kind === 'multipleResource' ? Object.fromEntries(r.children.map((c) => [c.id, c.value])) : r.value;
  return out;
}

/** The resources of one instance: a Read on /o/i may wrap them in an Object Instance TLV or not (Core §7.4.3). */
export function instanceTable(items: Tlv[] | undefined): Record<number, Buffer | Record<number, Buffer>> {
  const list = items ?? [];
  return tlvTable(list.length === 1 && list[0].kind === 'instance' ? list[0].children : list);
}

export function tlvStr(v: Buffer | Record<number, Buffer> | undefined): string {
  if (!Buffer.isBuffer(v)) throw new Error('TLV: expected a single resource');
  return v.toString('utf8');
}

export function tlvIntOf(v: Buffer | Record<number, Buffer> | undefined): number {
  if (!Buffer.isBuffer(v)) throw new Error('TLV: expected a single resource');
  return tlvInt(v);
}

/** Record names, sorted. */
export function names(records: SenmlRecord[] | undefined): string[] {
  return (records ?? []).map((r) => r.name).sort();
}

export function valueOf(records: SenmlRecord[] | undefined, name: string): SenmlRecord['value'] {
  return (records ?? []).find((r) => r.name === name)?.value;
}

/** Resolves true when nothing matching arrives from the device within ms (a negative check: "no notification"). */
export async function quietFor(
  server: StrictServer,
  pred: (kind: 'request' | 'response', token?: Buffer, req?: DeviceRequest) => boolean,
  ms: number,
): Promise<boolean> {
  const reqs = server.raw.requests.length;
  const ress = server.raw.responses.length;
  await quietPeriod(ms, 'a negative check: nothing matching may arrive from the device');
  const req = server.raw.requests.slice(reqs).some((r) => pred('request', r.packet.token, r));
  const res = server.raw.responses.slice(ress).some((r) => pred('response', r.token));
  return !req && !res;
}
