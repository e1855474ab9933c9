// gnss.bench.ts: GNSS figures: simulated time to first fix with and without assistance (the location plugin's
// controller against a fake modem on the emulator's Sky, simulated clock), bytes per assistance download per format,
// bytes per day of a daily position report.
import { generate, type Packet } from 'coap-packet';
import { encode } from '../src/lwm2m/formats/index.js';
import type { CodecContext } from '../src/lwm2m/formats/context.js';
import { ContentFormat, type LwRecord } from '../src/lwm2m/types.js';
import { Sky } from '../src/modem/emulator/sky.js';
import { CodedError } from '../src/errors.js';
import type { ActorMessage } from '../src/runtime/actor-api.js';
import { agnssForSky } from '../src/devserver/agnss-sky.js';
import { xtraFile } from '../src/devserver/xtra.js';
import { SimTimers } from '../test/support/sim-timers.js';
import { loadLocationPlugin } from '../test/plugins/location-plugin.js';

// ---- assumptions (printed) ----
const IP_UDP = 28; // IPv4 20 + UDP 8
const DTLS = 13 + 8 + 8; // DTLS 1.2 record header + explicit nonce + CCM-8 tag per datagram
const CLIENT_TOKEN = 4;
const SERVER_TOKEN = 8;
const BLOCK = 1024; // the server's Block1 size (the dev server's default; Leshan and Coiote use 1024 or 512)
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
/** Receiver times assumed for the Sky (not vendor figures): a cold start must read ephemerides off the air (≥ 30 s). */
const TTFF_COLD_MS = 35_000;
const TTFF_ASSISTED_MS = 3_000;
const RTT_MS = { 'LTE-M': 250, 'NB-IoT': 1_600 } as const;

const ctx: CodecContext = { basePath: [], typeOf: () => undefined, isMultiple: () => false };
const coapLen = (p: Packet): number => generate({ messageId: 1, ...p }).length;
const uriPath = (path: string): NonNullable<Packet['options']> =>
  path.split('/').map((s) => ({ name: 'Uri-Path' as const, value: Buffer.from(s) }));
const cf = (n: number): Buffer => (n < 256 ? Buffer.from([n]) : Buffer.from([n >> 8, n & 0xff]));
const block1 = (num: number, more: boolean): Buffer => {
  const v = (num << 4) | (more ? 8 : 0) | 6; // SZX 6 = 1024
  return v < 256
    ? Buffer.from([v])
    : v < 65_536
      ? Buffer.from([v >> 8, v & 0xff])
      : Buffer.from([v >> 16, (v >> 8) & 0xff, v & 0xff]);
};

interface Exchange {
  req: number;
  resp: number;
}
const total = (xs: Exchange[]): { datagrams: number; coap: number; nosec: number; dtls: number } => {
  const datagrams = xs.length * 2;
  const coap = xs.reduce((a, e) => a + e.req + e.resp, 0);
  return { datagrams, coap, nosec: coap + datagrams * IP_UDP, dtls: coap + datagrams * (IP_UDP + DTLS) };
};

/** The device's Send (CON POST /dp, SenML CBOR) and its piggybacked 2.04. */
function send(records: LwRecord[]): Exchange {
  const body = Buffer.from(encode(ContentFormat.SENML_CBOR, records, ctx));
  return {
    req: coapLen({
      confirmable: true,
      code: 'POST',
      token: Buffer.alloc(CLIENT_TOKEN),
      options: [...uriPath('dp'), { name: 'Content-Format', value: cf(ContentFormat.SENML_CBOR) }],
      payload: body,
    }),
    resp: coapLen({ ack: true, code: '2.04', token: Buffer.alloc(CLIENT_TOKEN) }),
  };
}

/** The server's partial-update Write POST /33625/0 of data + result code, block-wise; 2.31 per block, 2.04 last. */
function serverWrite(data: Uint8Array): Exchange[] {
  const body = Buffer.from(
    encode(
      ContentFormat.SENML_CBOR,
      [
        { path: [33625, 0, 6], value: data },
        { path: [33625, 0, 7], value: 0 },
      ],
      ctx,
    ),
  );
  const out: Exchange[] = [];
  const n = Math.ceil(body.length / BLOCK);
  for (let i = 0; i < n; i++) {
    const more = i < n - 1;
    const opts: NonNullable<Packet['options']> = [
      ...uriPath('33625/0'),
      { name: 'Content-Format', value: cf(ContentFormat.SENML_CBOR) },
      { name: 'Block1', value: block1(i, more) },
    ];
    out.push({
      req: coapLen({
        confirmable: true,
        code: 'POST',
        token: Buffer.alloc(SERVER_TOKEN),
        options: opts,
        payload: body.subarray(i * BLOCK, (i + 1) * BLOCK),
      }),
      resp: coapLen({
        ack: true,
        code: more ? '2.31' : '2.04',
        token: Buffer.alloc(SERVER_TOKEN),
        options: [{ name: 'Block1', value: block1(i, more) }],
      }),
    });
  }
  return out;
}

const cell: LwRecord[] = [
  { path: [4, 0, 8], value: 0x01a2d001 },
  { path: [4, 0, 9], value: 1 },
  { path: [4, 0, 10], value: 1 },
  { path: [4, 0, 2], value: -93 },
  { path: [4, 0, 12], value: 0x1a2d },
];
const agnss = agnssForSky({ timeMs: NOW, latitude: 63.4215, longitude: 10.4381, accuracyM: 400 });
const agnssFiltered = agnssForSky({
  timeMs: NOW,
  latitude: 63.4215,
  longitude: 10.4381,
  accuracyM: 400,
  elevationMaskDeg: 5,
});
const xtra = xtraFile(NOW);
const downloads = {
  'A-GNSS (type 0, nRF91)': {
    data: agnss,
    exchanges: [
      send([{ path: [33625, 0, 0], value: 0 }, { path: [33625, 0, 1], value: 0x1ff }, ...cell]),
      ...serverWrite(agnss),
    ],
  },
  'A-GNSS filtered (mask 5°)': {
    data: agnssFiltered,
    exchanges: [
      send([
        { path: [33625, 0, 0], value: 0 },
        { path: [33625, 0, 1], value: 0x1ff },
        ...cell,
        { path: [33625, 0, 8], value: 5 },
      ]),
      ...serverWrite(agnssFiltered),
    ],
  },
  'XTRA (type 2, BG95/SIM7080)': {
    data: xtra,
    exchanges: [send([{ path: [33625, 0, 0], value: 2 }]), ...serverWrite(xtra)],
  },
};

/** The controller's log lines are not the figures. */
const noop = (): void => undefined;
const quiet = { info: noop, warn: noop, error: noop, debug: noop, child: () => quiet };

// ---- time to first fix: the plugin's controller, a fake modem on the Sky, the server answering after the RTTs ----
const plugin = await loadLocationPlugin();
async function ttff(format: 'nrf-cloud-agnss' | 'xtra', assistance: boolean, rttMs: number): Promise<number> {
  const timers = new SimTimers();
  const sky = new Sky(() => NOW + timers.now());
  sky.ttffColdMs = TTFF_COLD_MS;
  sky.ttffAssistedMs = TTFF_ASSISTED_MS;
  const blocks = serverWrite(format === 'xtra' ? xtra : agnss).length;
  const ref: { ctl?: { receive(m: ActorMessage): unknown } } = {};
  const request = async (to: string, msg: ActorMessage): Promise<unknown> => {
    if (to === 'modem' && msg.type === 'modem.gnss.need') return { ephemeris: !sky.assisted, format, rf: 'lte-idle' };
    if (to === 'modem' && msg.type === 'modem.gnss.inject') {
      sky.inject();
      return { ok: true };
    }
    if (to === 'modem' && msg.type === 'modem.gnss.fix') {
      sky.start();
      const wait = sky.msToFix() ?? Infinity;
      if (wait > (msg.timeoutMs as number)) throw new CodedError('GNSS_TIMEOUT', 'no fix');
      await new Promise<void>((r) => timers.setTimeout(r, wait));
      const f = sky.fix();
      sky.stop();
      return { ...f };
    }
    if (to === 'client' && msg.type === 'lwm2m.send') {
      const paths = msg.paths as number[][];
      if (paths[0]?.[0] === 33625) {
        // The Send's round trip, then one round trip per Block1 block of the server's write.
        timers.setTimeout(
          () => {
            void ref.ctl?.receive({ type: 'gnss.data', kind: 'x', bytes: 1, data: new Uint8Array(1) });
            void ref.ctl?.receive({ type: 'location.result', code: 0, service: 'gnss' });
          },
          rttMs * (1 + blocks),
        );
      }
      return { code: '2.04' };
    }
    return { ok: true };
  };
  const ctl = plugin.createController(
    {
      config: {
        ...plugin.manifest.config,
        intervalS: 0,
        cellCheckS: 0,
        gnss: { ...(plugin.manifest.config.gnss as object), assistance, sendAfterFix: false, onLeak: 'off' },
      },
      log: quiet as never,
      request,
    },
    { timers },
  );
  ref.ctl = ctl;
  const start = timers.now();
  let end: number | undefined;
  const p = (ctl.receive({ type: 'location.gnss-fix' }) as Promise<{ fixed: boolean }>).then((o) => {
    if (o.fixed) end = timers.now();
  });
  while (end === undefined && timers.now() - start < 300_000) await timers.advance(50);
  await p;
  await ctl.stop();
  return (end ?? NaN) - start;
}

console.log('GNSS (bench/gnss.bench.ts). Assumptions: IPv4+UDP 28 B/datagram, DTLS 1.2 PSK CCM-8 +29 B/datagram;');
console.log(
  `  Block1 ${BLOCK} B, server token ${SERVER_TOKEN} B, client token ${CLIENT_TOKEN} B, SenML CBOR; no retransmissions.`,
);
console.log(
  `  Sky (src/modem/emulator/sky.ts) on a simulated clock, receiver assumed: cold ${TTFF_COLD_MS / 1000} s, assisted ${TTFF_ASSISTED_MS / 1000} s;`,
);
console.log(
  `  RTT per exchange ${Object.entries(RTT_MS)
    .map(([k, v]) => `${k} ${v} ms`)
    .join(', ')}.`,
);
console.log('');
console.log('time to first fix (simulated, from the fix request to /6):');
for (const [bearer, rtt] of Object.entries(RTT_MS)) {
  for (const format of ['nrf-cloud-agnss', 'xtra'] as const) {
    const cold = await ttff(format, false, rtt);
    const warm = await ttff(format, true, rtt);
    console.log(
      `  ${bearer.padEnd(7)} ${format.padEnd(16)} without assistance ${(cold / 1000).toFixed(1).padStart(5)} s   with ${(warm / 1000).toFixed(1).padStart(5)} s (download + assisted fix)`,
    );
  }
}
console.log('');
console.log("bytes per assistance download (the /33625 Send + the server's block-wise write):");
const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(
  `  ${'format'.padEnd(30)}${pad('data B', 8)}${pad('dgrams', 8)}${pad('CoAP B', 8)}${pad('NoSec B', 9)}${pad('DTLS B', 9)}`,
);
const perDownload: Record<string, ReturnType<typeof total>> = {};
for (const [name, d] of Object.entries(downloads)) {
  const tt = total(d.exchanges);
  perDownload[name] = tt;
  console.log(
    `  ${name.padEnd(30)}${pad(d.data.length, 8)}${pad(tt.datagrams, 8)}${pad(tt.coap, 8)}${pad(tt.nosec, 9)}${pad(tt.dtls, 9)}`,
  );
}
console.log('');

// ---- a daily position report: /6/0 as the fix leaves it ----
const position: LwRecord[] = [
  { path: [6, 0, 0], value: 63.43049 },
  { path: [6, 0, 1], value: 10.39506 },
  { path: [6, 0, 2], value: 12 },
  { path: [6, 0, 3], value: 4.5 },
  { path: [6, 0, 4], value: Uint8Array.of(0, 0, 0, 0) },
  { path: [6, 0, 5], value: NOW / 1000 },
  { path: [6, 0, 6], value: 0 },
];
const posSend = send(position);
const notifyBody = Buffer.from(encode(ContentFormat.SENML_CBOR, position, ctx));
const posNotify: Exchange = {
  req: coapLen({
    confirmable: true,
    code: '2.05',
    token: Buffer.alloc(SERVER_TOKEN),
    options: [
      { name: 'Observe', value: Buffer.from([0, 0, 7]) },
      { name: 'Content-Format', value: cf(ContentFormat.SENML_CBOR) },
    ],
    payload: notifyBody,
  }),
  resp: coapLen({ ack: true, code: '0.00' }),
};
console.log(`bytes per day of a daily position report (/6/0, 7 resources, SenML CBOR ${notifyBody.length} B):`);
const agnssDay = perDownload['A-GNSS (type 0, nRF91)'];
const xtraDay = perDownload['XTRA (type 2, BG95/SIM7080)'];
const lines: [string, ReturnType<typeof total>, number, number][] = [
  ['Send of /6/0', total([posSend]), 0, 0],
  ['notification of /6/0', total([posNotify]), 0, 0],
  ['Send + A-GNSS every day (ephemerides ~4 h)', total([posSend]), agnssDay.nosec, agnssDay.dtls],
  [
    'Send + filtered A-GNSS every day',
    total([posSend]),
    perDownload['A-GNSS filtered (mask 5°)'].nosec,
    perDownload['A-GNSS filtered (mask 5°)'].dtls,
  ],
  ['Send + XTRA once a week (7-day file), per day', total([posSend]), xtraDay.nosec / 7, xtraDay.dtls / 7],
];
console.log(`  ${'report'.padEnd(48)}${pad('NoSec B/day', 12)}${pad('DTLS B/day', 11)}`);
for (const [name, tt, extraNosec, extraDtls] of lines)
  console.log(
    `  ${name.padEnd(48)}${pad(Math.round(tt.nosec + extraNosec), 12)}${pad(Math.round(tt.dtls + extraDtls), 11)}`,
  );
