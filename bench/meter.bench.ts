// meter.bench.ts: bytes on the wire per day: 15-minute readings in hourly LwM2M Sends vs one Observe notification per
// reading.
import { generate, type Packet } from 'coap-packet';
import { encode } from '../src/lwm2m/formats/index.js';
import type { CodecContext } from '../src/lwm2m/formats/context.js';
import { ContentFormat, type LwRecord } from '../src/lwm2m/types.js';
import { readingRecords, type MeterReading } from '../src/meter/reading.js';
import { FlowProfile } from '../src/meter/sources/flow-profile.js';
import { waterMeterDefinition } from '../src/objects/water-meter.js';
import { measureHandshake } from './support/dtls-handshake.js';

// ---- assumptions (printed with the table) ----
const IP_UDP = 28; // IPv4 20 + UDP 8 (no ROHC; IPv6 would be 48)
const DTLS = 13 + 8 + 8; // DTLS 1.2 record header + explicit nonce + CCM-8 tag, per datagram (PSK, AES-128-CCM-8)
const CLIENT_TOKEN = 4; // our client's token length
const SERVER_TOKEN = 8; // Leshan-style observe token
const LOCATION = 'rd/Xk9aQ2'; // registration location path (Leshan gives ~10 characters)
const READING_S = 900;
const BATCH_S = 3600;
const DAY = 86_400;

const ctx: CodecContext = {
  basePath: [],
  typeOf: (o, r) => (o === 3424 ? waterMeterDefinition.resources.find((d) => d.id === r)?.type : undefined),
  isMultiple: () => false,
};

function coapLen(p: Packet): number {
  return generate({ messageId: 1, ...p }).length;
}

function uriPath(path: string): NonNullable<Packet['options']> {
  return path.split('/').map((s) => ({ name: 'Uri-Path' as const, value: Buffer.from(s) }));
}

const cf = (n: number): Buffer =>
  n === 0 ? Buffer.alloc(0) : n < 256 ? Buffer.from([n]) : Buffer.from([n >> 8, n & 0xff]);

/** One day of readings from the simulated household (0.3 m³/day, seed 1), one per 15 minutes. */
function dayOfReadings(): MeterReading[] {
  const p = new FlowProfile({ seed: 1, dailyM3: 0.3, leakLph: 0, utcOffsetH: 0 }, 1000);
  const t0 = Date.UTC(2026, 0, 5) / 1000;
  let pulses = 123_456;
  const out: MeterReading[] = [];
  for (let i = 1; i <= DAY / READING_S; i++) {
    pulses += p.pulsesBetween((i - 1) * READING_S * 1000, i * READING_S * 1000);
    out.push({
      seq: i,
      time: t0 + i * READING_S,
      volumeM3: pulses / 1000,
      pulses,
      minFlow: 0,
      maxFlow: 0,
      leakSuspected: false,
      leakDetected: false,
      backflow: false,
      blocked: false,
    });
  }
  return out;
}

interface Row {
  scheme: string;
  datagrams: number;
  coap: number;
  payload: number;
  nosec: number;
  dtls: number;
}

function row(scheme: string, exchanges: { req: number; resp: number; payload: number }[]): Row {
  const datagrams = exchanges.length * 2;
  const coap = exchanges.reduce((a, e) => a + e.req + e.resp, 0);
  const payload = exchanges.reduce((a, e) => a + e.payload, 0);
  return {
    scheme,
    datagrams,
    coap,
    payload,
    nosec: coap + datagrams * IP_UDP,
    dtls: coap + datagrams * (IP_UDP + DTLS),
  };
}

const readings = dayOfReadings();
const ack = (tokenLen: number): number => coapLen({ ack: true, code: '2.04', token: Buffer.alloc(tokenLen) });
const emptyAck = coapLen({ ack: true, code: '0.00' });

// Registration Update: CON POST /rd/<loc>, no payload; piggybacked 2.04.
const update = {
  req: coapLen({ confirmable: true, code: 'POST', token: Buffer.alloc(CLIENT_TOKEN), options: uriPath(LOCATION) }),
  resp: ack(CLIENT_TOKEN),
  payload: 0,
};

// A: Send (CON POST /dp, SenML CBOR, time-stamped) every batchS; flags only when they change. `pulses` sends 3424/0/4
// (unsigned, 5 B) instead of the volume 3424/0/1 (a float64 for litre resolution, 9 B).
function sendExchanges(batchS: number, value: 'volume' | 'pulses'): { req: number; resp: number; payload: number }[] {
  const out: { req: number; resp: number; payload: number }[] = [];
  const perBatch = batchS / READING_S;
  let prev: MeterReading | undefined = readings[0];
  for (let i = 0; i < readings.length; i += perBatch) {
    const batch = readings.slice(i, i + perBatch);
    let recs = readingRecords(batch, 0, prev);
    if (value === 'pulses')
      recs = recs.map((r) =>
        r.path[2] === 1 ? { ...r, path: [3424, 0, 4], value: batch.find((b) => b.time === r.time)!.pulses } : r,
      );
    const body = encode(ContentFormat.SENML_CBOR, recs, ctx);
    prev = batch[batch.length - 1];
    out.push({
      req: coapLen({
        confirmable: true,
        code: 'POST',
        token: Buffer.alloc(CLIENT_TOKEN),
        options: [...uriPath('dp'), { name: 'Content-Format', value: cf(ContentFormat.SENML_CBOR) }],
        payload: Buffer.from(body),
      }),
      resp: ack(CLIENT_TOKEN),
      payload: body.length,
    });
  }
  return out;
}
const sends = sendExchanges(BATCH_S, 'volume');

// B: one Observe notification of /3424/0/1 per reading (text/plain value, no timestamp), CON + empty ACK.
const notes = readings.map((r, i) => {
  const body = Buffer.from(String(r.volumeM3));
  return {
    req: coapLen({
      confirmable: true,
      code: '2.05',
      token: Buffer.alloc(SERVER_TOKEN),
      options: [
        { name: 'Observe', value: Buffer.from([0, (i >> 8) & 0xff, i & 0xff]) },
        { name: 'Content-Format', value: cf(ContentFormat.TEXT) },
      ],
      payload: body,
    }),
    resp: emptyAck,
    payload: body.length,
  };
});
// B': the same notification as time-stamped SenML CBOR (keeps the reading time, like the Send).
const notesCbor = readings.map((r, i) => {
  const recs: LwRecord[] = [{ path: [3424, 0, 1], value: r.volumeM3, time: r.time }];
  const body = Buffer.from(encode(ContentFormat.SENML_CBOR, recs, ctx));
  return {
    req: coapLen({
      confirmable: true,
      code: '2.05',
      token: Buffer.alloc(SERVER_TOKEN),
      options: [
        { name: 'Observe', value: Buffer.from([0, (i >> 8) & 0xff, i & 0xff]) },
        { name: 'Content-Format', value: cf(ContentFormat.SENML_CBOR) },
      ],
      payload: body,
    }),
    resp: emptyAck,
    payload: body.length,
  };
});

const rows: Row[] = [];
const oneUpdate = [update];
rows.push(row('hourly Send (4 readings, volume), 1 reg update/day', [...sends, ...oneUpdate]));
rows.push(row('hourly Send (4 readings, pulses), 1 upd/day', [...sendExchanges(3600, 'pulses'), ...oneUpdate]));
rows.push(row('2-hourly Send (8 readings, volume), 1 upd/day', [...sendExchanges(7200, 'volume'), ...oneUpdate]));
rows.push(row('4-hourly Send (16 readings, volume), 1 upd/day', [...sendExchanges(14400, 'volume'), ...oneUpdate]));
rows.push(row('8-hourly Send (32 readings, volume), 1 upd/day', [...sendExchanges(28800, 'volume'), ...oneUpdate]));
for (const updatesPerDay of [1, 24]) {
  const ups = Array.from({ length: updatesPerDay }, () => update);
  if (updatesPerDay > 1)
    rows.push(row(`hourly Send (4 readings), ${updatesPerDay} reg update/day`, [...sends, ...ups]));
  rows.push(row(`notify per reading (text), ${updatesPerDay} reg update/day`, [...notes, ...ups]));
  rows.push(row(`notify per reading (SenML CBOR+t), ${updatesPerDay} upd/day`, [...notesCbor, ...ups]));
}

// C: queue mode (binding UQ): every 4-hourly Send wakes the client, which sends an Update first. With DTLS the socket
// is closed while asleep, so each wake also costs a full handshake (no Connection ID / resumption in node-dtls-client).
const wakes = sendExchanges(14400, 'volume');
const queueRow = row('4-hourly Send, queue mode (Update per wake)', [...wakes, ...wakes.map(() => update)]);
rows.push(queueRow);
const hs = await measureHandshake();

const oneSend = sends[1];
console.log('Assumptions: IPv4+UDP 28 B/datagram; DTLS 1.2 PSK CCM-8 +29 B/datagram; CoAP sizes from coap-packet;');
console.log(
  `  Send: CON POST /dp, token ${CLIENT_TOKEN} B, Content-Format 112, piggybacked 2.04 ACK; notifications: CON, token ${SERVER_TOKEN} B, Observe 3 B, empty ACK;`,
);
console.log(
  `  registration update: CON POST /${LOCATION} no payload + 2.04 ACK; day = ${readings.length} readings of a 0.3 m³/day household; no retransmissions.`,
);
console.log(
  `  one hourly Send: SenML CBOR payload ${oneSend.payload} B, CoAP request ${oneSend.req} B, ACK ${oneSend.resp} B; update ${update.req}+${update.resp} B`,
);
console.log('');
const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(
  `${'scheme'.padEnd(52)}${pad('dgrams', 7)}${pad('CoAP B', 8)}${pad('payload', 8)}${pad('NoSec B/day', 12)}${pad('DTLS B/day', 11)}`,
);
for (const r of rows)
  console.log(
    `${r.scheme.padEnd(52)}${pad(r.datagrams, 7)}${pad(r.coap, 8)}${pad(r.payload, 8)}${pad(r.nosec, 12)}${pad(r.dtls, 11)}`,
  );
console.log('');
for (const r of rows.filter((x) => x.scheme.includes('Send'))) {
  console.log(
    `target ≤ 3000 B/day: ${r.scheme.padEnd(52)} NoSec ${r.nosec <= 3000 ? 'meets ' : 'MISSES'}  DTLS ${r.dtls <= 3000 ? 'meets' : 'MISSES'}`,
  );
}
console.log('');
if (hs === undefined) {
  console.log('DTLS handshake bytes: skipped (coap-server-gnutls not installed)');
} else {
  const perHs = hs.bytes + hs.datagrams * IP_UDP;
  const withHs = queueRow.dtls + wakes.length * perHs;
  console.log(
    `one full DTLS-PSK CCM_8 handshake with coap-server-gnutls (measured): ${hs.datagrams} datagrams, ${hs.up} B up + ${hs.down} B down, ${perHs} B with IP/UDP`,
  );
  console.log(
    `4-hourly Send, queue mode, DTLS with a handshake per wake (${wakes.length}/day): ${withHs} B/day — target ≤ 3000 B/day ${withHs <= 3000 ? 'meets' : 'MISSES'}`,
  );
}
