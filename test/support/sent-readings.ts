// sent-readings.ts: the meter readings a device delivered to a HostileServer: the time-stamped volumes (/3424/0/1) of
// every LwM2M Send, in arrival order.
import { decodeSenmlCbor } from '../../src/lwm2m/formats/senml-cbor.js';
import { untypedContext } from '../../src/lwm2m/formats/context.js';
import type { HostileServer } from './hostile-server.js';

export interface SentVolume {
  time: number;
  value: number;
}

/** Every /3424/0/1 record of every Send (POST /dp, SenML CBOR) the server received; a resent reading appears twice. */
export function sentVolumes(server: HostileServer): SentVolume[] {
  const out: SentVolume[] = [];
  for (const req of server.requests) {
    if (req.method !== 'POST' || req.path !== '/dp') continue;
    for (const r of decodeSenmlCbor(req.packet.payload, untypedContext())) {
      if (r.path.join('/') === '3424/0/1' && r.time !== undefined) out.push({ time: r.time, value: r.value as number });
    }
  }
  return out;
}
